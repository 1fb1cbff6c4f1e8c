import { describe, expect, it } from 'vitest';
import { Timeline } from '../../../src/base/timeline.js';
import type { StageReport } from '../../../src/drivers/stage-report.js';
import { LatencyHistogram } from '../../../src/metrics/histogram.js';
import { assembleResult, type AssembleInput } from '../../../src/runner/result-assembly.js';
import { validateScenario } from '../../../src/scenario/validate.js';
import type { Schedule } from '../../../src/workload/schedule.js';

/**
 * Result assembly merges stage reports without asking which kind produced them: a Kafka and an
 * HTTP ingest report of the same shape give the same figures, and the state follows the abort.
 */
const START = 1_800_000_000_000;
const { scenario } = validateScenario({
  name: 'unit',
  description: 'assembly',
  load: { phases: [{ kind: 'constant', name: 'steady', rateEventsPerS: 100, durationMs: '3s' }] },
  run: { warmUpMs: 0 },
  thresholds: ['lost == 0', { threshold: 'p99(l1) < 1ms', abortOnFail: true }],
});

function histogram(...ms: number[]): LatencyHistogram {
  const h = new LatencyHistogram();
  for (const v of ms) h.recordMs(v);
  return h;
}

function ingestReport(kind: string, stage: 'l1_produce' | 'http_ingest'): StageReport {
  return {
    stage: 'ingest',
    kind,
    latencies: { [stage]: histogram(5, 10, 20), schedule_lag: histogram(1, 2) },
    counters: { scheduled: 300, sent: 300, acked: 300, failed: 0, onTime: 294, sentLate: 6, onTimeAcked: 294 },
    ratePerSecond: [{ epochS: START / 1000, events: 100 }, { epochS: START / 1000 + 1, events: 120 }, { epochS: START / 1000 + 2, events: 80 }],
    sendsPerSecond: [{ epochS: START / 1000, onTime: 100, late: 0 }, { epochS: START / 1000 + 1, onTime: 94, late: 6 }, { epochS: START / 1000 + 2, onTime: 100, late: 0 }],
    ledger: null,
  };
}

function input(overrides: Partial<AssembleInput>): AssembleInput {
  const timeline = new Timeline(() => START);
  timeline.add('load', 'load', START, START + 3_000);
  timeline.add('phase', 'steady', START, START + 3_000);
  return {
    runId: 'run-1',
    scenario,
    startedAt: new Date(START - 10_000),
    endedAt: new Date(START + 10_000),
    endpoints: null,
    abort: null,
    failure: null,
    load: { schedule: scenario.load as Schedule, startEpochMs: START },
    reports: [],
    observers: null,
    l4: null,
    lagSamples: [],
    drain: null,
    verification: null,
    timeline: timeline.events(),
    errors: [],
    resources: null,
    ...overrides,
  };
}

