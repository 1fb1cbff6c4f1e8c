import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { latencyRuleFor, type LatencyField, type Tolerances } from './compare-tolerances.js';
import { STAGE_NAMES, type CompletedResult, type RunResult, type StageName, type StageStats } from './result-schema.js';
import { bootstrapMedianDifference, hashSeed, mannWhitneyU, median, spread, type ConfidenceInterval, type MannWhitney, type Spread } from './stats.js';

export { DEFAULT_TOLERANCES, parseTolerances, tolerancesSchema } from './compare-tolerances.js';
export type { Tolerances, TolerancesInput } from './compare-tolerances.js';

/**
 * Baseline vs current, figure by figure, judged against explicit tolerances. Each side is a set
 * of runs (a single run is a set of 1): a figure's value on a side is the median over its runs,
 * and with enough runs on both sides a change counts only when a bootstrap confidence interval
 * of the difference of medians excludes 0 as well as exceeding the tolerance, so one noisy run
 * is not a regression. Pure: results in, rows out.
 *
 * Verdicts: `regression` (printed "regressed"), `improvement` ("improved"), `ok` ("no
 * significant change"), `missing` (a stage measured on one side only).
 */
export type CompareVerdict = 'ok' | 'regression' | 'improvement' | 'missing';

/**
 * How a row was decided: `bootstrap` (interval and tolerance), `tolerance only` (fewer than
 * `statistics.minRuns` runs on a side: no interval can be had), `rule` (invariants, gates,
 * missing stages: not statistical).
 */
export type CompareMethod = 'bootstrap' | 'tolerance only' | 'rule';

export interface FigureEvidence {
  baseline: Spread;
  current: Spread;
  /** Interval of median(current) − median(baseline) in the row's unit; null under `tolerance only`. */
  ci: ConfidenceInterval | null;
  /** Supporting evidence only (never decides): null when a side has fewer than 2 runs. */
  mannWhitney: MannWhitney | null;
}

export interface CompareRow {
  /** `p99(l1_produce)`, `achievedRate`, `I2 violations`, `gate: lost == 0`, `stage l4_delivery`. */
  metric: string;
  unit: string;
  /** The median over the side's runs (invariants: the worst run; missing stages: median samples). */
  baseline: number | null;
  current: number | null;
  /** (current − baseline) / baseline × 100 of the medians; null when either side is absent or baseline is 0 and current is not. */
  changePct: number | null;
  verdict: CompareVerdict;
  /** The tolerance that decided the verdict, for the reader. */
  rule: string;
  method: CompareMethod;
  /** Medians, spreads, interval, U test; null for `rule` rows. */
  evidence: FigureEvidence | null;
}

export interface RunRef {
  runId: string;
  startedAt: string;
  gitCommit: string | null;
}

