import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { latencyRuleFor, type LatencyField, type Tolerances } from './compare-tolerances.js';
import { STAGE_NAMES, type CompletedResult, type RunResult, type StageStats } from './result-schema.js';

export { DEFAULT_TOLERANCES, parseTolerances, tolerancesSchema } from './compare-tolerances.js';
export type { Tolerances, TolerancesInput } from './compare-tolerances.js';

/**
 * Baseline vs current, metric by metric, judged against explicit tolerances (the regression
 * helper pattern: a stored baseline and stated ratios). Pure: results in, rows out.
 */
export type CompareVerdict = 'ok' | 'regression' | 'improvement' | 'missing';

export interface CompareRow {
  /** `p99(l1_produce)`, `achievedRate`, `I2 violations`, `gate: lost == 0`, `stage l4_delivery`. */
  metric: string;
  unit: string;
  baseline: number | null;
  current: number | null;
  /** (current − baseline) / baseline × 100; null when either side is absent or baseline is 0 and current is not. */
  changePct: number | null;
  verdict: CompareVerdict;
  /** The tolerance that decided the verdict, for the reader. */
  rule: string;
}

export interface RunRef {
  runId: string;
  startedAt: string;
  gitCommit: string | null;
}

export interface Comparison {
  scenario: string;
  baseline: RunRef;
  current: RunRef;
  rows: CompareRow[];
  /** Differences that make the comparison less like-for-like (environment, resolved scenario). */
  warnings: string[];
  /** True when any row is a regression, or (failOnMissing) the current run lacks a baseline metric. */
  regressed: boolean;
}

const FIELD_KEYS: Record<LatencyField, keyof StageStats> = {
  p50: 'p50Ms',
  p90: 'p90Ms',
  p99: 'p99Ms',
  p999: 'p999Ms',
  max: 'maxMs',
  mean: 'meanMs',
};

function changePct(baseline: number, current: number): number | null {
  if (baseline === 0) return current === 0 ? 0 : null;
  return ((current - baseline) / baseline) * 100;
}

function assertComparable(result: RunResult, role: 'baseline' | 'current'): asserts result is CompletedResult {
  if (result.state === 'completed') return;
  throw new StreamproofError(
    ERROR_CODES.INVALID_RESULT,
    `cannot compare: the ${role} result (run ${result.runId}) is ${result.state} (${result.reason}); only completed runs prove anything`,
    { hint: role === 'baseline' ? 'choose a baseline from a completed run' : 'fix the run so it completes, then compare again' },
  );
}

function latencyRows(baseline: CompletedResult, current: CompletedResult, tolerances: Tolerances): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const stage of STAGE_NAMES) {
    const b = baseline.stages[stage];
    const c = current.stages[stage];
    const hasB = b !== undefined && b.count > 0;
    const hasC = c !== undefined && c.count > 0;
    if (!hasB && !hasC) continue;
    if (!hasB || !hasC) {
      rows.push({
        metric: `stage ${stage}`,
        unit: 'samples',
        baseline: hasB ? b.count : null,
        current: hasC ? c.count : null,
        changePct: null,
        verdict: 'missing',
        rule: hasB ? 'measured in baseline, not in current' : 'new in current',
      });
      continue;
    }
    const rule = latencyRuleFor(tolerances, stage);
    for (const field of tolerances.latency.percentiles) {
      const key = FIELD_KEYS[field];
      const bv = b[key] as number;
      const cv = c[key] as number;
      const pct = changePct(bv, cv);
      const deltaMs = cv - bv;
      // Both conditions: relative change alone flags 0.2 ms → 0.3 ms; absolute alone ignores scale.
      const beyondPct = (sign: 1 | -1): boolean => (pct === null ? sign * deltaMs > 0 : sign * pct > rule.maxIncreasePct);
      let verdict: CompareVerdict = 'ok';
      if (beyondPct(1) && deltaMs > rule.noiseFloorMs) verdict = 'regression';
      else if (beyondPct(-1) && -deltaMs > rule.noiseFloorMs) verdict = 'improvement';
      rows.push({
        metric: `${field}(${stage})`,
        unit: 'ms',
        baseline: bv,
        current: cv,
        changePct: pct,
        verdict,
        rule: `+${rule.maxIncreasePct}% and +${rule.noiseFloorMs} ms`,
      });
    }
  }
  return rows;
}

function rateRow(baseline: CompletedResult, current: CompletedResult, tolerances: Tolerances): CompareRow {
  const bv = baseline.rates.achievedEventsPerS;
  const cv = current.rates.achievedEventsPerS;
  const pct = changePct(bv, cv);
  const limit = tolerances.achievedRate.maxDecreasePct;
  let verdict: CompareVerdict = 'ok';
  if (pct !== null && pct < -limit) verdict = 'regression';
  else if (pct === null || pct > limit) verdict = 'improvement';
  return { metric: 'achievedRate', unit: 'events/s', baseline: bv, current: cv, changePct: pct, verdict, rule: `−${limit}%` };
}

