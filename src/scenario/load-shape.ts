import { compileSchedule } from '../workload/schedule-compile.js';
import type { Phase, PhaseSequence, Schedule } from '../workload/schedule.js';

/**
 * Whole-schedule arithmetic for the `--rate` and `--duration` shortcuts and the one-line summary.
 * Rates and times come from the schedule module's own compilation, so "peak" and "length" mean
 * exactly what the load generator will do.
 */

export function sequencesOf(load: Schedule): readonly PhaseSequence[] {
  return 'overlay' in load ? load.overlay : [load];
}

function withSequences(load: Schedule, map: (sequence: PhaseSequence) => PhaseSequence): Schedule {
  return 'overlay' in load ? { overlay: load.overlay.map(map) } : map(load);
}

export function scheduleDurationMs(load: Schedule): number {
  return compileSchedule(load).totalDurationMs;
}

/** Highest instantaneous rate, events/s (an overlay's rates summed). */
export function peakRateEventsPerS(load: Schedule): number {
  return compileSchedule(load).segments.reduce((peak, s) => Math.max(peak, s.fromRate, s.toRate), 0);
}

/** Events in the schedule divided by its length: the run's target rate. */
export function meanRateEventsPerS(load: Schedule): number {
  const compiled = compileSchedule(load);
  return compiled.totalDurationMs > 0 ? (compiled.totalCount * 1000) / compiled.totalDurationMs : 0;
}

/** Rates are kept to a thousandth of an event per second: enough, and readable in results. */
const roundRate = (rate: number): number => Math.round(rate * 1000) / 1000;

function scalePhaseRates(phase: Phase, factor: number): Phase {
  const f = (rate: number) => roundRate(rate * factor);
  switch (phase.kind) {
    case 'constant':
      return { ...phase, rateEventsPerS: f(phase.rateEventsPerS) };
    case 'ramp':
    case 'step':
      return { ...phase, fromRateEventsPerS: f(phase.fromRateEventsPerS), toRateEventsPerS: f(phase.toRateEventsPerS) };
    case 'spike':
      return { ...phase, baseRateEventsPerS: f(phase.baseRateEventsPerS), peakRateEventsPerS: f(phase.peakRateEventsPerS) };
  }
}

/** Every rate multiplied by `factor`: the shape (ratios, timing) is unchanged. */
export function scaleRates(load: Schedule, factor: number): Schedule {
  return withSequences(load, (sequence) => ({ phases: sequence.phases.map((p) => scalePhaseRates(p, factor)) }));
}

/**
 * Every time multiplied by `factor`, rounded to whole ms. Phase boundaries are rounded on the
 * cumulative timeline (not phase by phase), so a sequence of total T lasts exactly round(T·factor)
 * and rounding errors never pile up; no phase shrinks below 1 ms.
 */
function scaleSequenceTimes(sequence: PhaseSequence, factor: number): PhaseSequence {
  let startMs = 0;
  let scaledStartMs = 0;
  const phases = sequence.phases.map((phase): Phase => {
    const endMs = startMs + phase.durationMs;
    const scaledEndMs = Math.max(scaledStartMs + 1, Math.round(endMs * factor));
    const durationMs = scaledEndMs - scaledStartMs;
    startMs = endMs;
    scaledStartMs = scaledEndMs;
    if (phase.kind !== 'spike') return { ...phase, durationMs };
    const spikeAtMs = Math.min(durationMs - 1, Math.round(phase.spikeAtMs * factor));
    const spikeDurationMs = Math.max(1, Math.min(durationMs - spikeAtMs, Math.round(phase.spikeDurationMs * factor)));
    return { ...phase, durationMs, spikeAtMs, spikeDurationMs };
  });
  return { phases };
}

export function scaleDurations(load: Schedule, factor: number): Schedule {
  return withSequences(load, (sequence) => scaleSequenceTimes(sequence, factor));
}