export interface Comparison {
  scenario: string;
  /** The runs of each side, in order (one for a single run). */
  baseline: RunRef[];
  current: RunRef[];
  rows: CompareRow[];
  /** Differences that make the comparison less like-for-like (environment, resolved scenario). */
  warnings: string[];
  /** True when any row is a regression, or (failOnMissing) the current side lacks a baseline metric. */
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

/** Which way a figure gets worse, and whether a change of the medians is beyond its tolerance. */
interface FigureRule {
  worse: 'higher' | 'lower';
  beyond: (baseline: number, current: number) => 'worse' | 'better' | null;
  text: string;
}

/**
 * One figure across both sides. With at least `minRuns` runs on each side: regressed when the
 * interval lies wholly on the worse side of 0 and the medians moved beyond the tolerance;
 * improved the same way round; else no significant change. Below `minRuns`: the tolerance alone.
 */
function judgeFigure(metric: string, unit: string, bValues: number[], cValues: number[], rule: FigureRule, tolerances: Tolerances): CompareRow {
  const stats = tolerances.statistics;
  const b = spread(bValues);
  const c = spread(cValues);
  const pct = changePct(b.median, c.median);
  const beyond = rule.beyond(b.median, c.median);
  const enough = b.n >= stats.minRuns && c.n >= stats.minRuns;
  const ci = enough
    ? bootstrapMedianDifference(bValues, cValues, { resamples: stats.resamples, level: stats.confidencePct / 100, seed: hashSeed(metric, stats.seed) })
    : null;
  const mannWhitney = b.n >= 2 && c.n >= 2 ? mannWhitneyU(bValues, cValues) : null;
  // The interval's side of 0 that means "worse" for this figure.
  const excludes = (direction: 'worse' | 'better'): boolean => {
    if (ci === null) return true;
    const higher = (rule.worse === 'higher') === (direction === 'worse');
    return higher ? ci.lo > 0 : ci.hi < 0;
  };
  let verdict: CompareVerdict = 'ok';
  if (beyond === 'worse' && excludes('worse')) verdict = 'regression';
  else if (beyond === 'better' && excludes('better')) verdict = 'improvement';
  return {
    metric,
    unit,
    baseline: b.median,
    current: c.median,
    changePct: pct,
    verdict,
    rule: rule.text,
    method: enough ? 'bootstrap' : 'tolerance only',
    evidence: { baseline: b, current: c, ci, mannWhitney },
  };
}

const measured = (run: CompletedResult, stage: StageName): boolean => (run.stages[stage]?.count ?? 0) > 0;

function latencyRows(baseline: CompletedResult[], current: CompletedResult[], tolerances: Tolerances): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const stage of STAGE_NAMES) {
    // A stage counts as measured on a side only when every run of that side measured it.
    const hasB = baseline.every((run) => measured(run, stage));
    const hasC = current.every((run) => measured(run, stage));
    const anyB = baseline.some((run) => measured(run, stage));
    const anyC = current.some((run) => measured(run, stage));
    if (!anyB && !anyC) continue;
    if (!hasB || !hasC) {
      const samples = (runs: CompletedResult[]): number | null => {
        const counts = runs.filter((run) => measured(run, stage)).map((run) => run.stages[stage]!.count);
        return counts.length > 0 ? median(counts) : null;
      };
      const partly = (side: string, runs: CompletedResult[]): string => `measured in ${runs.filter((run) => measured(run, stage)).length} of ${runs.length} ${side} runs`;
      rows.push({
        metric: `stage ${stage}`,
        unit: 'samples',
        baseline: hasB ? samples(baseline) : null,
        current: hasC ? samples(current) : null,
        changePct: null,
        verdict: 'missing',
        rule: hasB ? (anyC ? partly('current', current) : 'measured in baseline, not in current') : anyB ? partly('baseline', baseline) : 'new in current',
        method: 'rule',
        evidence: null,
      });
      continue;
    }
    const limits = latencyRuleFor(tolerances, stage);
    const rule: FigureRule = {
      worse: 'higher',
      // Both conditions: relative change alone flags 0.2 ms → 0.3 ms; absolute alone ignores scale.
      beyond: (bv, cv) => {
        const pct = changePct(bv, cv);
        const deltaMs = cv - bv;
        const beyondPct = (sign: 1 | -1): boolean => (pct === null ? sign * deltaMs > 0 : sign * pct > limits.maxIncreasePct);
        if (beyondPct(1) && deltaMs > limits.noiseFloorMs) return 'worse';
        if (beyondPct(-1) && -deltaMs > limits.noiseFloorMs) return 'better';
        return null;
      },
      text: `+${limits.maxIncreasePct}% and +${limits.noiseFloorMs} ms`,
    };
    for (const field of tolerances.latency.percentiles) {
      const key = FIELD_KEYS[field];
      const values = (runs: CompletedResult[]): number[] => runs.map((run) => run.stages[stage]![key] as number);
      rows.push(judgeFigure(`${field}(${stage})`, 'ms', values(baseline), values(current), rule, tolerances));
    }
  }
  return rows;
}