function invariantRows(baseline: CompletedResult, current: CompletedResult, tolerances: Tolerances): CompareRow[] {
  const ids = [...new Set([...baseline.verdict.invariants, ...current.verdict.invariants].map((i) => i.id))].sort();
  const allowed = tolerances.invariants.maxViolationIncrease;
  return ids.map((id) => {
    const b = baseline.verdict.invariants.find((i) => i.id === id);
    const c = current.verdict.invariants.find((i) => i.id === id);
    const metric = `${id} violations`;
    const rule = allowed === 0 ? 'any increase' : `+${allowed}`;
    if (b === undefined || c === undefined) {
      return { metric, unit: 'count', baseline: b?.violations ?? null, current: c?.violations ?? null, changePct: null, verdict: 'missing', rule: b ? 'checked in baseline, not in current' : 'new in current' };
    }
    const increase = c.violations - b.violations;
    const verdict: CompareVerdict = increase > allowed ? 'regression' : increase < 0 ? 'improvement' : 'ok';
    return { metric, unit: 'count', baseline: b.violations, current: c.violations, changePct: changePct(b.violations, c.violations), verdict, rule };
  });
}

/** Gates present in both runs: one that passed and now fails is a regression. */
function gateRows(baseline: CompletedResult, current: CompletedResult): CompareRow[] {
  return current.gates.flatMap((c) => {
    const b = baseline.gates.find((g) => g.expression === c.expression);
    if (b === undefined) return [];
    const verdict: CompareVerdict = b.pass && !c.pass ? 'regression' : !b.pass && c.pass ? 'improvement' : 'ok';
    const pct = b.actual !== null && c.actual !== null ? changePct(b.actual, c.actual) : null;
    return [{ metric: `gate: ${c.expression}`, unit: c.unit, baseline: b.actual, current: c.actual, changePct: pct, verdict, rule: 'regression if it passed before and fails now' }];
  });
}

/** Deterministic JSON (sorted keys) so equal objects compare equal whatever their key order. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function comparabilityWarnings(baseline: CompletedResult, current: CompletedResult): string[] {
  const warnings: string[] = [];
  const keys = ['provider', 'brokers', 'cpuModel', 'cpus', 'kafkaVersion', 'firehoseBehaviour', 'node'] as const;
  for (const key of keys) {
    const b = baseline.environment[key];
    const c = current.environment[key];
    if (b !== c) warnings.push(`environment ${key} differs: ${String(b)} → ${String(c)}`);
  }
  if (baseline.rates.targetEventsPerS !== current.rates.targetEventsPerS) {
    warnings.push(`target rate differs: ${baseline.rates.targetEventsPerS} → ${current.rates.targetEventsPerS} events/s`);
  }
  if (stableJson(baseline.scenario.resolved) !== stableJson(current.scenario.resolved)) {
    warnings.push('the resolved scenarios differ (overrides or defaults changed): numbers may not be like for like');
  }
  if (current.environment.gitDirty === true) warnings.push('the current run was made from a dirty git tree');
  return warnings;
}

const ref = (r: CompletedResult): RunRef => ({ runId: r.runId, startedAt: r.startedAt, gitCommit: r.environment.gitCommit });

/**
 * Compares two completed results of the same scenario. Throws StreamproofError when they are
 * not comparable (different scenarios, or a run that did not complete).
 */
export function compareResults(baseline: RunResult, current: RunResult, tolerances: Tolerances): Comparison {
  assertComparable(baseline, 'baseline');
  assertComparable(current, 'current');
  if (baseline.scenario.name !== current.scenario.name) {
    throw new StreamproofError(
      ERROR_CODES.INVALID_ARGUMENT,
      `cannot compare results of different scenarios: baseline is "${baseline.scenario.name}", current is "${current.scenario.name}"`,
      { hint: 'compare a run against a baseline of the same scenario (results/baselines/<scenario>.json)' },
    );
  }
  const rows = [
    rateRow(baseline, current, tolerances),
    ...latencyRows(baseline, current, tolerances),
    ...invariantRows(baseline, current, tolerances),
    ...gateRows(baseline, current),
  ];
  const lacking = (row: CompareRow): boolean => row.verdict === 'missing' && row.baseline !== null && row.current === null;
  const regressed = rows.some((row) => row.verdict === 'regression' || (tolerances.failOnMissing && lacking(row)));
  return {
    scenario: current.scenario.name,
    baseline: ref(baseline),
    current: ref(current),
    rows,
    warnings: comparabilityWarnings(baseline, current),
    regressed,
  };
}
