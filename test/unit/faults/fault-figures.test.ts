import { describe, expect, it } from 'vitest';
import { faultCounters, faultOutcome, preFaultLag, recoverySeconds, type FaultRecordInput } from '../../../src/report/fault-figures.js';
import type { TimeSeriesRow } from '../../../src/report/result-schema.js';

const T0 = 1_700_000_000; // epoch s of the first row

/** One row per second: target 1000 ev/s; `achieved`, `lag` and `results` by second offset. */
function series(n: number, shape: (s: number) => { achieved?: number; lag?: number | null; results?: number; target?: number }): TimeSeriesRow[] {
  return Array.from({ length: n }, (_, s) => {
    const at = shape(s);
    return { tEpochS: T0 + s, targetEventsPerS: at.target ?? 1000, achievedEventsPerS: at.achieved ?? 1000, p99Ms: {}, resultsPerS: at.results ?? 20, consumerLagEvents: at.lag === undefined ? 500 : at.lag, phase: 'steady' };
  });
}

function record(struckS: number, healedS: number | null, over: Partial<FaultRecordInput> = {}): FaultRecordInput {
  return {
    kind: 'broker-kill',
    target: 'broker-2',
    label: 'broker-kill broker-2 at 10s for 10s',
    source: 0,
    occurrence: 0,
    plannedStartEpochMs: (T0 + struckS) * 1000,
    durationMs: 10_000,
    injectedAtEpochMs: (T0 + struckS) * 1000,
    healedAtEpochMs: healedS === null ? null : (T0 + healedS) * 1000,
    atRisk: { inFlightEvents: 120, consumerLagEvents: 480 },
    details: {},
    error: null,
    ...over,
  };
}

describe('fault figures on synthetic series', () => {
  // Fault from 10 s to 20 s: the rate halves inside it, then catches up at 1.5× for 4 s, lag climbs and drains.
  const rows = series(40, (s) => {
    if (s >= 10 && s < 20) return { achieved: 500, lag: 500 + (s - 9) * 500, results: 5 };
    if (s >= 20 && s < 24) return { achieved: 1500, lag: 5500 - (s - 19) * 1200 };
    if (s === 24) return { achieved: 1000, lag: 580 };
    return {};
  });

  it('counts progress inside the window: events acked and results committed in its seconds', () => {
    const outcome = faultOutcome(record(10, 20), rows);
    expect(outcome.ackedInWindow).toBe(10 * 500);
    expect(outcome.resultsInWindow).toBe(10 * 5);
    expect(outcome.eventsAtRisk).toBe(600);
    expect(outcome.preFaultLagEvents).toBe(500);
  });

  it('recovers when the rate is within ±5 % of target over 3 s and lag is back at its pre-fault level', () => {
    // Seconds 20-23 are a catch-up at 1.5× target: not "within 5 %". From 24: rate 1000 and lag 580 ≤ 500 + 100.
    expect(recoverySeconds(rows, (T0 + 20) * 1000, 500)).toBe(4);
    expect(faultOutcome(record(10, 20), rows).recoveryS).toBe(4);
    // A heal at 20.4 s counts from the heal itself.
    expect(recoverySeconds(rows, (T0 + 20) * 1000 + 400, 500)).toBeCloseTo(3.6, 6);
  });

  it('does not recover on the rate alone while lag is still high', () => {
    const lagging = series(30, (s) => (s >= 10 ? { lag: 5000 } : {}));
    expect(recoverySeconds(lagging, (T0 + 12) * 1000, 500)).toBeNull();
  });

  it('is null when the schedule ends first (target 0 after it)', () => {
    const short = series(15, (s) => (s >= 12 ? { target: 0, achieved: 0 } : s >= 10 ? { achieved: 200 } : {}));
    expect(recoverySeconds(short, (T0 + 11) * 1000, 500)).toBeNull();
  });

  it('takes the pre-fault lag from the 5 samples before the strike, skipping gaps', () => {
    const r = series(12, (s) => ({ lag: s === 8 ? null : s * 10 }));
    expect(preFaultLag(r, (T0 + 10) * 1000)).toBe(90);
  });

  it('leaves a fault that never struck without figures, and the run-wide counters without it', () => {
    const never = faultOutcome(record(10, null, { injectedAtEpochMs: null, atRisk: null }), rows);
    expect([never.ackedInWindow, never.recoveryS, never.eventsAtRisk]).toEqual([null, null, null]);
    expect(faultCounters([never])).toEqual({});
  });

  it('sums and bounds the run-wide counters over faults; recoveryS is absent when one never recovered', () => {
    const a = faultOutcome(record(10, 20), rows);
    const b = { ...a, recoveryS: 9, ackedInWindow: 300, resultsInWindow: 0, eventsAtRisk: 10 };
    expect(faultCounters([a, b])).toEqual({ recoveryS: 9, eventsAtRisk: 610, minAckedInFault: 300, minResultsInFault: 0 });
    expect(faultCounters([a, { ...b, recoveryS: null }])).not.toHaveProperty('recoveryS');
  });
});
