import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import { renderCompareMarkdown } from '../../../src/report/compare-markdown.js';
import { compareResults, DEFAULT_TOLERANCES, parseTolerances, type CompareRow } from '../../../src/report/compare.js';
import type { CompletedResult } from '../../../src/report/result-schema.js';
import { completedResultFixture, failedResultFixture, incompleteResultFixture, stageFixture } from '../../fixtures/report/result-fixture.js';

function withStage(result: CompletedResult, stage: keyof CompletedResult['stages'], p99Ms: number): CompletedResult {
  return { ...result, stages: { ...result.stages, [stage]: stageFixture(p99Ms) } };
}

function row(rows: CompareRow[], metric: string): CompareRow {
  const found = rows.find((r) => r.metric === metric);
  if (!found) throw new Error(`no row ${metric}`);
  return found;
}

function thrown(fn: () => unknown): StreamproofError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StreamproofError) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('compareResults', () => {
  it('an identical pair passes with every row ok', () => {
    const comparison = compareResults(completedResultFixture(), completedResultFixture(), DEFAULT_TOLERANCES);
    expect(comparison.regressed).toBe(false);
    expect(comparison.warnings).toEqual([]);
    expect(new Set(comparison.rows.map((r) => r.verdict))).toEqual(new Set(['ok']));
    // achievedRate + 6 stages × 4 percentiles + 3 invariants + 2 gates.
    expect(comparison.rows).toHaveLength(1 + 6 * 4 + 3 + 2);
    // One run a side: no interval can be had, the tolerance alone decides, and the row says so.
    expect(row(comparison.rows, 'p99(l1_produce)')).toEqual({
      metric: 'p99(l1_produce)', unit: 'ms', baseline: 12, current: 12, changePct: 0, verdict: 'ok', rule: '+20% and +5 ms',
      method: 'tolerance only',
      evidence: { baseline: { n: 1, median: 12, min: 12, max: 12 }, current: { n: 1, median: 12, min: 12, max: 12 }, ci: null, mannWhitney: null },
    });
    expect(row(comparison.rows, 'I1 violations')).toMatchObject({ method: 'rule', evidence: null });
    expect(comparison.baseline).toEqual([{ runId: 'fixture-run-0001', startedAt: '2025-01-15T10:00:00.000Z', gitCommit: '0123456789abcdef0123456789abcdef01234567' }]);
  });

  it('flags an injected latency regression', () => {
    const current = withStage(completedResultFixture(), 'l3_window', 1200); // 850 → 1200 ms: +41%, +350 ms
    const comparison = compareResults(completedResultFixture(), current, DEFAULT_TOLERANCES);
    expect(comparison.regressed).toBe(true);
    const p99 = row(comparison.rows, 'p99(l3_window)');
    expect(p99.verdict).toBe('regression');
    expect(p99.changePct).toBeCloseTo(41.176, 3);
    expect(comparison.rows.filter((r) => r.verdict === 'regression').map((r) => r.metric)).toEqual([
      'p50(l3_window)', 'p90(l3_window)', 'p99(l3_window)', 'p999(l3_window)',
    ]);
  });

  it('noise floor: a large relative change under +5 ms is not a regression', () => {
    // l1_produce p99 12 → 15 ms: +25% but only +3 ms (p99.9 18 → 22.5 ms: +4.5 ms).
    const comparison = compareResults(completedResultFixture(), withStage(completedResultFixture(), 'l1_produce', 15), DEFAULT_TOLERANCES);
    expect(row(comparison.rows, 'p99(l1_produce)')).toMatchObject({ verdict: 'ok', changePct: 25 });
    expect(row(comparison.rows, 'p999(l1_produce)')).toMatchObject({ verdict: 'ok', changePct: 25 });
    expect(comparison.regressed).toBe(false);
    // ... and +20% of a big number but within 20% is also fine: 850 → 1015 ms (+19.4%).
    const small = compareResults(completedResultFixture(), withStage(completedResultFixture(), 'l3_window', 1015), DEFAULT_TOLERANCES);
    expect(row(small.rows, 'p99(l3_window)').verdict).toBe('ok');
  });

  it('faster is an improvement, not a failure', () => {
    const comparison = compareResults(completedResultFixture(), withStage(completedResultFixture(), 'l3_window', 400), DEFAULT_TOLERANCES);
    expect(row(comparison.rows, 'p99(l3_window)').verdict).toBe('improvement');
    expect(comparison.regressed).toBe(false);
  });

  it('achieved rate regresses below −5%', () => {
    const base = completedResultFixture();
    const at = (achievedEventsPerS: number): CompareRow =>
      row(compareResults(base, { ...base, rates: { ...base.rates, achievedEventsPerS } }, DEFAULT_TOLERANCES).rows, 'achievedRate');
    expect(at(943)).toMatchObject({ verdict: 'ok' }); // −4.99%
    expect(at(942)).toMatchObject({ verdict: 'regression' }); // −5.09%
    expect(at(1050)).toMatchObject({ verdict: 'improvement' });
  });

  it('any increase in invariant violations is a regression', () => {
    const base = completedResultFixture();
    const current: CompletedResult = {
      ...base,
      verdict: { pass: false, invariants: base.verdict.invariants.map((inv) => (inv.id === 'I2' ? { ...inv, pass: false, violations: 1 } : inv)) },
    };
    const comparison = compareResults(base, current, DEFAULT_TOLERANCES);
    expect(row(comparison.rows, 'I2 violations')).toMatchObject({ baseline: 0, current: 1, verdict: 'regression' });
    expect(comparison.regressed).toBe(true);
    const lenient = parseTolerances({ invariants: { maxViolationIncrease: 1 } });
    expect(row(compareResults(base, current, lenient).rows, 'I2 violations').verdict).toBe('ok');
  });

  it('a gate that passed and now fails is a regression', () => {
    const base = completedResultFixture();
    const current: CompletedResult = { ...base, gates: base.gates.map((g, i) => (i === 1 ? { ...g, pass: false, actual: 3 } : g)) };
    const comparison = compareResults(base, current, DEFAULT_TOLERANCES);
    expect(row(comparison.rows, 'gate: lost == 0')).toMatchObject({ baseline: 0, current: 3, verdict: 'regression' });
  });

  it('a stage the current run lacks is missing and fails; a new stage is reported only', () => {
    const base = completedResultFixture();
    const { l4_delivery: _dropped, ...stages } = base.stages;
    const lacking = compareResults(base, { ...base, stages }, DEFAULT_TOLERANCES);
    expect(row(lacking.rows, 'stage l4_delivery')).toMatchObject({ baseline: 60_000, current: null, verdict: 'missing' });
    expect(lacking.regressed).toBe(true);
    expect(compareResults(base, { ...base, stages }, parseTolerances({ failOnMissing: false })).regressed).toBe(false);
    const added = compareResults({ ...base, stages }, base, DEFAULT_TOLERANCES);
    expect(row(added.rows, 'stage l4_delivery')).toMatchObject({ baseline: null, current: 60_000, verdict: 'missing' });
    expect(added.regressed).toBe(false);
  });

  it('per-stage overrides loosen one stage only', () => {
    const tolerances = parseTolerances({ stages: { l3_window: { maxIncreasePct: 50 } } });
    const current = withStage(withStage(completedResultFixture(), 'l3_window', 1200), 'l2_ingest', 70);
    const comparison = compareResults(completedResultFixture(), current, tolerances);
    expect(row(comparison.rows, 'p99(l3_window)')).toMatchObject({ verdict: 'ok', rule: '+50% and +5 ms' });
    expect(row(comparison.rows, 'p99(l2_ingest)').verdict).toBe('regression');
  });

  it('warns when the runs are not like for like', () => {
    const base = completedResultFixture();
    const current: CompletedResult = {
      ...base,
      environment: { ...base.environment, cpus: 8, gitDirty: true },
      rates: { ...base.rates, targetEventsPerS: 2000 },
      scenario: { ...base.scenario, resolved: { ...base.scenario.resolved, rateEventsPerS: 2000 } },
    };
    expect(compareResults(base, current, DEFAULT_TOLERANCES).warnings).toEqual([
      'environment cpus differs: 2 → 8',
      'target rate differs: 1000 → 2000 events/s',
      'the resolved scenarios differ (overrides or defaults changed): numbers may not be like for like',
      'the current run was made from a dirty git tree',
    ]);
  });

  it('refuses results of different scenarios', () => {
    const other = { ...completedResultFixture(), scenario: { name: 'peak-load', resolved: {} } };
    const error = thrown(() => compareResults(completedResultFixture(), other, DEFAULT_TOLERANCES));
    expect(error.code).toBe(ERROR_CODES.INVALID_ARGUMENT);
    expect(error.message).toBe('cannot compare results of different scenarios: baseline is "fixture-scenario", current is "peak-load"');
  });

  it('refuses a run that did not complete, on either side', () => {
    const current = thrown(() => compareResults(completedResultFixture(), incompleteResultFixture(), DEFAULT_TOLERANCES));
    expect(current.code).toBe(ERROR_CODES.INVALID_RESULT);
    expect(current.message).toBe(
      'cannot compare: the current result (run fixture-run-0001) is incomplete (interrupted by SIGINT after 42 s); only completed runs prove anything',
    );
    const baseline = thrown(() => compareResults(failedResultFixture(), completedResultFixture(), DEFAULT_TOLERANCES));
    expect(baseline.message).toContain('the baseline result (run fixture-run-0001) is failed');
  });
});

