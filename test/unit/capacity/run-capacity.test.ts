import { describe, expect, it } from 'vitest';
import { runCapacity, type CapacityDeps, type CapacitySettings } from '../../../src/capacity/run-capacity.js';
import { noiseFromWork } from '../../../src/capacity/noise.js';
import { renderCapacityMarkdown } from '../../../src/capacity/report-markdown.js';
import { renderCapacityHtml } from '../../../src/capacity/report-html.js';
import type { RunResult } from '../../../src/report/result-schema.js';
import type { Scenario } from '../../../src/scenario/schema.js';
import type { ProbeShape } from '../../../src/capacity/probe.js';

/**
 * The orchestrator over synthetic probes (no services): a pipeline whose lag grows above a knee,
 * a clock that advances by each probe's length, Ctrl-C, a harness error, the budget.
 */
const BASE = {
  name: 'smoke',
  thresholds: ['lost == 0', 'onTimeShare >= 0.99'],
  processor: { kind: 'builtin', instances: 2, windowMs: 5000, outOfOrdernessMs: 1000 },
  topology: { rawEventsPartitions: 12, replicationFactor: 3 },
  stack: { brokers: 3 },
} as unknown as Scenario;

const SETTINGS: CapacitySettings = {
  search: { startRate: 1000, growth: 2, precision: 0.1, minRate: 16, maxRate: 100_000, maxProbesPerRate: 3 },
  budgetMs: 60 * 60_000,
  holdMs: 20_000,
  warmUpMs: 2_000,
  drainTimeoutMs: 20_000,
  stackWarmUpMs: 0,
  instances: [1, 2],
  slos: [],
  targetPeak: 20_000,
  headroom: 0.3,
  require: null,
  maxLagSlope: null,
  probeEstimateMs: 60_000,
};

/** Lag flat below `knee` events/s per instance, growing 10 % of the excess per second above it. */
function syntheticResult(shape: ProbeShape, kneePerInstance: number, state: RunResult['state'] = 'completed'): RunResult {
  const knee = kneePerInstance * shape.instances;
  const growth = Math.max(0, (shape.rate - knee) * 0.1);
  return {
    state,
    ...(state === 'failed' ? { reason: 'broker unreachable' } : {}),
    environment: { cpus: 2, cpuModel: 'test', provider: 'native', brokers: 3, kafkaVersion: '4', gitCommit: null, gitDirty: null },
    counters: { onTimeShare: 1, acked: shape.rate * 20, sentLate: 0, sent: shape.rate * 20 },
    rates: { targetEventsPerS: shape.rate, achievedEventsPerS: Math.min(shape.rate, knee) },
    stages: {},
    timeSeries: Array.from({ length: 20 }, (_, i) => ({ tEpochS: i, targetEventsPerS: shape.rate, achievedEventsPerS: shape.rate, onTimeEventsPerS: shape.rate, lateEventsPerS: 0, p99Ms: {}, consumerLagEvents: 100 + growth * i, phase: 'hold' })),
    gates: [],
    verdict: state === 'completed' ? { pass: true, invariants: [{ id: 'I1', name: 'x', pass: true, violations: 0, counts: {}, examples: [] }] } : null,
    delivery: { observed: null, modelled: { records: shape.rate * 2, rawBytes: shape.rate * 2 * 150, gzipRatio: 0.2 } },
    resources: { roles: { brokers: { cpuSeconds: 10, peakRssBytes: 1, pids: [1] }, processors: { cpuSeconds: 10, peakRssBytes: 1, pids: [2] } }, machine: { cores: 2, loadAverage1m: null, stealPct: 0, busyPct: 50 }, sampleIntervalMs: 1000, sampledMs: 20_000 },
  } as unknown as RunResult;
}

