import { describe, expect, it } from 'vitest';
import { findBottleneck, probeStages, type ProbeForStages, type Stage } from '../../../src/capacity/stages.js';
import type { ProbeDecision } from '../../../src/capacity/decision.js';
import type { RunResult } from '../../../src/report/result-schema.js';

const decision = (over: Partial<ProbeDecision> = {}): ProbeDecision => ({
  sustainable: true,
  inconclusive: false,
  criteria: [
    { criterion: 'onTimeShare', pass: true, detail: 'ok' },
    { criterion: 'lagSlope', pass: true, detail: 'ok' },
  ],
  onTimeShare: 1,
  lagSlopeEventsPerS2: 0,
  lagPoints: 20,
  summary: 'sustainable',
  ...over,
});

function result(over: Record<string, unknown> = {}): RunResult {
  return {
    state: 'completed',
    counters: {},
    rates: { targetEventsPerS: 1000, achievedEventsPerS: 990 },
    stages: { l3_window: { count: 10, p99Ms: 1200 } },
    timeSeries: [10, 20, 30].map((lag, i) => ({ tEpochS: i, targetEventsPerS: 1000, achievedEventsPerS: 1000, p99Ms: {}, consumerLagEvents: lag, phase: 'hold' })),
    gates: [],
    resources: { roles: { brokers: { cpuSeconds: 30, peakRssBytes: 1, pids: [1] }, processors: { cpuSeconds: 15, peakRssBytes: 1, pids: [2] } }, machine: { cores: 2, loadAverage1m: null, stealPct: 0, busyPct: 80 }, sampleIntervalMs: 1000, sampledMs: 30_000 },
    ...over,
  } as unknown as RunResult;
}

const kept = (rate: number, out: Stage[] = [], sustainable = out.length === 0): ProbeForStages => ({
  rate,
  sustainable,
  stages: { ...probeStages(result(), decision(), 'hold'), stages: { generator: { keptUp: !out.includes('generator'), why: null }, ingest: { keptUp: !out.includes('ingest'), why: null }, processor: { keptUp: !out.includes('processor'), why: null }, delivery: { keptUp: !out.includes('delivery'), why: null } } },
});

describe('probeStages', () => {
  it('figures per stage: lag median, p99s, cores per role', () => {
    const s = probeStages(result(), decision(), 'hold');
    expect(s.consumerLagMedianEvents).toBe(20);
    expect(s.p99Ms.l3_window).toBe(1200);
    expect(s.coresByRole).toEqual({ brokers: 1, processors: 0.5 });
    expect(s.machineBusyPct).toBe(80);
    expect(Object.values(s.stages).every((x) => x.keptUp)).toBe(true);
  });

  it('assigns a failure to its stage: late generator, growing lag, failed L1 and L4 gates', () => {
    const harness = probeStages(result({ bottleneck: { verdict: 'harness-bound', lateShare: 0.5, sustainedEventsPerS: 700, consumerLagP90Events: 10, summary: 'HARNESS-BOUND ...' } }), decision(), 'hold');
    expect(harness.stages.generator).toEqual({ keptUp: false, why: 'HARNESS-BOUND ...' });
    expect(harness.stages.processor.keptUp).toBe(true);
    const lag = probeStages(result(), decision({ lagSlopeEventsPerS2: 300, criteria: [{ criterion: 'lagSlope', pass: false, detail: 'slope 300' }] }), 'hold');
    expect(lag.stages.processor).toEqual({ keptUp: false, why: 'slope 300' });
    const gates = [
      { expression: 'p99(l1) < 1s', pass: false, actual: 2000, threshold: 1000, unit: 'ms', abortOnFail: false, message: 'FAIL l1' },
      { expression: 'p99(l4) < 10s', pass: false, actual: 20000, threshold: 10000, unit: 'ms', abortOnFail: false, message: 'FAIL l4' },
      { expression: 'lost == 0', pass: false, actual: 3, threshold: 0, unit: 'events', abortOnFail: false, message: 'FAIL lost' },
    ];
    const g = probeStages(result({ gates }), decision(), 'hold');
    expect(g.stages.ingest.why).toBe('FAIL l1');
    expect(g.stages.delivery.why).toBe('FAIL l4');
    expect(g.stages.generator.keptUp && g.stages.processor.keptUp).toBe(true);
  });
});

describe('findBottleneck', () => {
  it('the stage that gave out at the lowest rate, and the others\' headroom over the found rate', () => {
    const b = findBottleneck([kept(1000), kept(2000), kept(4000, ['processor']), kept(3000, ['processor']), kept(8000, ['processor', 'ingest'])], 2000);
    expect(b).toMatchObject({ stage: 'processor', atRate: 3000, harnessBound: false });
    expect(b.summary).toBe('the processor gave out first, at 3000 events/s');
    const ingest = b.headroom.find((h) => h.stage === 'ingest')!;
    expect(ingest).toMatchObject({ keptUpToRate: 4000, headroomPct: 100 });
    expect(ingest.note).toMatch(/gave out at 8000/);
    expect(b.headroom.find((h) => h.stage === 'delivery')!.note).toMatch(/kept up at every probed rate/);
  });

  it('says in words when the load generator is the bottleneck: the harness, not the pipeline', () => {
    const b = findBottleneck([kept(1000), kept(2000, ['generator', 'processor'])], 1000);
    expect(b.stage).toBe('generator');
    expect(b.harnessBound).toBe(true);
    expect(b.summary).toMatch(/HARNESS's limit on this machine, not the pipeline's/);
    // Nothing sustainable at all: the pipeline was not measured, and the summary says so.
    expect(findBottleneck([kept(100, ['generator']), kept(50, ['generator'])], null).summary).toMatch(/fell behind at every probed rate, down to 50 events\/s: .*the pipeline's capacity was not measured/);
  });

  it('no stage out: none, or a failure no stage owns (an invariant)', () => {
    expect(findBottleneck([kept(1000), kept(2000)], 2000).summary).toBe('no stage gave out at any probed rate');
    expect(findBottleneck([kept(1000), kept(2000, [], false)], 1000).summary).toMatch(/no stage fell behind/);
  });
});
