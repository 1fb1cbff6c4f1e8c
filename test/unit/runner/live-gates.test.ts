import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/metrics/histogram.js';
import { firstAbortingGate, parseGates } from '../../../src/report/gates.js';
import { liveSubject } from '../../../src/runner/live-gates.js';

describe('liveSubject', () => {
  it('exposes live histograms, counters and rates so far to the gate evaluator', () => {
    const l1 = new LatencyHistogram();
    for (let ms = 1; ms <= 100; ms += 1) l1.recordMs(ms);
    const { subject, percentileMs } = liveSubject({ latencies: { l1_produce: l1, l2_ingest: new LatencyHistogram() }, counters: { sent: 500, acked: 450 }, elapsedS: 5, scheduledSoFar: 500 });
    expect(subject.state).toBe('incomplete');
    expect(subject.verdict).toBeNull();
    expect(Object.keys(subject.stages)).toEqual(['l1_produce']); // an empty stage is not measured yet
    expect(subject.rates).toEqual({ targetEventsPerS: 100, achievedEventsPerS: 90 });
    expect(percentileMs('l1_produce', 95)).toBeCloseTo(95, 0);
    const gates = parseGates(['p95(l1) < 50ms abortOnFail', 'achievedRate >= 0.95 * target abortOnFail']);
    expect(firstAbortingGate(gates, subject, { percentileMs })?.expression).toBe('p95(l1) < 50ms abortOnFail');
  });
});