function harness(options: { kneePerInstance?: number; failAt?: number; abortAfter?: number; probeMs?: number } = {}) {
  let now = 0;
  const controller = new AbortController();
  const shapes: ProbeShape[] = [];
  const deps: CapacityDeps = {
    resolveProbe: async (shape) => {
      shapes.push(shape);
      return shape as unknown as Scenario;
    },
    runProbe: async (scenario) => {
      const shape = scenario as unknown as ProbeShape;
      now += options.probeMs ?? 60_000;
      const n = shapes.length;
      if (options.abortAfter !== undefined && n === options.abortAfter) controller.abort();
      const state = options.failAt === n ? 'failed' : options.abortAfter === n ? 'incomplete' : 'completed';
      return { result: syntheticResult(shape, options.kneePerInstance ?? 3000, state), written: { dir: `/probes/${n}` } } as never;
    },
    nowMs: () => now,
  };
  return { deps, controller, shapes };
}

const lines: string[] = [];
const run = (settings: CapacitySettings, controller: AbortController) => ({ base: BASE, settings, noise: noiseFromWork([10, 10]), probesDir: '/probes', signal: controller.signal, log: (l: string) => lines.push(l) });

describe('runCapacity (synthetic probes)', () => {
  it('finds the knee per instance count, scaling, the fewest instances and a sizing projection', async () => {
    const h = harness();
    const snapshots: string[] = [];
    const report = await runCapacity({ ...run(SETTINGS, h.controller), onProgress: async (r) => void snapshots.push(`${r.state}: ${r.reason}`) }, h.deps);
    expect(report.state).toBe('completed');
    // The files rewritten after each probe say they are a snapshot, never a finished search.
    expect(snapshots.length).toBe(report.searches.flatMap((s) => s.probes).length);
    expect(snapshots[0]).toBe('incomplete: search in progress: written after probe 1; the final report replaces it');
    expect(report.exitCode).toBe(0);
    const [one, two] = report.searches;
    expect(one!.finding.converged).toBe(true);
    // Lag slope allowed is max(50, 1 % of the rate): the knee sits a little above 3000 × n.
    expect(one!.finding.foundRate).toBeGreaterThanOrEqual(2700);
    expect(one!.finding.foundRate).toBeLessThanOrEqual(3600);
    expect(two!.finding.foundRate).toBeGreaterThanOrEqual(5400);
    expect(one!.bottleneck.stage).toBe('processor');
    expect(report.scaling).toHaveLength(2);
    expect(report.scaling[1]!.efficiency).toBeGreaterThan(0.8);
    expect(report.fewestInstances).toEqual({ load: 20_000, instances: null });
    expect(report.sizing?.processorInstances).toBeGreaterThan(0);
    expect(report.sizing?.firehose?.objectsPerHour).toBeGreaterThan(0);
    // Every probe carries the early-abort gate for its own rate.
    for (const s of h.shapes) expect(s.thresholds).toContain(`sentLate <= ${Math.floor(0.01 * s.rate * 15 + s.rate * 0.625 * 5)} abortOnFail`);
    // Every probe settles for 5 s of its time at the rate before the judged hold.
    for (const s of h.shapes) expect(s.settleMs).toBe(5_000);
    // The scenario's onTimeShare gate is judged by the settled on-time criterion instead.
    for (const s of h.shapes) expect(s.thresholds).not.toContain('onTimeShare >= 0.99');
    expect(lines.some((l) => /^capacity: probe 1 — 1,000 events\/s: SUSTAINABLE/.test(l))).toBe(true);
    const md = renderCapacityMarkdown(report);
    expect(md).toContain('## Scaling across instance counts');
    expect(md).toContain('Assumptions:');
    expect(renderCapacityHtml(report, '/* chart.js */')).toContain('id="capacity-data"');
  });

  it('--require: exit 1 when not met, 0 when met', async () => {
    const h = harness();
    expect((await runCapacity(run({ ...SETTINGS, instances: [1], require: 50_000 }, h.controller), h.deps)).exitCode).toBe(1);
    const h2 = harness();
    expect((await runCapacity(run({ ...SETTINGS, instances: [1], require: 1_000 }, h2.controller), h2.deps)).exitCode).toBe(0);
  });

  it('Ctrl-C during a probe: a partial report of the probes so far, exit 130', async () => {
    const h = harness({ abortAfter: 3 });
    const report = await runCapacity(run(SETTINGS, h.controller), h.deps);
    expect(report.state).toBe('incomplete');
    expect(report.exitCode).toBe(130);
    expect(report.searches).toHaveLength(1);
    expect(report.searches[0]!.probes).toHaveLength(3);
    expect(report.searches[0]!.finding.foundRate).toBe(2000);
  });

  it('a harness error in a probe stops the search: exit 2, the probes so far reported', async () => {
    const h = harness({ failAt: 2 });
    const report = await runCapacity(run(SETTINGS, h.controller), h.deps);
    expect(report.state).toBe('failed');
    expect(report.exitCode).toBe(2);
    expect(report.reason).toMatch(/probe 2 failed \(harness or stack error\): broker unreachable/);
  });

  it('the stack warm-up: one unjudged run at the start rate before the first probe, recorded, inside the budget', async () => {
    const h = harness({ probeMs: 100_000 });
    const report = await runCapacity(run({ ...SETTINGS, instances: [1], stackWarmUpMs: 60_000, budgetMs: 5 * 60_000 }, h.controller), h.deps);
    // The first run resolved is the warm-up: the start rate, its own hold, no gates at all.
    expect(h.shapes[0]).toMatchObject({ rate: 1000, holdMs: 60_000, instances: 1, thresholds: [] });
    expect(report.stackWarmUp).toMatchObject({ rate: 1000, holdMs: 60_000, instances: 1, durationMs: 100_000, resultDir: '/probes/1', state: 'completed' });
    // Not a probe: probe numbering starts after it, and its 100 s came out of the budget (2 probes left, not 3).
    expect(report.searches[0]!.probes.map((p) => p.index)).toEqual([1, 2]);
    expect(report.searches[0]!.probes[0]!.resultDir).toBe('/probes/2');
    expect(renderCapacityMarkdown(report)).toMatch(/Stack warm-up: 1m at 1,000 events\/s \(1 instance\(s\)\) before the first probe, not judged/);
    const none = await runCapacity(run({ ...SETTINGS, instances: [1] }, harness().controller), harness().deps);
    expect(none.stackWarmUp).toBeNull();
    expect(renderCapacityMarkdown(none)).toMatch(/Stack warm-up: none/);
  });

  it('a stack warm-up that fails stops before any probe (exit 2); Ctrl-C during it writes a partial report (exit 130)', async () => {
    const failing = harness({ failAt: 1 });
    const failed = await runCapacity(run({ ...SETTINGS, stackWarmUpMs: 60_000 }, failing.controller), failing.deps);
    expect(failed.state).toBe('failed');
    expect(failed.exitCode).toBe(2);
    expect(failed.reason).toMatch(/the stack warm-up failed \(harness or stack error\): broker unreachable/);
    expect(failed.searches).toHaveLength(0);
    expect(failing.shapes).toHaveLength(1);
    const interrupted = harness({ abortAfter: 1 });
    const partial = await runCapacity(run({ ...SETTINGS, stackWarmUpMs: 60_000 }, interrupted.controller), interrupted.deps);
    expect(partial.state).toBe('incomplete');
    expect(partial.exitCode).toBe(130);
    expect(partial.reason).toMatch(/during the stack warm-up/);
    expect(interrupted.shapes).toHaveLength(1);
  });

  it('the budget stops the search and says so; the budget is split across the counts', async () => {
    const h = harness({ probeMs: 100_000 });
    const report = await runCapacity(run({ ...SETTINGS, budgetMs: 10 * 60_000 }, h.controller), h.deps);
    expect(report.searches.map((s) => s.probes.length)).toEqual([3, 3]);
    expect(report.searches[0]!.finding.converged).toBe(false);
    expect(report.searches[0]!.finding.reason).toMatch(/the budget ran out/);
    expect(report.exitCode).toBe(0);
  });
});
