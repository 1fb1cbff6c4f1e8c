import { parseGate, type GateMetric } from '../report/gates.js';
import type { RunResult, StageName } from '../report/result-schema.js';
import { linearFit } from './regression.js';

/**
 * Was a probe sustainable? Pure, over the probe's result.json. Sustainable when, over its hold
 * period, all of these hold — each one recorded with its figure, so the report shows why:
 *
 *  - the run completed (an aborted probe failed early; a failed or interrupted one proves nothing);
 *  - on-time share ≥ its gate (the scenario's `onTimeShare >= x` gate, else 0.99), over the hold
 *    after `settleS` (settledOnTimeShare): the load generator sent what was due when it was due,
 *    so the rate offered is the rate claimed;
 *  - the consumer-lag slope, a least-squares line through the lag samples of the hold period
 *    after `settleS`, is ≤ `maxLagSlope` events/s per second (Theodolite's criterion): a backlog
 *    that grows means the processors fall further behind every second. No lag samples → not
 *    sustainable (never a silent pass);
 *  - every gate of the probe passes (the scenario's thresholds and the --slo ones);
 *  - every invariant holds (exactly-once at the probed rate, not only speed).
 */
export const DEFAULT_ON_TIME_SHARE = 0.99;
/**
 * Seconds at the probe's rate before its judged hold (the probe's settle phase, probe.ts): the
 * backlog of the warm-up's last second drains and the main load's start-up passes. Decisions on
 * other results may skip them inside the hold instead (settleS).
 */
export const DEFAULT_SETTLE_S = 5;
/** Fewest lag samples a slope is fitted to. */
export const MIN_LAG_POINTS = 5;

export interface DecisionSettings {
  onTimeShareMin: number;
  /** Events/s of lag growth per second allowed, for this probe's rate. */
  maxLagSlope: number;
  settleS: number;
  /** The load phase label of the hold period in the time series. */
  holdPhase: string;
}

/** Lag slope allowed: 1 % of the rate per second, at least 50 events/s. */
export function defaultMaxLagSlope(rate: number): number {
  return Math.max(50, 0.01 * rate);
}

export type Criterion = 'completed' | 'onTimeShare' | 'lagSlope' | 'gates' | 'invariants';

export interface CriterionOutcome {
  criterion: Criterion;
  pass: boolean;
  detail: string;
}

export interface ProbeDecision {
  sustainable: boolean;
  /** The harness or stack broke, or the run was interrupted: nothing was proven. */
  inconclusive: boolean;
  criteria: CriterionOutcome[];
  onTimeShare: number | null;
  lagSlopeEventsPerS2: number | null;
  lagPoints: number;
  /** One line: the first failing criterion, or "sustainable". */
  summary: string;
}

export function lagSlope(result: Pick<RunResult, 'timeSeries'>, settings: Pick<DecisionSettings, 'settleS' | 'holdPhase'>): { slope: number | null; points: number } {
  const hold = result.timeSeries.filter((r) => r.phase === settings.holdPhase);
  if (hold.length === 0) return { slope: null, points: 0 };
  const t0 = hold[0]!.tEpochS;
  const points = hold
    .filter((r) => r.tEpochS - t0 >= settings.settleS && r.consumerLagEvents !== null)
    .map((r) => [r.tEpochS - t0, r.consumerLagEvents as number] as const);
  if (points.length < MIN_LAG_POINTS) return { slope: null, points: points.length };
  return { slope: linearFit(points)?.slope ?? null, points: points.length };
}

/**
 * On-time share over the hold after its first `settleS` seconds: events sent on time in those
 * seconds ÷ events the schedule made due in them. The first seconds are left out as for the lag
 * slope: the switch from warm-up to hold stalls the generator for up to a second on a busy machine
 * (seen: 1.16 s of schedule lag at 13 events/s, load average 18.8 on 2 cores), which says nothing
 * about the rate. Null without per-second send figures.
 */
