import { describe, expect, it } from 'vitest';
import { renderCompareMarkdown } from '../../../src/report/compare-markdown.js';
import { compareResults, compareSets, DEFAULT_TOLERANCES, type CompareRow, type Comparison } from '../../../src/report/compare.js';
import type { CompletedResult } from '../../../src/report/result-schema.js';
import { incompleteResultFixture } from '../../fixtures/report/result-fixture.js';
import { noisySet, shiftStage, slowRun } from '../../fixtures/report/noisy-sets.js';

/** compare on sets of noisy runs: medians, a bootstrap interval, and the tolerance, together. */

function row(comparison: Comparison, metric: string): CompareRow {
  const found = comparison.rows.find((r) => r.metric === metric);
  if (!found) throw new Error(`no row ${metric}`);
  return found;
}

const notOk = (comparison: Comparison): string[] => comparison.rows.filter((r) => r.verdict !== 'ok').map((r) => `${r.metric} ${r.verdict}`);

describe('compareSets on noisy runs', () => {
  const baseline = noisySet(1, 5);

  it('the problem: one noisy run against another from the same distribution can look like a regression', () => {
    // Single runs, ±15 % noise: some pair of same-distribution runs crosses the 20 % tolerance.
    const others = noisySet(2, 5);
    const flagged = baseline.flatMap((b) => others.filter((c) => compareResults(b, c, DEFAULT_TOLERANCES).regressed));
    expect(flagged.length).toBeGreaterThan(0);
  });

  it('same distribution on both sides: no significant change, decided by bootstrap', () => {
    for (const seed of [2, 3, 4, 5]) {
      const comparison = compareSets(baseline, noisySet(seed, 5), DEFAULT_TOLERANCES);
      expect(notOk(comparison)).toEqual([]);
      expect(comparison.regressed).toBe(false);
      const p99 = row(comparison, 'p99(l1_produce)');
      expect(p99.method).toBe('bootstrap');
      expect(p99.evidence?.ci).not.toBeNull();
      expect(p99.evidence!.baseline.n).toBe(5);
    }
  });

  it('every current run +50 ms on p99 l1: regressed, with an interval excluding 0', () => {
    const current = noisySet(2, 5, { tweak: (run) => shiftStage(run, 'l1_produce', 'p99Ms', 50) });
    const comparison = compareSets(baseline, current, DEFAULT_TOLERANCES);
    expect(comparison.regressed).toBe(true);
    expect(notOk(comparison)).toEqual(['p99(l1_produce) regression']);
    const p99 = row(comparison, 'p99(l1_produce)');
    expect(p99.evidence!.ci!.lo).toBeGreaterThan(0);
    expect(p99.current! - p99.baseline!).toBeGreaterThan(45);
    expect(p99.evidence!.mannWhitney).toMatchObject({ exact: true });
    expect(p99.evidence!.mannWhitney!.p).toBeLessThan(0.01);
  });

  it('one outlier run (a busy neighbour) is not a regression', () => {
    const current = noisySet(2, 5, { tweak: (run, i) => (i === 2 ? shiftStage(slowRun(run, 3), 'l1_produce', 'p99Ms', 500) : run) });
    const comparison = compareSets(baseline, current, DEFAULT_TOLERANCES);
    expect(comparison.regressed).toBe(false);
    expect(notOk(comparison)).toEqual([]);
    const p99 = row(comparison, 'p99(l1_produce)');
    expect(p99.evidence!.current.max).toBeGreaterThan(500); // the outlier is shown, not hidden ...
    expect(Math.abs(p99.changePct!)).toBeLessThan(20); // ... but the median does not move much
  });

  it('a consistent change within the tolerance is not significant, however certain', () => {
    // Quiet runs (±2 %), +10 % on p99 l3_window of every run: the interval excludes 0, the tolerance is 20 %.
    const quiet = noisySet(1, 5, { noisePct: 2 });
    const current = noisySet(1, 5, { noisePct: 2, tweak: (run) => ({ ...run, stages: { ...run.stages, l3_window: { ...run.stages.l3_window!, p99Ms: run.stages.l3_window!.p99Ms * 1.1 } } }) });
    const p99 = row(compareSets(quiet, current, DEFAULT_TOLERANCES), 'p99(l3_window)');
    expect(p99.evidence!.ci!.lo).toBeGreaterThan(0);
    expect(p99.changePct).toBeCloseTo(10, 6);
    expect(p99.verdict).toBe('ok');
  });

  it('beyond the tolerance but with an interval including 0 is not significant', () => {
    // Bimodal current side: medians 25 % apart, but the runs overlap the baseline's.
    const flat = (p99: number): CompletedResult => shiftStage(baseline[0]!, 'l3_window', 'p99Ms', p99 - baseline[0]!.stages.l3_window!.p99Ms);
    const b = [800, 820, 840, 1500, 1520].map(flat);
    const c = [810, 830, 1050, 1510, 1530].map(flat);
    const p99 = row(compareSets(b, c, DEFAULT_TOLERANCES), 'p99(l3_window)');
    expect(p99.changePct).toBeGreaterThan(20);
    expect(p99.evidence!.ci!.lo).toBeLessThan(0);
    expect(p99.verdict).toBe('ok');
  });

  it('faster on every run is an improvement; a lower achieved rate is a regression', () => {
    const faster = noisySet(2, 5, { tweak: (run) => shiftStage(run, 'l3_window', 'p99Ms', -500) });
    expect(row(compareSets(baseline, faster, DEFAULT_TOLERANCES), 'p99(l3_window)').verdict).toBe('improvement');
    const slowerRate = noisySet(2, 5, { tweak: (run) => ({ ...run, rates: { ...run.rates, achievedEventsPerS: run.rates.achievedEventsPerS * 0.8 } }) });
    const rate = row(compareSets(baseline, slowerRate, DEFAULT_TOLERANCES), 'achievedRate');
    expect(rate.verdict).toBe('regression');
    expect(rate.evidence!.ci!.hi).toBeLessThan(0);
  });

  it('fewer than 3 runs on a side: tolerance only, labelled, and the markdown says so', () => {
    const current = noisySet(2, 2, { tweak: (run) => shiftStage(run, 'l1_produce', 'p99Ms', 50) });
    const comparison = compareSets(baseline, current, DEFAULT_TOLERANCES);
    const p99 = row(comparison, 'p99(l1_produce)');
    expect(p99).toMatchObject({ method: 'tolerance only', verdict: 'regression' });
    expect(p99.evidence!.ci).toBeNull();
    expect(p99.evidence!.mannWhitney).not.toBeNull(); // 5 vs 2: the U test is still printed
    const markdown = renderCompareMarkdown(comparison, DEFAULT_TOLERANCES);
    expect(markdown).toContain('Fewer than 3 runs on a side (baseline 5, current 2)');
    expect(markdown).toContain('(tolerance only)');
  });

  it('an invariant violation in any one run is a regression (never noise)', () => {
    const current = noisySet(2, 5, {
      tweak: (run, i) => (i === 4 ? { ...run, verdict: { pass: false, invariants: run.verdict.invariants.map((inv) => (inv.id === 'I2' ? { ...inv, pass: false, violations: 1 } : inv)) } } : run),
    });
    const comparison = compareSets(baseline, current, DEFAULT_TOLERANCES);
    expect(row(comparison, 'I2 violations')).toMatchObject({ baseline: 0, current: 1, verdict: 'regression', rule: 'any increase (worst run)' });
    expect(comparison.regressed).toBe(true);
  });

  it('a gate regresses when it passed in most baseline runs and fails in most current runs', () => {
    const failing = (n: number) => noisySet(2, 5, { tweak: (run, i) => (i < n ? { ...run, gates: run.gates.map((g) => (g.expression === 'lost == 0' ? { ...g, pass: false, actual: 3 } : g)) } : run) });
    expect(row(compareSets(baseline, failing(2), DEFAULT_TOLERANCES), 'gate: lost == 0').verdict).toBe('ok');
    const most = row(compareSets(baseline, failing(3), DEFAULT_TOLERANCES), 'gate: lost == 0');
    expect(most.verdict).toBe('regression');
    expect(most.rule).toContain('(passed 5/5 → 2/5)');
  });

  it('a stage missing from some current runs is missing', () => {
    const current = noisySet(2, 5, { tweak: (run, i) => (i === 0 ? { ...run, stages: { ...run.stages, l4_delivery: undefined } } as CompletedResult : run) });
    const comparison = compareSets(baseline, current, DEFAULT_TOLERANCES);
    expect(row(comparison, 'stage l4_delivery')).toMatchObject({ verdict: 'missing', current: null, rule: 'measured in 4 of 5 current runs' });
    expect(comparison.regressed).toBe(true);
  });

  it('is deterministic, warns on mixed sets, and refuses a member that did not complete', () => {
    const current = noisySet(2, 5);
    expect(compareSets(baseline, current, DEFAULT_TOLERANCES)).toEqual(compareSets(baseline, current, DEFAULT_TOLERANCES));
    const mixed = current.map((run, i) => (i === 0 ? { ...run, environment: { ...run.environment, gitCommit: 'ffffffffffffffffffffffffffffffffffffffff', cpus: 8 } } : run));
    expect(compareSets(baseline, mixed, DEFAULT_TOLERANCES).warnings).toEqual([
      'environment cpus differs: 2 → 8',
      'the current set mixes git commits: ffffffffffff, 0123456789ab',
      "the current set's runs differ in environment cpus",
    ]);
    expect(() => compareSets(baseline, [...current, incompleteResultFixture()], DEFAULT_TOLERANCES)).toThrow(/the current result \(run fixture-run-0001\) is incomplete/);
    expect(() => compareSets([], current, DEFAULT_TOLERANCES)).toThrow(/the baseline set holds no runs/);
  });

  it('markdown shows medians with their range, the interval, the U test and n', () => {
    const current = noisySet(2, 5, { tweak: (run) => shiftStage(run, 'l1_produce', 'p99Ms', 50) });
    const markdown = renderCompareMarkdown(compareSets(baseline, current, DEFAULT_TOLERANCES), DEFAULT_TOLERANCES);
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('## streamproof compare — `fixture-scenario`: ❌ regression: 1 regressed, 0 missing');
    expect(lines[2]).toMatch(/^- baseline: set of 5 runs \(commit 0123456789ab, /);
    const p99 = lines.find((l) => l.startsWith('| p99(l1_produce) |'))!;
    expect(p99).toMatch(/^\| p99\(l1_produce\) \| [\d.]+ ms \([\d.]+ ms–[\d.]+ ms\) \| [\d.]+ ms \([\d.]+ ms–[\d.]+ ms\) \| \+[\d.]+% \| \+[\d.]+ ms \[\+[\d.]+ ms, \+[\d.]+ ms\] \| p = 0\.008 \| 5 \/ 5 \| \*\*REGRESSED\*\* \| \+20% and \+5 ms \|$/);
    expect(markdown).toContain('excludes 0 **and** the change of the medians is beyond its tolerance');
    expect(markdown).not.toContain('tolerance only');
  });
});
