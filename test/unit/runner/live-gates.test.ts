import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/metrics/histogram.js';
import { firstAbortingGate, parseGates } from '../../../src/report/gates.js';
import { liveSubject } from '../../../src/runner/live-gates.js';

describe('liveSubject', () => {
  it('exposes live histograms, counters and rates so far to the gate evaluator', () => {
    const l1 = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms += 1) l1.recordMs(ms);
    const counters = { sent: 500, acked: 480, onTime: 480, sentLate: 20, onTimeAcked: 450 };
    const { subject, percentileMs } = liveSubject({ latencies: { l1_produce: l1, l2_ingest: new LatencyHistogram() }, counters, elapsedS: 5, scheduledSoFar: 500 });
    expect(subject.state).toBe('incomplete');
    expect(subject.verdict).toBeNull();
    expect(Object.keys(subject.stages)).toEqual(['l1_produce']); // an empty stage is not measured yet
    // The achieved rate counts on-time acked events only (450, not the 480 acked), as in the final result.
    expect(subject.rates).toEqual({ targetEventsPerS: 100, achievedEventsPerS: 90 });
    expect(subject.counters.onTimeShare).toBe(0.96);
    expect(percentileMs('l1_produce', 95)).toBeCloseTo(95, 0);
    const gates = parseGates(['p95(l1) < 50ms abortOnFail', 'achievedRate >= 0.95 * target abortOnFail']);
    expect(firstAbortingGate(gates, subject, { percentileMs })?.expression).toBe('p95(l1) < 50ms abortOnFail');
  });

  it('a sender behind its schedule fails an on-time share gate live, and a run with no sends yet has no share', () => {
    const gates = parseGates(['onTimeShare >= 0.99 abortOnFail']);
    const behind = liveSubject({ latencies: {}, counters: { sent: 300, acked: 300, onTime: 250, sentLate: 50, onTimeAcked: 250 }, elapsedS: 3, scheduledSoFar: 300 });
    expect(firstAbortingGate(gates, behind.subject)?.message).toBe('FAIL onTimeShare = 0.8333, expected >= 0.99 (run incomplete: measured on partial data)');
    const none = liveSubject({ latencies: {}, counters: {}, elapsedS: 0, scheduledSoFar: 0 });
    expect(none.subject.counters.onTimeShare).toBeUndefined();
    expect(firstAbortingGate(gates, none.subject)).toBeNull();
  });
});
