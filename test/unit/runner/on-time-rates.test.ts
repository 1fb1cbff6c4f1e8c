import { describe, expect, it } from 'vitest';
import { Timeline } from '../../../src/base/timeline.js';
import { ingestRunReport } from '../../../src/drivers/ingest/kafka.js';
import { runIngest } from '../../../src/pipeline/ingest/ingest-run.js';
import { runResultSchema } from '../../../src/report/result-schema.js';
import { assembleResult } from '../../../src/runner/result-assembly.js';
import { validateScenario } from '../../../src/scenario/validate.js';
import type { Schedule } from '../../../src/workload/schedule.js';
import type { EventPort } from '../../../src/workload/sender.js';
import { EPOCH_MS, World } from '../pipeline/ingest/world.js';

/**
 * Honest rates end to end, with no services: the open-loop sender on a virtual clock drives a
 * fake port, its summary becomes the Kafka driver's StageReport, and result assembly turns that
 * into result.json with its gates. A sender that cannot keep up still gets every event acked in
 * the end, so acked ÷ duration alone would read as the target rate; the on-time counters and
 * the achieved rate built on them must not.
 */
const RATE = 100;
const DURATION_MS = 4_000;
const GATES = ['achievedRate >= 0.98 * target', 'onTimeShare >= 0.99', 'p99(lag) < 100ms'];
const { scenario } = validateScenario({
  name: 'on-time',
  description: 'honest rates',
  load: { phases: [{ kind: 'constant', name: 'steady', rateEventsPerS: RATE, durationMs: DURATION_MS }] },
  run: { warmUpMs: 0, onTimeMs: '100ms' },
  thresholds: GATES,
});
const generatorConfig = { generatorId: 'm', seed: 1, users: 10 };

/**
 * A port that serves one send at a time, each taking `serviceMs`: at 20 ms it carries 50 ev/s,
 * half of the 100 ev/s target; at 1 ms it keeps up. Every send is acked eventually.
 */
function servicePort(world: World, serviceMs: number): EventPort {
  return { send: () => new Promise<void>((resolve) => void world.at(world.now + serviceMs, resolve)) };
}

async function assembledRun(serviceMs: number, maxInFlightEvents: number) {
  const world = new World();
  const summary = await world.run(
    runIngest({
      port: servicePort(world, serviceMs),
      schedule: scenario.load as Schedule,
      generatorConfig,
      clock: world.clock,
      sleepUntil: world.sleepUntil,
      loadWorkers: 0, // virtual time: records built inline, on the sender's thread
      maxInFlightEvents,
      onTimeMs: scenario.run.onTimeMs,
      drainTimeoutMs: 60_000,
    }),
  );
  const timeline = new Timeline(() => EPOCH_MS);
  timeline.add('phase', 'steady', EPOCH_MS, EPOCH_MS + DURATION_MS);
  return assembleResult({
    runId: 'on-time-1',
    resources: null,
    scenario,
    startedAt: new Date(EPOCH_MS),
    endedAt: new Date(summary.endEpochMs),
    endpoints: null,
    abort: null,
    failure: null,
    load: { schedule: scenario.load as Schedule, startEpochMs: summary.startEpochMs },
    reports: [ingestRunReport(summary)],
    observers: null,
    l4: null,
    lagSamples: [],
    drain: null,
    verification: { verdict: { pass: true, invariants: [] }, counters: {}, delivery: { observed: null, modelled: null } },
    timeline: timeline.events(),
    errors: [],
  });
}

const gate = (result: Awaited<ReturnType<typeof assembledRun>>, expression: string) => result.gates.find((g) => g.expression === expression);

describe('honest rates: a sender that falls behind its schedule does not report 100 %', () => {
  it('a port throttled to half the target rate: everything acked, yet achievedRate >= 0.98 * target FAILS and onTimeShare is low', async () => {
    const result = await assembledRun(20, 1);
    expect(result.state).toBe('completed');
    // Every event was sent (late, never skipped) and acked: acked ÷ duration would be the full 100 ev/s.
    expect(result.counters).toMatchObject({ scheduled: 400, sent: 400, acked: 400 });
    expect(result.counters.acked! / (DURATION_MS / 1000)).toBe(RATE);
    // Event i goes out at 20·i ms, due at 10·i: on time (lag ≤ 100 ms) only for i = 0 … 10.
    expect(result.counters).toMatchObject({ onTime: 11, sentLate: 389, onTimeAcked: 11 });
    expect(result.counters.onTimeShare).toBeCloseTo(11 / 400, 10);
    expect(result.counters.onTimeShare).toBeLessThan(0.5);
    expect(result.rates.targetEventsPerS).toBe(RATE);
    expect(result.rates.achievedEventsPerS).toBeCloseTo(11 / 4, 10);
    expect(gate(result, 'achievedRate >= 0.98 * target')).toMatchObject({ pass: false, threshold: 98, unit: 'events/s' });
    expect(gate(result, 'onTimeShare >= 0.99')).toMatchObject({ pass: false, threshold: 0.99, unit: 'fraction', message: 'FAIL onTimeShare = 0.0275, expected >= 0.99' });
    expect(gate(result, 'p99(lag) < 100ms')?.pass).toBe(false);
    // The per-second series shows it too: 50 sends a second, nearly all late, for twice the schedule.
    const sending = result.timeSeries.filter((row) => (row.onTimeEventsPerS ?? 0) + (row.lateEventsPerS ?? 0) > 0);
    expect(sending).toHaveLength(8);
    expect(sending.map((row) => row.lateEventsPerS)).toEqual([39, 50, 50, 50, 50, 50, 50, 50]);
    // Who was the bottleneck: the sender, sustaining 50 events/s; no processors, so no consumer lag to clear the pipeline.
    expect(result.bottleneck).toMatchObject({ verdict: 'behind-schedule', sustainedEventsPerS: 50, consumerLagP90Events: null });
    expect(result.bottleneck?.lateShare).toBeCloseTo(389 / 400, 10);
    // The result is still a valid result.json.
    expect(runResultSchema.safeParse(result).success).toBe(true);
  });

  it('a port that keeps up: every gate passes, onTimeShare is 1 and the achieved rate is the target', async () => {
    const result = await assembledRun(1, 1_000);
    expect(result.counters).toMatchObject({ scheduled: 400, sent: 400, acked: 400, onTime: 400, sentLate: 0, onTimeAcked: 400, onTimeShare: 1 });
    expect(result.bottleneck?.verdict).toBe('kept-up');
    expect(result.rates).toEqual({ targetEventsPerS: RATE, achievedEventsPerS: RATE });
    expect(result.gates.map((g) => [g.expression, g.pass])).toEqual(GATES.map((g) => [g, true]));
    expect(result.timeSeries.slice(0, 4).map((row) => [row.onTimeEventsPerS, row.lateEventsPerS])).toEqual([[100, 0], [100, 0], [100, 0], [100, 0]]);
  });
});
