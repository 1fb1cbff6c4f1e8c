import { describe, expect, it } from 'vitest';
import { decideProbe, defaultMaxLagSlope, lagSlope, type DecisionSettings } from '../../../src/capacity/decision.js';
import { linearFit } from '../../../src/capacity/regression.js';
import type { RunResult, TimeSeriesRow } from '../../../src/report/result-schema.js';

const SETTINGS: DecisionSettings = { onTimeShareMin: 0.99, maxLagSlope: 50, settleS: 5, holdPhase: 'hold' };

const rows = (lags: Array<number | null>, phase = 'hold'): TimeSeriesRow[] =>
  lags.map((lag, i) => ({ tEpochS: 1_000 + i, targetEventsPerS: 1000, achievedEventsPerS: 1000, onTimeEventsPerS: 1000, lateEventsPerS: 0, p99Ms: {}, consumerLagEvents: lag, phase }));

/** A completed result with only what the decision reads filled in. */
function result(over: Partial<RunResult> & { lags?: Array<number | null> } = {}): RunResult {
  const { lags = Array.from({ length: 30 }, () => 100), ...rest } = over;
  return {
    state: 'completed',
    counters: { onTimeShare: 0.999 },
    timeSeries: rows(lags),
    gates: [{ expression: 'p99(l3) < 5s', pass: true, actual: 1000, threshold: 5000, unit: 'ms', abortOnFail: false, message: 'pass' }],
    verdict: { pass: true, invariants: [{ id: 'I1', name: 'ingest', pass: true, violations: 0, counts: {}, examples: [] }] },
    ...rest,
  } as unknown as RunResult;
}

describe('linearFit', () => {
  it('fits a line exactly and refuses what has no slope', () => {
    expect(linearFit([[0, 1], [1, 3], [2, 5]])).toMatchObject({ slope: 2, intercept: 1, points: 3 });
    expect(linearFit([[0, 1]])).toBeNull();
    expect(linearFit([[1, 1], [1, 2]])).toBeNull();
  });

  it('is the least-squares slope of noisy points', () => {
    const fit = linearFit([[0, 0], [1, 12], [2, 18], [3, 33], [4, 37]])!;
    // Σ(x−2)(y−20) = 95, Σ(x−2)² = 10.
    expect(fit.slope).toBeCloseTo(9.5, 10);
  });
});

describe('decideProbe', () => {
  it('sustainable when on time, lag flat, gates and invariants hold', () => {
    const d = decideProbe(result(), SETTINGS);
    expect(d.sustainable).toBe(true);
    expect(d.criteria.every((c) => c.pass)).toBe(true);
    expect(d.lagSlopeEventsPerS2).toBeCloseTo(0, 10);
  });

  it('a growing consumer lag fails on its slope, after the settle seconds only', () => {
    // A warm-up backlog in the first 5 s is ignored; then lag grows 200 events/s.
    const lags = [...[5000, 4000, 3000, 2000, 1000], ...Array.from({ length: 20 }, (_, i) => 100 + 200 * i)];
    const d = decideProbe(result({ lags }), SETTINGS);
    expect(d.sustainable).toBe(false);
    expect(d.lagSlopeEventsPerS2).toBeCloseTo(200, 6);
    expect(d.summary).toMatch(/consumer-lag slope 200\.0/);
    // The same backlog draining in the first seconds alone passes.
    expect(decideProbe(result({ lags: [...[5000, 4000, 3000, 2000, 1000], ...Array.from({ length: 20 }, () => 50)] }), SETTINGS).sustainable).toBe(true);
  });

  it('no lag samples is not a pass', () => {
    const d = decideProbe(result({ lags: Array.from({ length: 30 }, () => null) }), SETTINGS);
    expect(d.sustainable).toBe(false);
    expect(d.criteria.find((c) => c.criterion === 'lagSlope')?.detail).toMatch(/not measurable/);
  });

  it('only the hold phase counts for the slope', () => {
    const r = result();
    r.timeSeries.push(...rows(Array.from({ length: 20 }, (_, i) => 10_000 * i), 'drain'));
    expect(lagSlope(r, SETTINGS).slope).toBeCloseTo(0, 10);
  });

  it('fails on the on-time share, a failed gate, a broken invariant, an aborted run', () => {
    const late = result();
    for (const r of late.timeSeries.slice(10)) r.onTimeEventsPerS = 900;
    // Seconds 5..29 are judged: 5 at 1000 + 20 at 900 of 25 000 due = 92 %.
    expect(decideProbe(late, SETTINGS).summary).toMatch(/on-time share 92\.00 % after the first 5 s of the hold/);
    // A probe's hold already follows its settle phase: judged whole (30 000 due, 28 000 on time).
    expect(decideProbe(late, { ...SETTINGS, settleS: 0 }).summary).toMatch(/on-time share 93\.33 % over the hold \(/);
    const gates = [{ expression: 'p99(l3) < 5s', pass: false, actual: 9000, threshold: 5000, unit: 'ms', abortOnFail: false, message: 'FAIL p99(l3_window) = 9 s' }];
    expect(decideProbe(result({ gates } as Partial<RunResult>), SETTINGS).summary).toMatch(/FAIL p99\(l3_window\)/);
    const verdict = { pass: false, invariants: [{ id: 'I2' as const, name: 'processing', pass: false, violations: 3, counts: {}, examples: [] }] };
    expect(decideProbe(result({ verdict } as Partial<RunResult>), SETTINGS).summary).toMatch(/invariants|I2: 3 violation/);
    const aborted = decideProbe(result({ state: 'aborted', abortedBy: 'sentLate <= 10 abortOnFail', reason: 'x', verdict: null } as unknown as Partial<RunResult>), SETTINGS);
    expect(aborted.sustainable).toBe(false);
    expect(aborted.inconclusive).toBe(false);
    expect(aborted.summary).toMatch(/aborted early by `sentLate <= 10 abortOnFail`/);
  });

  it('a failed or interrupted probe is inconclusive, not a capacity figure', () => {
    const d = decideProbe(result({ state: 'failed', reason: 'broker down', verdict: null } as unknown as Partial<RunResult>), SETTINGS);
    expect(d.inconclusive).toBe(true);
    expect(d.sustainable).toBe(false);
  });

  it('the on-time share leaves out the first settle seconds of the hold, as the lag slope does', () => {
    const r = result({ counters: { onTimeShare: 0.9 } } as Partial<RunResult>);
    for (const row of r.timeSeries.slice(0, 3)) row.onTimeEventsPerS = 0;
    const d = decideProbe(r, SETTINGS);
    expect(d.onTimeShare).toBe(1);
    expect(d.criteria.find((c) => c.criterion === 'onTimeShare')?.detail).toMatch(/90\.00 % over the whole run/);
    expect(d.sustainable).toBe(true);
  });

  it('the default lag-slope threshold is 1 % of the rate, at least 50', () => {
    expect(defaultMaxLagSlope(1000)).toBe(50);
    expect(defaultMaxLagSlope(20_000)).toBe(200);
  });
});
