import { createServer } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { createCollectorCounters } from '../../../src/pipeline/collector/ports.js';
import { type RunningCollector, startCollector } from '../../../src/pipeline/collector/server.js';
import type { AnalyticsEvent } from '../../../src/workload/event.js';
import { createGenerator } from '../../../src/workload/generator.js';
import { startWorkerRequestSource } from '../../../src/workload/request-source.js';
import { type MalformedRef, type RecordRef, type UnackedReason, startHttpDriver } from '../../../src/workload/http-driver.js';
import type { Schedule } from '../../../src/workload/schedule.js';
import { InMemorySink } from '../pipeline/collector/fixtures.js';
import { START_EPOCH_MS, scriptedGenerator } from './http-driver-fixtures.js';

let collector: RunningCollector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
});

const constantSchedule = (rateEventsPerS: number, durationMs: number): Schedule => ({ phases: [{ kind: 'constant', rateEventsPerS, durationMs }] });

function recorders() {
  const accepted: RecordRef[] = [];
  const malformed: MalformedRef[] = [];
  const unacked: Array<[UnackedReason, number[]]> = [];
  const latencies: number[] = [];
  return {
    accepted,
    malformed,
    unacked,
    latencies,
    latency: { record: (ms: number) => latencies.push(ms) },
    onAccepted: (events: readonly RecordRef[]) => accepted.push(...events),
    onMalformedRejected: (refs: readonly MalformedRef[]) => malformed.push(...refs),
    onUnacknowledged: (events: readonly RecordRef[], reason: UnackedReason) => unacked.push([reason, events.map((e) => e.seq)]),
  };
}

type Building = 'on the sending thread' | 'by a load worker';

/** Where the driver's requests are built: on its thread (the generator) or by a load worker. */
function requestsBuilt(building: Building, config: { generatorId: string; seed: number; users: number; malformedFraction: number }, schedule: Schedule, batchSize: number) {
  return building === 'on the sending thread' ? { generator: createGenerator(config) } : { requests: startWorkerRequestSource({ schedule, generatorConfig: config, batchSize }) };
}

