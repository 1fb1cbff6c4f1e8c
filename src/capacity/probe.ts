import type { Override } from '../scenario/overrides.js';
import type { Scenario } from '../scenario/schema.js';
import { parseGate } from '../report/gates.js';

/**
 * A probe: the scenario at one constant rate — warm-up, a hold period, drain, verify — as an
 * ordinary run (src/runner/run-scenario.ts) on the stack the capacity search keeps up. What
 * differs from the scenario is set through the same overrides `--set` uses, so the probe is
 * validated like any scenario and its result.json is an ordinary result.
 */
export const HOLD_PHASE = 'hold';
/**
 * The probe's first seconds at its rate, measured but not judged: the step from warm-up to the
 * main load (new producers, the live observers and gates starting, on a machine the pipeline
 * already keeps busy) stalled acknowledgements for 1–2 s at the start of probes that then ran
 * at 130–430 ms p99 L1 for the rest of their hold — and p99 over a 30 s hold is decided by 2 s of
 * it. A probe asks what the rate sustains, not how a run starts.
 */
export const SETTLE_PHASE = 'settle';
/**
 * The settle phase ramps from this fraction of the rate up to it. A stall at the step into the
 * main load leaves a backlog of rate × its length; near the harness's own limit that backlog never
 * clears, and the whole probe runs late (seen: at 7,200 and 8,000 events/s the same rate passed
 * with 100 % on time or was aborted with nearly every event late, depending on its first
 * seconds). Starting the main load at a quarter of the rate makes the backlog a quarter as big,
 * and the ramp's lower rates leave room to clear it before the hold.
 */
export const SETTLE_FROM_FRACTION = 0.25;

/** Events the settle phase schedules (a linear ramp from SETTLE_FROM_FRACTION × rate to rate). */
export function settleEvents(rate: number, settleMs: number): number {
  return (rate * (1 + SETTLE_FROM_FRACTION)) / 2 * (settleMs / 1000);
}

export interface ProbeShape {
  rate: number;
  /** The whole time at the rate: the settle phase, then the judged hold. */
  holdMs: number;
  /** Of holdMs, the settle phase (0: none). */
  settleMs: number;
  warmUpMs: number;
  drainTimeoutMs: number;
  instances: number;
  /** The scenario's own thresholds, the --slo gates and the early-abort gates. */
  thresholds: Scenario['thresholds'];
}

function set(pathText: string, value: unknown): Override {
  return { kind: 'set', flag: `(capacity probe) ${pathText}`, path: pathText.split('.'), pathText, value };
}

function settleFromRate(rate: number): number {
  return Math.max(1, Math.round(rate * SETTLE_FROM_FRACTION));
}

export function probeOverrides(shape: ProbeShape): Override[] {
  return [
    set('load', {
      phases: [
        ...(shape.settleMs > 0 ? [{ kind: 'ramp', name: SETTLE_PHASE, fromRateEventsPerS: settleFromRate(shape.rate), toRateEventsPerS: shape.rate, durationMs: shape.settleMs }] : []),
        { kind: 'constant', name: HOLD_PHASE, rateEventsPerS: shape.rate, durationMs: shape.holdMs - shape.settleMs },
      ],
    }),
    set('run.warmUpMs', shape.warmUpMs),
    set('run.drainTimeoutMs', shape.drainTimeoutMs),
    set('processor.instances', shape.instances),
    set('thresholds', shape.thresholds),
  ];
}

/**
 * Gates that stop a clearly failing probe early (abortOnFail, checked once a second on live
 * figures, src/runner/live-gates.ts).
 *
 *  - `sentLate <= N`: N = every event of the settle phase (`settleS` seconds, not judged) plus
 *    (1 − on-time gate) × the events the rest of the hold schedules. Once more events than that
 *    were sent late, the hold's on-time share can no longer reach its gate whatever happens next,
 *    so the probe has failed for certain. (Events due but not sent yet are not
 *    counted, so the gate never stops a probe that could still pass.)
 *  - every --slo latency bound `pNN(stage) < T`, at twice T: far past its SLO.
 *
 * A rate just over the capacity runs its whole hold; one far over it stops within seconds.
 */
export function earlyAbortGates(onTimeShareMin: number, slos: readonly string[], rate: number, holdMs: number, settleS = 0): string[] {
  // The settle phase is not judged: all of its events may be late.
  const lateAllowed = Math.floor((1 - onTimeShareMin) * rate * Math.max(0, holdMs / 1000 - settleS) + settleEvents(rate, settleS * 1000));
  const gates = [`sentLate <= ${lateAllowed} abortOnFail`];
  for (const slo of slos) {
    const gate = parseGate(slo);
    if (gate.metric.kind !== 'percentile' || (gate.op !== '<' && gate.op !== '<=') || gate.threshold.kind !== 'absolute') continue;
    gates.push(`p${gate.metric.percentile}(${gate.metric.stage}) < ${Math.round(gate.threshold.value * 2)}ms abortOnFail`);
  }
  return gates;
}

/**
 * A latency gate judged over the hold only (`p99(l1) < 1s` → `p99(l1){phase: hold} < 1s`), so the
 * settle seconds count for no gate. Counter gates, already-scoped gates and abortOnFail gates
 * (checked live, on the figures so far) are left as they are.
 */
export function scopeToHold(threshold: Scenario['thresholds'][number]): Scenario['thresholds'][number] {
  const gate = parseGate(threshold);
  const scoped = gate.metric.kind === 'percentile' || gate.metric.kind === 'max' || gate.metric.kind === 'mean';
  if (!scoped || ('phase' in gate.metric && gate.metric.phase !== undefined) || gate.abortOnFail) return threshold;
  // The metric comes first and a stage metric ends at its first ")": the scope goes right after it.
  const close = gate.expression.indexOf(')');
  const text = `${gate.expression.slice(0, close + 1)}{phase: ${HOLD_PHASE}}${gate.expression.slice(close + 1)}`;
  return typeof threshold === 'string' ? text : { ...threshold, threshold: text };
}

/** The `onTimeShare >= x` gate of the scenario, if it has one: the on-time criterion of a probe. */
export function onTimeShareGate(thresholds: Scenario['thresholds']): number | null {
  for (const t of thresholds) {
    const gate = parseGate(t);
    if (gate.metric.kind === 'counter' && gate.metric.name === 'onTimeShare' && (gate.op === '>=' || gate.op === '>') && gate.threshold.kind === 'absolute') return gate.threshold.value;
  }
  return null;
}

export function isOnTimeShareGate(threshold: Scenario['thresholds'][number]): boolean {
  const gate = parseGate(threshold);
  return gate.metric.kind === 'counter' && gate.metric.name === 'onTimeShare';
}
