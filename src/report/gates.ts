import { formatWithUnit } from './format.js';
import { cleanScaled, metricUnit, type Gate, type GateMetric, type GateOp, type GateThreshold } from './gate-parse.js';
import type { GateOutcome, RunResult, StageStats } from './result-schema.js';

export { GATE_OPS, STAGE_ALIASES, metricUnit, parseGate, parseGates } from './gate-parse.js';
export type { Gate, GateMetric, GateOp, GateSpec, GateThreshold } from './gate-parse.js';

/** What gates read from a result: everything but the gate outcomes themselves (phaseStages: for `{phase: NAME}` gates). */
export type GateSubject = Pick<RunResult, 'state' | 'stages' | 'counters' | 'rates' | 'verdict'> & Partial<Pick<RunResult, 'phaseStages'>>;

export interface GateEvaluationOptions {
  /**
   * Reads any percentile from a stage's encoded histogram (the runner passes the decoder from
   * src/metrics/histogram.ts). Without it only the precomputed p50, p90, p99, p99.9 and p100
   * are available, and a gate on another percentile fails saying so.
   */
  percentileMs?: (histogram: string, percentile: number) => number;
}

type Resolved = { ok: true; value: number } | { ok: false; why: string };

const PRECOMPUTED: ReadonlyArray<[number, keyof StageStats]> = [
  [50, 'p50Ms'],
  [90, 'p90Ms'],
  [99, 'p99Ms'],
  [99.9, 'p999Ms'],
  [100, 'maxMs'],
];

/** The metric written canonically (aliases expanded): `p99(l3_window)`. */
export function metricLabel(metric: GateMetric): string {
  switch (metric.kind) {
    case 'percentile':
      return `p${metric.percentile}(${metric.stage})${phaseScope(metric)}`;
    case 'max':
    case 'mean':
      return `${metric.kind}(${metric.stage})${phaseScope(metric)}`;
    case 'counter':
      return metric.name;
    case 'achievedRate':
      return 'achievedRate';
  }
}

function phaseScope(metric: { phase?: string }): string {
  return metric.phase === undefined ? '' : `{phase: ${metric.phase}}`;
}

function resolveMetric(metric: GateMetric, subject: GateSubject, options: GateEvaluationOptions): Resolved {
  if (metric.kind === 'achievedRate') return { ok: true, value: subject.rates.achievedEventsPerS };
  if (metric.kind === 'counter') {
    if (metric.name === 'violations') {
      if (subject.verdict === null) return { ok: false, why: 'the run has no verdict, so no invariant violation count' };
      return { ok: true, value: subject.verdict.invariants.reduce((sum, inv) => sum + inv.violations, 0) };
    }
    const value = subject.counters[metric.name];
    return value === undefined ? { ok: false, why: `counter ${metric.name} was not recorded in this run` } : { ok: true, value };
  }
  const inPhase = metric.phase === undefined ? '' : ` in phase ${metric.phase}`;
  if (metric.phase !== undefined && subject.phaseStages?.[metric.phase] === undefined) return { ok: false, why: `phase ${metric.phase} has no figures in this run (it never began, or the result predates phase figures)` };
  const stats = metric.phase === undefined ? subject.stages[metric.stage] : subject.phaseStages![metric.phase]![metric.stage];
  if (stats === undefined) return { ok: false, why: `stage ${metric.stage} was not measured${inPhase} in this run` };
  if (stats.count === 0) return { ok: false, why: `stage ${metric.stage} recorded no samples${inPhase}` };
  if (metric.kind !== 'percentile') return { ok: true, value: metric.kind === 'max' ? stats.maxMs : stats.meanMs };
  const field = PRECOMPUTED.find(([p]) => p === metric.percentile)?.[1];
  if (field !== undefined) return { ok: true, value: stats[field] as number };
  if (options.percentileMs === undefined) {
    return { ok: false, why: `p${metric.percentile} is not precomputed in the result (only p50, p90, p99, p99.9, p100) and no histogram decoder was given` };
  }
  return { ok: true, value: options.percentileMs(stats.histogram, metric.percentile) };
}

function resolveThreshold(threshold: GateThreshold, subject: GateSubject): Resolved {
  switch (threshold.kind) {
    case 'absolute':
      return { ok: true, value: threshold.value };
    case 'ofTarget':
      return { ok: true, value: cleanScaled(threshold.factor * subject.rates.targetEventsPerS) };
    case 'ofScheduled': {
      const scheduled = subject.counters.scheduled;
      if (scheduled === undefined) return { ok: false, why: 'the threshold is a % of counter scheduled, which was not recorded' };
      return { ok: true, value: cleanScaled(threshold.fraction * scheduled) };
    }
  }
}

export function compareWith(actual: number, op: GateOp, threshold: number): boolean {
  switch (op) {
    case '<':
      return actual < threshold;
    case '<=':
      return actual <= threshold;
    case '>':
      return actual > threshold;
    case '>=':
      return actual >= threshold;
    case '==':
      return actual === threshold;
    case '!=':
      return actual !== threshold;
  }
}

/** Evaluates one gate. A metric that is absent FAILS, with a message saying why: never a silent pass. */
export function evaluateGate(gate: Gate, subject: GateSubject, options: GateEvaluationOptions = {}): GateOutcome {
  const unit = metricUnit(gate.metric);
  const label = metricLabel(gate.metric);
  const actual = resolveMetric(gate.metric, subject, options);
  const threshold = resolveThreshold(gate.threshold, subject);
  const partial = subject.state === 'completed' ? '' : ` (run ${subject.state}: measured on partial data)`;
  const base = { expression: gate.expression, unit, abortOnFail: gate.abortOnFail };
  if (!actual.ok || !threshold.ok) {
    const why = [actual, threshold].flatMap((r) => (r.ok ? [] : [r.why])).join('; ');
    return {
      ...base,
      pass: false,
      actual: actual.ok ? actual.value : null,
      threshold: threshold.ok ? threshold.value : null,
      message: `FAIL ${label}: cannot evaluate, ${why}${partial}`,
    };
  }
  const pass = compareWith(actual.value, gate.op, threshold.value);
  const shown = `${label} = ${formatWithUnit(actual.value, unit)}`;
  const wanted = `${gate.op} ${formatWithUnit(threshold.value, unit)}`;
  return {
    ...base,
    pass,
    actual: actual.value,
    threshold: threshold.value,
    message: pass ? `pass ${shown} ${wanted}${partial}` : `FAIL ${shown}, expected ${wanted}${partial}`,
  };
}

/** Pure: the same gates over the same result always give the same outcomes, in order. */
export function evaluateGates(gates: readonly Gate[], subject: GateSubject, options: GateEvaluationOptions = {}): GateOutcome[] {
  return gates.map((gate) => evaluateGate(gate, subject, options));
}

/**
 * The first abortOnFail gate that fails on the figures so far, or null. A gate whose metric is
 * not measured yet (no verdict before verification, a stage with no samples) cannot abort: it is
 * evaluated at the end like any other. Pure, so the live check is the same code as the final one.
 */
export function firstAbortingGate(gates: readonly Gate[], subject: GateSubject, options: GateEvaluationOptions = {}): GateOutcome | null {
  for (const gate of gates) {
    if (!gate.abortOnFail) continue;
    const outcome = evaluateGate(gate, subject, options);
    if (!outcome.pass && outcome.actual !== null && outcome.threshold !== null) return outcome;
  }
  return null;
}