describe('startHttpDriver against a real collector', () => {
  it.each<Building>(['on the sending thread', 'by a load worker'])('sends exactly the scheduled events; each accepted one is reported once; malformed ones get 400 (requests built %s)', async (building) => {
    const sink = new InMemorySink();
    const stats = createCollectorCounters();
    collector = await startCollector({ sink, stats });
    const config = { generatorId: 'http-test', seed: 42, users: 50, malformedFraction: 0.1 };
    // The same seed again, offline: which seqs are malformed does not depend on intendedAt.
    const twin = createGenerator(config);
    const kinds = Array.from({ length: 400 }, () => twin.next(START_EPOCH_MS).kind);
    const malformedSeqs = kinds.flatMap((kind, seq) => (kind === 'malformed' ? [seq] : []));
    const validSeqs = kinds.flatMap((kind, seq) => (kind === 'event' ? [seq] : []));
    let expectedRequests = { valid: 0, malformed: 0 };
    for (let b = 0; b < 40; b += 1) {
      const batch = kinds.slice(b * 10, b * 10 + 10);
      expectedRequests = {
        valid: expectedRequests.valid + (batch.includes('event') ? 1 : 0),
        malformed: expectedRequests.malformed + (batch.includes('malformed') ? 1 : 0),
      };
    }
    expect(malformedSeqs.length).toBeGreaterThan(0);

    const r = recorders();
    const schedule = constantSchedule(200, 2000);
    const driver = startHttpDriver({ url: collector.url, schedule, ...requestsBuilt(building, config, schedule, 10), batchSize: 10, connections: 4, ...r });
    const summary = await driver.done;

    expect(summary.state).toBe('completed');
    expect(summary.requests).toEqual({
      sent: expectedRequests.valid + expectedRequests.malformed,
      status2xx: expectedRequests.valid,
      status4xx: expectedRequests.malformed,
      status5xx: 0,
      statusOther: 0,
      noResponse: 0,
      notSent: 0,
    });
    const { onTime, sentLate, onTimeAccepted, lateAwaitingSource, lateAwaitingConnection, ...events } = summary.events;
    expect(lateAwaitingSource + lateAwaitingConnection).toBeLessThanOrEqual(sentLate);
    expect(events).toEqual({
      sent: 400,
      accepted: validSeqs.length,
      unacknowledged: { rejected: 0, backpressured: 0, failed: 0, 'no-response': 0, 'not-sent': 0 },
      rejectedMalformed: malformedSeqs.length,
      malformedAccepted: 0,
      malformedOther: 0,
      ungenerated: 0,
    });
    // Real time: how many went out on time depends on the machine, but every sent event is one or the other.
    expect(onTime + sentLate).toBe(400);
    expect(onTimeAccepted).toBeLessThanOrEqual(Math.min(onTime, validSeqs.length));
    expect(r.accepted.map((e) => e.seq).sort((a, b) => a - b)).toEqual(validSeqs);
    expect(r.malformed.map((m) => m.seq).sort((a, b) => a - b)).toEqual(malformedSeqs);
    expect(sink.records.map((rec) => (JSON.parse(rec.value) as AnalyticsEvent).seq).sort((a, b) => a - b)).toEqual(validSeqs);
    expect(r.latencies).toHaveLength(expectedRequests.valid);
    expect(r.unacked).toEqual([]);
    expect(stats.snapshot().events.invalid).toBe(malformedSeqs.length);
    // intendedAt follows the schedule: batch b is due at b·50 ms (10 events at 200/s).
    const dueTimes = Array.from({ length: 40 }, (_, b) => Math.floor(summary.startEpochMs + b * 50));
    const produced = sink.records.map((rec) => JSON.parse(rec.value) as AnalyticsEvent);
    const acceptedDue = new Set(produced.map((e) => e.intendedAt));
    expect([...acceptedDue].filter((t) => !dueTimes.includes(t))).toEqual([]);
    expect(produced.filter((e) => e.seq < 10).map((e) => e.intendedAt)).toEqual(produced.filter((e) => e.seq < 10).map(() => dueTimes[0]));
  });

  it('reports backpressured requests as unacknowledged, never as accepted', async () => {
    const sink = new InMemorySink();
    sink.backpressured = true;
    collector = await startCollector({ sink });
    const r = recorders();
    const summary = await startHttpDriver({ url: collector.url, schedule: constantSchedule(100, 300), generator: scriptedGenerator(), batchSize: 4, ...r }).done;
    // 30 events: seqs 0..29, every 4th malformed → 8 requests of valid events, 7 malformed ones.
    expect(summary.requests).toMatchObject({ sent: 15, status5xx: 15 });
    expect(summary.events.unacknowledged.backpressured).toBe(23);
    expect(summary.events.malformedOther).toBe(7);
    expect(r.accepted).toEqual([]);
    expect(r.latencies).toEqual([]);
    expect(r.unacked.every(([reason]) => reason === 'backpressured')).toBe(true);
    expect(sink.sendCalls).toBe(0);
  });

  it.each<Building>(['on the sending thread', 'by a load worker'])('stop() ends the run early and accounts for every scheduled event (requests built %s)', async (building) => {
    const sink = new InMemorySink();
    collector = await startCollector({ sink });
    const r = recorders();
    const schedule = constantSchedule(20, 60_000);
    const driver = startHttpDriver({
      url: collector.url,
      schedule,
      ...(building === 'on the sending thread' ? { generator: scriptedGenerator() } : requestsBuilt(building, { generatorId: 'g1', seed: 3, users: 20, malformedFraction: 0.25 }, schedule, 2)),
      batchSize: 2,
      ...r,
      onAccepted: (events) => {
        r.onAccepted(events);
        driver.stop();
      },
    });
    const summary = await driver.done;
    expect(summary.state).toBe('stopped');
    // Every one of the 1200 scheduled events lands in exactly one bucket.
    const { events } = summary;
    const unacked = Object.values(events.unacknowledged).reduce((a, b) => a + b, 0);
    const malformed = events.rejectedMalformed + events.malformedAccepted + events.malformedOther;
    expect(events.accepted + unacked + malformed + events.ungenerated).toBe(1200);
    expect(events.accepted).toBe(r.accepted.length);
    expect(sink.records).toHaveLength(r.accepted.length);
    expect(events.ungenerated).toBeGreaterThan(1000);
  });

  it('counts a request the collector never answers as no-response', async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const r = recorders();
      const summary = await startHttpDriver({ url: `http://127.0.0.1:${port}`, schedule: constantSchedule(10, 100), generator: scriptedGenerator(), batchSize: 1, requestTimeoutMs: 1000, ...r }).done;
      expect(summary.requests).toMatchObject({ sent: 1, noResponse: 1 });
      expect(r.unacked).toEqual([['no-response', [0]]]);
      expect(summary.state).toBe('completed');
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
