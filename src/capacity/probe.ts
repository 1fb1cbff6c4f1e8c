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

export interface ProbeShape {
  rate: number;
  holdMs: number;
  warmUpMs: number;
  drainTimeoutMs: number;
  instances: number;
  /** The scenario's own thresholds, the --slo gates and the early-abort gates. */
  thresholds: Scenario['thresholds'];
}

function set(pathText: string, value: unknown): Override {
  return { kind: 'set', flag: `(capacity probe) ${pathText}`, path: pathText.split('.'), pathText, value };
}

export function probeOverrides(shape: ProbeShape): Override[] {
  return [
    set('load', { phases: [{ kind: 'constant', name: HOLD_PHASE, rateEventsPerS: shape.rate, durationMs: shape.holdMs }] }),
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
 *  - `sentLate <= N`: N = every event of the first `settleS` seconds (not judged) plus
 *    (1 − on-time gate) × the events the rest of the hold schedules. Once more events than that
 *    were sent late, the hold's on-time share can no longer reach its gate whatever happens next,
 *    so the probe has failed for certain. (Events due but not sent yet are not
 *    counted, so the gate never stops a probe that could still pass.)
 *  - every --slo latency bound `pNN(stage) < T`, at twice T: far past its SLO.
 *
 * A rate just over the capacity runs its whole hold; one far over it stops within seconds.
 */
export function earlyAbortGates(onTimeShareMin: number, slos: readonly string[], rate: number, holdMs: number, settleS = 0): string[] {
  // The first settleS seconds are not judged (decision.ts): all of them may be late.
  const lateAllowed = Math.floor((1 - onTimeShareMin) * rate * Math.max(0, holdMs / 1000 - settleS) + rate * settleS);
  const gates = [`sentLate <= ${lateAllowed} abortOnFail`];
  for (const slo of slos) {
    const gate = parseGate(slo);
    if (gate.metric.kind !== 'percentile' || (gate.op !== '<' && gate.op !== '<=') || gate.threshold.kind !== 'absolute') continue;
    gates.push(`p${gate.metric.percentile}(${gate.metric.stage}) < ${Math.round(gate.threshold.value * 2)}ms abortOnFail`);
  }
  return gates;
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
