import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../../../src/metrics/registry.js';
import { LatencyHistogram } from '../../../../src/metrics/histogram.js';
import { IngestLedger } from '../../../../src/pipeline/ingest/ingest-ledger.js';
import { emptySendTiming } from '../../../../src/pipeline/ingest/ingest-recorder.js';
import { runIngest } from '../../../../src/pipeline/ingest/ingest-run.js';
import { validateEvent } from '../../../../src/workload/event.js';
import { constantSchedule } from '../../../../src/workload/schedule.js';
import type { EventPort } from '../../../../src/workload/sender.js';
import { EPOCH_MS, World } from './world.js';

const generatorConfig = { generatorId: 'u', seed: 1, users: 10, malformedFraction: 0.1 };

/** Acks every send `ackAfterMs` later; rejects the seqs `fail` picks; never answers those `hang` picks. */
function fakePort(world: World, ackAfterMs: number, fail: (seq: number) => boolean, hang: (seq: number) => boolean = () => false) {
  const values: string[] = [];
  const port: EventPort = {
    send(_key, value) {
      values.push(value);
      const seq = (JSON.parse(value) as { seq: number }).seq;
      return new Promise<void>((resolve, reject) => {
        if (hang(seq)) return;
        world.at(world.now + ackAfterMs, () => (fail(seq) ? reject(new Error('broker said no')) : resolve()));
      });
    },
  };
  return { port, values };
}

function metricValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('runIngest (virtual time, fake port)', () => {
  it('records L1, lag, ledger, per-second series and metrics for every event', async () => {
    const world = new World();
    // 2 ms: below 2.048 ms HDR values are exact, so min and max can be asserted exactly.
    const { port, values } = fakePort(world, 2, (seq) => seq % 50 === 0);
    const registry = createMetricsRegistry({ runId: 'r', scenario: 's', instanceRole: 'runner' });
    const summary = await world.run(
      runIngest({
        port,
        schedule: constantSchedule(100, 3_000),
        generatorConfig,
        clock: world.clock,
        sleepUntil: world.sleepUntil,
        loadWorkers: 0, // virtual time: records built inline, on the sender's thread
        maxInFlightEvents: 1_000,
        metrics: registry.metrics,
      }),
    );
    const malformedSent = values.filter((v) => !validateEvent(JSON.parse(v)).ok).length;
    expect(malformedSent).toBeGreaterThan(0);
    expect(summary).toMatchObject({
      state: 'completed',
      generatorId: 'u',
      startEpochMs: EPOCH_MS,
      endEpochMs: EPOCH_MS + 2_992,
      counts: { scheduled: 300, sent: 300, acked: 294, failed: 6, malformed: malformedSent, unresolved: 0, onTime: 300, sentLate: 0, onTimeAcked: 294 },
      maxScheduleLagMs: 0,
      failures: { byMessage: { 'broker said no': 6 } },
      rateAccuracy: { worstErrorRatio: 0, buckets: 3 },
    });
    expect(summary.histograms.ackLatency.summary()).toMatchObject({ count: 294, minMs: 2, maxMs: 2 });
    expect(summary.histograms.scheduleLag.summary()).toMatchObject({ count: 300, maxMs: 0 });
    expect([...summary.ledger.failed.ids()]).toEqual(['u:0', 'u:50', 'u:100', 'u:150', 'u:200', 'u:250']);
    expect(summary.ledger.counts()).toMatchObject({ sent: 300, acked: 294, failed: 6, unresolved: 0, malformed: malformedSent });
    expect(summary.rate).toEqual([
      { second: 0, targetEvents: 100, sentEvents: 100, ackedEvents: 98, onTimeEvents: 100, lateEvents: 0 },
      { second: 1, targetEvents: 100, sentEvents: 100, ackedEvents: 98, onTimeEvents: 100, lateEvents: 0 },
      { second: 2, targetEvents: 100, sentEvents: 100, ackedEvents: 98, onTimeEvents: 100, lateEvents: 0 },
    ]);

    const text = await registry.render();
    expect(metricValue(text, 'streamproof_producer_events_scheduled_total')).toBe(300);
    expect(metricValue(text, 'streamproof_producer_events_sent_total')).toBe(300);
    expect(metricValue(text, 'streamproof_producer_events_acked_total')).toBe(294);
    expect(metricValue(text, 'streamproof_producer_events_failed_total')).toBe(6);
    expect(metricValue(text, 'streamproof_producer_events_malformed_total')).toBe(malformedSent);
    expect(metricValue(text, 'streamproof_producer_ack_latency_seconds_count')).toBe(294);
    expect(metricValue(text, 'streamproof_producer_schedule_lag_seconds_count')).toBe(300);
  });

  it('sends never answered are unresolved in counts and ledger, neither acked nor failed', async () => {
    const world = new World();
    const { port } = fakePort(world, 1, () => false, (seq) => seq === 3 || seq === 8);
    const summary = await world.run(
      runIngest({
        port,
        schedule: constantSchedule(1_000, 10),
        generatorConfig,
        clock: world.clock,
        sleepUntil: world.sleepUntil,
        loadWorkers: 0, // virtual time: records built inline, on the sender's thread
        maxInFlightEvents: 100,
        drainTimeoutMs: 50,
      }),
    );
    expect(summary.counts).toMatchObject({ sent: 10, acked: 8, failed: 0, unresolved: 2 });
    expect([...summary.ledger.unresolved().ids()]).toEqual(['u:3', 'u:8']);
    expect(summary.endEpochMs).toBe(EPOCH_MS + 9 + 50); // the drain waited its full timeout
  });

  it('an aborted signal stops the run: scheduled counts what fell due, the rest is never sent', async () => {
    const world = new World();
    const { port } = fakePort(world, 2, () => false);
    const controller = new AbortController();
    world.at(1_005, () => controller.abort());
    const summary = await world.run(
      runIngest({
        port,
        schedule: constantSchedule(100, 3_000),
        generatorConfig,
        clock: world.clock,
        sleepUntil: world.sleepUntil,
        loadWorkers: 0, // virtual time: records built inline, on the sender's thread
        maxInFlightEvents: 1_000,
        signal: controller.signal,
      }),
    );
    expect(summary).toMatchObject({ state: 'stopped', counts: { scheduled: 101, sent: 101, acked: 101, unresolved: 0 } });
    expect(summary.rate.map((p) => p.sentEvents)).toEqual([100, 1, 0]);
  });

  it('a port that serves half the target rate: every event is still sent (late), the on-time split and its per-second series say so', async () => {
    const world = new World();
    // One send in flight at most, each acked 20 ms later: 50 ev/s against a 100 ev/s schedule.
    const { port } = fakePort(world, 20, () => false);
    const recording = { ledger: new IngestLedger(), ackLatency: new LatencyHistogram(), scheduleLag: new LatencyHistogram(), timing: emptySendTiming() };
    const summary = await world.run(
      runIngest({ port, schedule: constantSchedule(100, 3_000), generatorConfig, clock: world.clock, sleepUntil: world.sleepUntil, loadWorkers: 0, maxInFlightEvents: 1, onTimeMs: 100, recording }),
    );
    // Event i goes out at 20·i ms, due at 10·i: lag 10·i ms, on time while ≤ 100 ms (i = 0 … 10).
    expect(summary.counts).toMatchObject({ scheduled: 300, sent: 300, acked: 300, onTime: 11, sentLate: 289, onTimeAcked: 11 });
    expect(recording.timing).toEqual({ onTime: 11, sentLate: 289, onTimeAcked: 11 });
    expect(summary.histograms.scheduleLag.summary().maxMs).toBeCloseTo(2_990, -1);
    expect(summary.rate.map((p) => [p.onTimeEvents, p.lateEvents])).toEqual([[11, 39], [0, 50], [0, 50], [0, 50], [0, 50], [0, 50], [0, 0]]); // the last ack lands in second 6
    expect(summary.rate.every((p) => p.sentEvents === p.onTimeEvents + p.lateEvents)).toBe(true);
  });

  it('run.onTimeMs is acted on: the same backlog with a larger bound counts more events on time', async () => {
    const runWith = async (onTimeMs: number) => {
      const world = new World();
      const { port } = fakePort(world, 20, () => false);
      return world.run(runIngest({ port, schedule: constantSchedule(100, 1_000), generatorConfig, clock: world.clock, sleepUntil: world.sleepUntil, loadWorkers: 0, maxInFlightEvents: 1, onTimeMs }));
    };
    expect((await runWith(0)).counts).toMatchObject({ onTime: 1, sentLate: 99 });
    expect((await runWith(500)).counts).toMatchObject({ onTime: 51, sentLate: 49 });
  });
});