describe('tolerances', () => {
  it('defaults are the documented ones', () => {
    expect(DEFAULT_TOLERANCES).toEqual({
      latency: { maxIncreasePct: 20, noiseFloorMs: 5, percentiles: ['p50', 'p90', 'p99', 'p999'] },
      stages: {},
      achievedRate: { maxDecreasePct: 5 },
      invariants: { maxViolationIncrease: 0 },
      failOnMissing: true,
      statistics: { resamples: 2_000, confidencePct: 95, seed: 1, minRuns: 3 },
    });
  });

  it('fills unspecified keys with defaults and rejects unknown keys naming them', () => {
    expect(parseTolerances({ latency: { noiseFloorMs: 10 } }).latency).toEqual({ maxIncreasePct: 20, noiseFloorMs: 10, percentiles: ['p50', 'p90', 'p99', 'p999'] });
    const error = thrown(() => parseTolerances({ latency: { maxIncrease: 10 } }, 'tol.json'));
    expect(error.code).toBe(ERROR_CODES.INVALID_ARGUMENT);
    expect(error.message).toMatch(/^tol\.json is not valid: latency: Unrecognized key: "maxIncrease"/);
  });
});

describe('renderCompareMarkdown', () => {
  it('leads with the verdict and lists every row', () => {
    const current = withStage(completedResultFixture(), 'l3_window', 1200);
    const comparison = compareResults(completedResultFixture(), current, DEFAULT_TOLERANCES);
    const markdown = renderCompareMarkdown(comparison, DEFAULT_TOLERANCES);
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('## streamproof compare — `fixture-scenario`: ❌ regression: 4 regressed, 0 missing');
    expect(lines).toContain(
      '| p99(l3_window) | 850 ms | 1.2 s | +41.2% | +350 ms; n too small, tolerance only | — | 1 / 1 | **REGRESSED** | +20% and +5 ms (tolerance only) |',
    );
    expect(lines).toContain(
      '| achievedRate | 992.5 events/s | 992.5 events/s | 0% | 0 events/s; n too small, tolerance only | — | 1 / 1 | no significant change | −5% (tolerance only) |',
    );
    expect(markdown).toContain('> Fewer than 3 runs on a side (baseline 1, current 1): no confidence interval can be had');
    expect(markdown).toContain('<sub>Tolerances: latency p50/p90/p99/p999 regress above +20% and +5 ms; achieved rate below −5%;');
  });

  it('says so when there is no regression', () => {
    const comparison = compareResults(completedResultFixture(), completedResultFixture(), DEFAULT_TOLERANCES);
    expect(renderCompareMarkdown(comparison).split('\n')[0]).toBe('## streamproof compare — `fixture-scenario`: ✅ no regression (0 improved)');
  });
});
