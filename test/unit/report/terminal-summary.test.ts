import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../../../src/metrics/histogram.js';
import { percentileDistribution, stagePercentileMs } from '../../../src/report/stage-percentiles.js';
import { renderTerminalSummary } from '../../../src/report/terminal-summary.js';
import { completedResultFixture, FIXTURE_START_EPOCH_MS } from '../../fixtures/report/result-fixture.js';

/** A real HdrHistogram of 1..1000 ms, one event each: p50 ≈ 500 ms, p95 ≈ 950 ms. */
function realStage() {
  const h = new LatencyHistogram();
  for (let ms = 1; ms <= 1000; ms += 1) h.recordMs(ms);
  return { histogram: h.encode(), ...h.summary() };
}

describe('stage percentiles from the encoded histogram', () => {
  it('reads p95 and the percentile distribution on the 1/(1−p) axis', () => {
    const stage = realStage();
    expect(stagePercentileMs(stage, 95)).toBeCloseTo(950, -1);
    const points = percentileDistribution(stage);
    expect(points[0]).toMatchObject({ percentile: 0, x: 1 });
    // 99% sits at x = 100, and the last point is the max at x = count.
    const p99 = points.find((p) => Math.abs(p.x - 100) < 1e-9)!;
    expect(p99.ms).toBeCloseTo(990, -1);
    expect(points.at(-1)).toMatchObject({ percentile: 100, x: 1000, ms: stage.maxMs });
    for (let i = 1; i < points.length; i += 1) expect(points[i]!.ms).toBeGreaterThanOrEqual(points[i - 1]!.ms);
  });
  it('is null for an unreadable histogram', () => {
    expect(stagePercentileMs({ ...realStage(), histogram: 'not-a-histogram' }, 95)).toBeNull();
  });
});

describe('renderTerminalSummary', () => {
  it('shows each gate ✓/✗ with its value, per-stage p50/p95/p99, rates, MB/s and the timeline', () => {
    const start = FIXTURE_START_EPOCH_MS;
    const result = completedResultFixture({
      stages: { l1_produce: realStage() },
      counters: { ...completedResultFixture().counters, bytesAcked: 50_000_000, onTimeShare: 0.995, sentLate: 600 },
      gates: [
        { expression: 'lost == 0', pass: true, actual: 0, threshold: 0, unit: 'events', abortOnFail: false, message: '' },
        { expression: 'p99(l1) < 500ms', pass: false, actual: 990, threshold: 500, unit: 'ms', abortOnFail: true, message: '' },
      ],
      timeline: [
        { kind: 'setup', label: 'setup', startEpochMs: start, endEpochMs: start + 5_000 },
        { kind: 'load', label: 'load', startEpochMs: start + 5_000, endEpochMs: start + 105_000 },
      ],
    });
    const text = renderTerminalSummary(result, { dir: 'results/x', summaryMd: 'results/x/summary.md', reportHtml: 'results/x/report.html' });
    expect(text).toMatch(/✓ lost == 0 \.+ 0 events\n/);
    expect(text).toMatch(/✗ p99\(l1\) < 500ms \.+ 99\d(\.\d)? ms \(threshold 500 ms\) {2}\[abortOnFail\]/);
    expect(text).toMatch(/l1_produce +1,000 +50\d(\.\d)? ms +9[45]\d(\.\d)? ms +99\d(\.\d)? ms/);
    expect(text).toContain('throughput ...... 0.5 MB/s acknowledged (50 MB of event payload in 100 s of load)');
    expect(text).toContain('on time ......... 99.5% (sent late 600)');
    expect(text).toContain('setup 5 s · load 100 s');
    expect(text).toContain('results: results/x');
  });
});
