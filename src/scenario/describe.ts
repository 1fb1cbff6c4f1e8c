import { INGEST_DRIVERS } from '../drivers/ingest/index.js';
import { PROCESSOR_DRIVERS } from '../drivers/processor/index.js';
import { driverFor } from '../drivers/registry.js';
import type { Phase, PhaseSequence } from '../workload/schedule.js';
import { formatDurationMs } from '../base/duration.js';
import { peakRateEventsPerS, scheduleDurationMs, sequencesOf } from './load-shape.js';
import type { Scenario } from './schema.js';

/**
 * The one-line summary printed before a run (k6 habit) and listed in docs/scenarios.md:
 * "peak-load: 3 brokers (native), 2k ev/s for 1m, ramp 2k→20k ev/s over 1m, ... (7m, peak 20k
 * ev/s); kafka ingest, 2 processors, 10s windows, delivery on, 9 gates, seed 1".
 */

/** 500 → "500", 2500 → "2.5k", 20000 → "20k", 1.2e6 → "1.2M". */
export function formatRate(eventsPerS: number): string {
  const trim = (n: number): string => String(Math.round(n * 10) / 10);
  if (eventsPerS >= 1_000_000) return `${trim(eventsPerS / 1_000_000)}M`;
  if (eventsPerS >= 1_000) return `${trim(eventsPerS / 1_000)}k`;
  return String(Math.round(eventsPerS * 100) / 100);
}

/** Whole seconds from 10s up: a summary line after `--duration` should not read "25s714ms". */
const d = (ms: number): string => formatDurationMs(ms >= 10_000 ? Math.round(ms / 1_000) * 1_000 : ms);
const r = formatRate;

export function describePhase(phase: Phase): string {
  switch (phase.kind) {
    case 'constant':
      return `${r(phase.rateEventsPerS)} ev/s for ${d(phase.durationMs)}`;
    case 'ramp':
      return `ramp ${r(phase.fromRateEventsPerS)}→${r(phase.toRateEventsPerS)} ev/s over ${d(phase.durationMs)}`;
    case 'step':
      return `step ${r(phase.fromRateEventsPerS)}→${r(phase.toRateEventsPerS)} ev/s in ${phase.steps} steps over ${d(phase.durationMs)}`;
    case 'spike':
      return `${r(phase.baseRateEventsPerS)} ev/s for ${d(phase.durationMs)} with a ${r(phase.peakRateEventsPerS)} ev/s spike at ${d(phase.spikeAtMs)} for ${d(phase.spikeDurationMs)}`;
  }
}

/** Long schedules are cut: the line must stay one line. */
const MAX_PHASES_SHOWN = 5;

function describeSequence(sequence: PhaseSequence): string {
  const shown = sequence.phases.slice(0, MAX_PHASES_SHOWN).map(describePhase);
  const hidden = sequence.phases.length - shown.length;
  return hidden > 0 ? `${shown.join(', ')}, … ${hidden} more phases` : shown.join(', ');
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function describeLoad(load: Scenario['load']): string {
  const sequences = sequencesOf(load);
  const body = 'overlay' in load ? `overlay of ${sequences.map((s) => `[${describeSequence(s)}]`).join(' + ')}` : describeSequence(load);
  return `${body} (${d(scheduleDurationMs(load))}, peak ${r(peakRateEventsPerS(load))} ev/s)`;
}

export function describeScenario(scenario: Scenario): string {
  const { stack, ingest, processor, delivery } = scenario;
  const ingestDriver = driverFor(INGEST_DRIVERS, ingest.kind, 'ingest');
  const processorDriver = driverFor(PROCESSOR_DRIVERS, processor.kind, 'processor');
  const tail = [
    ingestDriver.describe(ingest as never),
    processorDriver.describe(processor as never),
    `${d(processor.windowMs)} windows`,
    `delivery ${delivery.enabled ? 'on' : 'off'}`,
    plural(scenario.thresholds.length, 'gate'),
    ...(scenario.faults.length > 0 ? [plural(scenario.faults.length, 'fault')] : []),
    `seed ${scenario.workload.seed}`,
  ];
  return `${scenario.name}: ${plural(stack.brokers, 'broker')} (${stack.provider}), ${describeLoad(scenario.load)}; ${tail.join(', ')}`;
}
