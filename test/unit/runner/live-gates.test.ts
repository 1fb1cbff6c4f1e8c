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

describe('liveSubject: only the stages a gate reads', () => {
  it('summarises and makes only those, never calling the others\' makers', () => {
    const l1 = new LatencyHistogram();
    l1.recordMs(700);
    let made = 0;
    const l3 = () => {
      made += 1;
      const h = new LatencyHistogram();
      h.recordMs(5);
      return h;
    };
    const snapshot = { latencies: { l1_produce: l1, l3_window: l3 }, counters: { sent: 10, sentLate: 3 }, elapsedS: 1, scheduledSoFar: 10 };
    const counterOnly = liveSubject(snapshot, new Set());
    expect(counterOnly.subject.stages).toEqual({});
    expect(made).toBe(0);
    const l3Only = liveSubject(snapshot, new Set(['l3_window'] as const));
    expect(Object.keys(l3Only.subject.stages)).toEqual(['l3_window']);
    expect(made).toBe(1);
    expect(l3Only.percentileMs('l3_window', 50)).toBeCloseTo(5, 0);
    // Without a set, every stage (the makers included), as before.
    expect(Object.keys(liveSubject(snapshot).subject.stages).sort()).toEqual(['l1_produce', 'l3_window']);
    expect(made).toBe(2);
  });
});