describe('assembleResult', () => {
  it('takes stages, counters and the per-second rate from any ingest kind alike', () => {
    const kafka = assembleResult(input({ reports: [ingestReport('kafka', 'l1_produce')] }));
    const http = assembleResult(input({ reports: [ingestReport('http', 'http_ingest')] }));
    expect(kafka.stages.l1_produce?.count).toBe(3);
    expect(http.stages.http_ingest?.count).toBe(3);
    for (const r of [kafka, http]) {
      expect(r.counters).toMatchObject({ scheduled: 300, acked: 300, onTime: 294, sentLate: 6, onTimeShare: 0.98 });
      // Achieved: sent on time and acked (294), not every ack (300), over the 3 s schedule.
      expect(r.rates).toEqual({ targetEventsPerS: 100, achievedEventsPerS: 98 });
      expect(r.timeSeries.map((row) => row.achievedEventsPerS)).toEqual([100, 120, 80, 0]);
      expect(r.timeSeries.map((row) => [row.onTimeEventsPerS, row.lateEventsPerS])).toEqual([[100, 0], [94, 6], [100, 0], [0, 0]]);
      expect(r.timeSeries.map((row) => row.phase)).toEqual(['steady', 'steady', 'steady', 'drain']);
      expect(r.markers).toEqual([{ tEpochMs: START, kind: 'phase', label: 'steady' }]);
      expect(r.timeline.map((e) => e.kind)).toEqual(['load', 'phase']);
    }
  });

  it('writes an aborted result naming the gate when an abortOnFail gate stopped the run', () => {
    const outcome = { expression: 'p99(l1) < 1ms', pass: false, actual: 20, threshold: 1, unit: 'ms', abortOnFail: true, message: 'FAIL p99(l1_produce) = 20 ms, expected < 1 ms' };
    const result = assembleResult(input({ reports: [ingestReport('kafka', 'l1_produce')], abort: { kind: 'gate', outcome } }));
    expect(result.state).toBe('aborted');
    if (result.state !== 'aborted') return;
    expect(result.abortedBy).toBe('p99(l1) < 1ms');
    expect(result.reason).toContain('abortOnFail');
    expect(result.verdict).toBeNull();
    expect(result.gates.find((g) => g.expression === 'p99(l1) < 1ms')?.pass).toBe(false);
  });

  it('marks a run interrupted by the user incomplete, and one that never verified failed', () => {
    expect(assembleResult(input({ abort: { kind: 'interrupted' } })).state).toBe('incomplete');
    const failed = assembleResult(input({ failure: new Error('broker down') }));
    expect(failed.state).toBe('failed');
    expect(failed.state === 'failed' && failed.reason).toBe('broker down');
  });

  it('puts the resources in the result whatever its state, and leaves the section out without them', () => {
    const resources = {
      roles: { harness: { cpuSeconds: 1.5, peakRssBytes: 150_000_000, pids: [42] } },
      machine: { cores: 2, loadAverage1m: { min: 0.5, mean: 1.2, max: 2.5 }, stealPct: 0.4, busyPct: 61 },
      sampleIntervalMs: 1_000,
      sampledMs: 10_000,
    };
    expect(assembleResult(input({ reports: [ingestReport('kafka', 'l1_produce')], resources })).resources).toEqual(resources);
    expect(assembleResult(input({ failure: new Error('broker down'), resources })).resources).toEqual(resources);
    expect('resources' in assembleResult(input({}))).toBe(false);
  });

  it('leaves the on-time columns out of the time series when no ingest report has sends per second', () => {
    const { sendsPerSecond: _none, ...report } = ingestReport('kafka', 'l1_produce');
    const result = assembleResult(input({ reports: [report] }));
    expect(result.timeSeries[0]).not.toHaveProperty('onTimeEventsPerS');
    expect(result.timeSeries[0]).not.toHaveProperty('lateEventsPerS');
  });
});

describe('assembleResult: figures per load phase', () => {
  it('each second of the series goes to the phase its row names; {phase: NAME} gates read them', async () => {
    const { LatencySeries } = await import('../../../src/metrics/latency-series.js');
    const phased = validateScenario({
      name: 'phased',
      description: 'phase figures',
      load: { phases: [{ kind: 'constant', name: 'settle', rateEventsPerS: 100, durationMs: '1s' }, { kind: 'constant', name: 'hold', rateEventsPerS: 100, durationMs: '2s' }] },
      run: { warmUpMs: 0 },
      thresholds: ['p99(l1) < 500ms', 'p99(l1){phase: hold} < 500ms', 'max(l1){phase: settle} < 500ms'],
    }).scenario;
    const series = new LatencySeries();
    series.record(START - 1_000, 5_000); // before the load: in no phase
    series.record(START + 100, 900); // settle
    series.record(START + 1_100, 100); // hold
    series.record(START + 2_900, 120); // hold
    const timeline = new Timeline(() => START);
    timeline.add('load', 'load', START, START + 3_000);
    timeline.add('phase', 'settle', START, START + 1_000);
    timeline.add('phase', 'hold', START + 1_000, START + 3_000);
    const report = { ...ingestReport('kafka', 'l1_produce'), latencySeries: { l1_produce: series } };
    const r = assembleResult(input({ scenario: phased, load: { schedule: phased.load as Schedule, startEpochMs: START }, timeline: timeline.events(), reports: [report], abort: { kind: 'interrupted' } }));
    // (Interrupted: a result that keeps its gates without a verification to build.)
    expect(r.timeSeries.map((row) => row.phase)).toEqual(['settle', 'hold', 'hold', 'drain']);
    expect(Object.keys(r.phaseStages ?? {}).sort()).toEqual(['hold', 'settle']);
    expect(r.phaseStages!.settle!.l1_produce!.count).toBe(1);
    expect(r.phaseStages!.hold!.l1_produce).toMatchObject({ count: 2 });
    expect(r.phaseStages!.hold!.l1_produce!.maxMs).toBeLessThan(130);
    expect(r.gates.map((g) => [g.expression, g.pass])).toEqual([
      ['p99(l1) < 500ms', true], // the report's whole-run histogram (5, 10, 20 ms)
      ['p99(l1){phase: hold} < 500ms', true],
      ['max(l1){phase: settle} < 500ms', false],
    ]);
  });
});