export function settledOnTimeShare(result: Pick<RunResult, 'timeSeries'>, settings: Pick<DecisionSettings, 'settleS' | 'holdPhase'>): number | null {
  const hold = result.timeSeries.filter((r) => r.phase === settings.holdPhase);
  if (hold.length === 0 || hold.some((r) => r.onTimeEventsPerS === undefined)) return null;
  const t0 = hold[0]!.tEpochS;
  const settled = hold.filter((r) => r.tEpochS - t0 >= settings.settleS);
  const due = settled.reduce((sum, r) => sum + r.targetEventsPerS, 0);
  if (!(due > 0)) return null;
  return Math.min(1, settled.reduce((sum, r) => sum + (r.onTimeEventsPerS ?? 0), 0) / due);
}

export function decideProbe(result: RunResult, settings: DecisionSettings): ProbeDecision {
  const criteria: CriterionOutcome[] = [];
  const inconclusive = result.state === 'failed' || result.state === 'incomplete';
  criteria.push({
    criterion: 'completed',
    pass: result.state === 'completed',
    detail: result.state === 'completed' ? 'completed' : result.state === 'aborted' ? `aborted early by \`${result.abortedBy}\`` : `${result.state}: ${result.reason}`,
  });
  const share = settledOnTimeShare(result, settings);
  const whole = result.counters.onTimeShare ?? null;
  criteria.push({
    criterion: 'onTimeShare',
    pass: share !== null && share >= settings.onTimeShareMin,
    detail:
      share === null
        ? 'on-time share not recorded'
        : `on-time share ${(share * 100).toFixed(2)} % ${settings.settleS > 0 ? `after the first ${settings.settleS} s of the hold` : 'over the hold'} (≥ ${(settings.onTimeShareMin * 100).toFixed(2)} %)${whole !== null ? `; ${(whole * 100).toFixed(2)} % over the whole run` : ''}`,
  });
  const lag = lagSlope(result, settings);
  criteria.push({
    criterion: 'lagSlope',
    pass: lag.slope !== null && lag.slope <= settings.maxLagSlope,
    detail:
      lag.slope === null
        ? `consumer-lag slope not measurable (${lag.points} lag sample(s) after ${settings.settleS} s of hold, ${MIN_LAG_POINTS} needed)`
        : `consumer-lag slope ${lag.slope.toFixed(1)} events/s² over ${lag.points} s (≤ ${settings.maxLagSlope.toFixed(0)})`,
  });
  const failedGates = result.gates.filter((g) => !g.pass);
  criteria.push({
    criterion: 'gates',
    pass: result.state === 'completed' && failedGates.length === 0,
    detail: failedGates.length === 0 ? (result.state === 'completed' ? `${result.gates.length} gate(s) pass` : 'not evaluated on a run that did not complete') : failedGates.map((g) => g.message).join('; '),
  });
  const verdict = result.verdict;
  const brokenInvariants = verdict?.invariants.filter((i) => !i.pass) ?? [];
  criteria.push({
    criterion: 'invariants',
    pass: verdict !== null && verdict.pass && brokenInvariants.length === 0 && verdict.invariants.length > 0,
    detail: verdict === null ? 'not verified' : brokenInvariants.length === 0 ? `${verdict.invariants.map((i) => i.id).join(' ')} hold` : brokenInvariants.map((i) => `${i.id}: ${i.violations} violation(s)`).join('; '),
  });
  const sustainable = criteria.every((c) => c.pass);
  const firstFail = criteria.find((c) => !c.pass);
  return {
    sustainable,
    inconclusive,
    criteria,
    onTimeShare: share,
    lagSlopeEventsPerS2: lag.slope,
    lagPoints: lag.points,
    summary: firstFail ? `not sustainable: ${firstFail.detail}` : 'sustainable',
  };
}

/** The gate metric's stage, or the counter: which stage a failing gate speaks for. */
export function gateStage(expression: string): StageName | string | null {
  let metric: GateMetric;
  try {
    metric = parseGate(expression).metric;
  } catch {
    return null;
  }
  if (metric.kind === 'counter') return metric.name;
  if (metric.kind === 'achievedRate') return 'achievedRate';
  return metric.stage;
}