function rateRow(baseline: CompletedResult[], current: CompletedResult[], tolerances: Tolerances): CompareRow {
  const limit = tolerances.achievedRate.maxDecreasePct;
  const rule: FigureRule = {
    worse: 'lower',
    beyond: (bv, cv) => {
      const pct = changePct(bv, cv);
      if (pct !== null && pct < -limit) return 'worse';
      if (pct === null || pct > limit) return 'better';
      return null;
    },
    text: `−${limit}%`,
  };
  const values = (runs: CompletedResult[]): number[] => runs.map((run) => run.rates.achievedEventsPerS);
  return judgeFigure('achievedRate', 'events/s', values(baseline), values(current), rule, tolerances);
}

/**
 * Invariant violations are never noise: an exactly-once violation in any run is a bug. Each
 * side counts its worst run, and any increase over the baseline's worst (beyond the allowance)
 * is a regression, whatever the other runs did.
 */
function invariantRows(baseline: CompletedResult[], current: CompletedResult[], tolerances: Tolerances): CompareRow[] {
  const all = [...baseline, ...current].flatMap((run) => run.verdict.invariants.map((i) => i.id));
  const ids = [...new Set(all)].sort();
  const allowed = tolerances.invariants.maxViolationIncrease;
  const single = baseline.length === 1 && current.length === 1;
  return ids.map((id) => {
    const worst = (runs: CompletedResult[]): number | null => {
      const found = runs.map((run) => run.verdict.invariants.find((i) => i.id === id));
      if (found.some((inv) => inv === undefined)) return null;
      return Math.max(...found.map((inv) => inv!.violations));
    };
    const b = worst(baseline);
    const c = worst(current);
    const metric = `${id} violations`;
    const rule = `${allowed === 0 ? 'any increase' : `+${allowed}`}${single ? '' : ' (worst run)'}`;
    if (b === null || c === null) {
      return { metric, unit: 'count', baseline: b, current: c, changePct: null, verdict: 'missing', rule: b !== null ? 'checked in baseline, not in current' : 'new in current', method: 'rule', evidence: null };
    }
    const increase = c - b;
    const verdict: CompareVerdict = increase > allowed ? 'regression' : increase < 0 ? 'improvement' : 'ok';
    return { metric, unit: 'count', baseline: b, current: c, changePct: changePct(b, c), verdict, rule, method: 'rule', evidence: null };
  });
}

/**
 * Gates present in every run of both sides. A gate that passed in most baseline runs and fails
 * in most current runs is a regression (for one run each: passed before, fails now).
 */
function gateRows(baseline: CompletedResult[], current: CompletedResult[]): CompareRow[] {
  const single = baseline.length === 1 && current.length === 1;
  return current[0]!.gates.flatMap((first) => {
    const expression = first.expression;
    const outcomes = (runs: CompletedResult[]) => runs.map((run) => run.gates.find((g) => g.expression === expression));
    const bs = outcomes(baseline);
    const cs = outcomes(current);
    if (bs.some((g) => g === undefined) || cs.some((g) => g === undefined)) return [];
    const passes = (gates: typeof bs): number => gates.filter((g) => g!.pass).length;
    const actual = (gates: typeof bs): number | null => {
      const values = gates.flatMap((g) => (g!.actual === null ? [] : [g!.actual]));
      return values.length === gates.length ? median(values) : null;
    };
    const bPass = passes(bs) * 2 > bs.length;
    const bFail = (bs.length - passes(bs)) * 2 > bs.length;
    const cPass = passes(cs) * 2 > cs.length;
    const cFail = (cs.length - passes(cs)) * 2 > cs.length;
    const verdict: CompareVerdict = bPass && cFail ? 'regression' : bFail && cPass ? 'improvement' : 'ok';
    const b = actual(bs);
    const c = actual(cs);
    const rule = single
      ? 'regression if it passed before and fails now'
      : `regression if it passed in most baseline runs and fails in most current runs (passed ${passes(bs)}/${bs.length} → ${passes(cs)}/${cs.length})`;
    return [{ metric: `gate: ${expression}`, unit: first.unit, baseline: b, current: c, changePct: b !== null && c !== null ? changePct(b, c) : null, verdict, rule, method: 'rule' as const, evidence: null }];
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

const ENVIRONMENT_KEYS = ['provider', 'brokers', 'cpuModel', 'cpus', 'kafkaVersion', 'firehoseBehaviour', 'node'] as const;

function comparabilityWarnings(baselineRuns: CompletedResult[], currentRuns: CompletedResult[]): string[] {
  const warnings: string[] = [];
  const baseline = baselineRuns[0]!;
  const current = currentRuns[0]!;
  for (const key of ENVIRONMENT_KEYS) {
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
  // Within a set: its runs should be repeats of one experiment.
  for (const [side, runs] of [['baseline', baselineRuns], ['current', currentRuns]] as const) {
    if (runs.length < 2) continue;
    const commits = [...new Set(runs.map((run) => run.environment.gitCommit ?? 'none'))];
    if (commits.length > 1) warnings.push(`the ${side} set mixes git commits: ${commits.map((c) => c.slice(0, 12)).join(', ')}`);
    const keys = ENVIRONMENT_KEYS.filter((key) => runs.some((run) => run.environment[key] !== runs[0]!.environment[key]));
    if (keys.length > 0) warnings.push(`the ${side} set's runs differ in environment ${keys.join(', ')}`);
    if (runs.some((run) => stableJson(run.scenario.resolved) !== stableJson(runs[0]!.scenario.resolved))) warnings.push(`the ${side} set's runs differ in their resolved scenario`);
  }
  const dirty = currentRuns.filter((run) => run.environment.gitDirty === true).length;
  if (dirty > 0) warnings.push(currentRuns.length === 1 ? 'the current run was made from a dirty git tree' : `${dirty} of ${currentRuns.length} current runs were made from a dirty git tree`);
  return warnings;
}

const ref = (r: CompletedResult): RunRef => ({ runId: r.runId, startedAt: r.startedAt, gitCommit: r.environment.gitCommit });

function completedRuns(runs: readonly RunResult[], role: 'baseline' | 'current'): CompletedResult[] {
  if (runs.length === 0) throw new StreamproofError(ERROR_CODES.INVALID_RESULT, `cannot compare: the ${role} set holds no runs`, { hint: 'record a set with `npm run scenario -- <name> --repeat N`' });
  return runs.map((run) => {
    assertComparable(run, role);
    return run;
  });
}

/**
 * Compares two sets of completed runs of the same scenario (a single run is a set of 1).
 * Throws StreamproofError when they are not comparable (different scenarios, or a run that did
 * not complete).
 */
export function compareSets(baselineRuns: readonly RunResult[], currentRuns: readonly RunResult[], tolerances: Tolerances): Comparison {
  const baseline = completedRuns(baselineRuns, 'baseline');
  const current = completedRuns(currentRuns, 'current');
  const names = new Set([...baseline, ...current].map((run) => run.scenario.name));
  if (names.size > 1) {
    const bNames = [...new Set(baseline.map((run) => run.scenario.name))].join('", "');
    const cNames = [...new Set(current.map((run) => run.scenario.name))].join('", "');
    throw new StreamproofError(
      ERROR_CODES.INVALID_ARGUMENT,
      `cannot compare results of different scenarios: baseline is "${bNames}", current is "${cNames}"`,
      { hint: 'compare a run against a baseline of the same scenario (results/baselines/<scenario>/ or <scenario>.json)' },
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
    scenario: current[0]!.scenario.name,
    baseline: baseline.map(ref),
    current: current.map(ref),
    rows,
    warnings: comparabilityWarnings(baseline, current),
    regressed,
  };
}

/** One run against one run: a set of 1 on each side (the tolerance alone decides). */
export function compareResults(baseline: RunResult, current: RunResult, tolerances: Tolerances): Comparison {
  return compareSets([baseline], [current], tolerances);
}
