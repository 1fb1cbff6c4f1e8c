import { describe, expect, it } from 'vitest';
import { StreamproofError } from '../../../src/base/errors.js';
import { createGenerator } from '../../../src/workload/generator.js';
import type { PlannedRequest } from '../../../src/workload/http-driver-plan.js';
import { DecodedRequests, encodeRequests } from '../../../src/workload/request-batch.js';
import { createInlineRequestSource, startWorkerRequestSource, type RequestSource } from '../../../src/workload/request-source.js';
import { constantSchedule, totalEvents } from '../../../src/workload/schedule.js';

/**
 * The HTTP driver's request sources (real worker threads, no services): a load worker plans the
 * same requests as the inline planner, byte for byte, hands every one over once, stays within its
 * credit, and a failed worker is an error, never the end of the schedule.
 */
const START = 1_700_000_000_000;
const config = { generatorId: 'rq', seed: 11, users: 40, payloadBytes: 200, malformedFraction: 0.05 };
const never = new AbortController().signal;

/** Every request a source yields (waits for the worker as needed). */
async function drain(source: RequestSource, startEpochMs = START): Promise<PlannedRequest[]> {
  source.start(startEpochMs);
  const out: PlannedRequest[] = [];
  for (;;) {
    let next = source.peek();
    while (next === undefined) {
      await source.whenReady(never);
      next = source.peek();
    }
    if (next === null) return out;
    source.take();
    out.push(next);
  }
}

/** What the wire carries of a request: its identity, not how the body is held. */
const comparable = (r: PlannedRequest) => ({
  kind: r.kind,
  intendedOffsetMs: r.intendedOffsetMs,
  intendedAtEpochMs: r.intendedAtEpochMs,
  events: r.events.map((e) => ({ generatorId: e.generatorId, seq: e.seq })),
  malformed: r.malformed.map((m) => ({ generatorId: m.generatorId, seq: m.seq })),
  body: Buffer.isBuffer(r.body) ? r.body.toString('utf8') : r.body,
});

describe('request batches', () => {
  it('round-trip kinds, offsets, seqs and bodies (non-ASCII too), in order; bodies are views, not copies', () => {
    const wire = [
      { kind: 'events' as const, intendedOffsetMs: 0, seqs: [0, 1, 2], body: '{"a":1}\n{"b":"café"}\n{"c":"€"}\n' },
      { kind: 'malformed' as const, intendedOffsetMs: 0, seqs: [3], body: '{"seq":3}\n' },
      { kind: 'events' as const, intendedOffsetMs: 12.5, seqs: [4_000_000_000], body: '{"emoji":"😀"}\n' },
    ];
    const buffer = encodeRequests(wire);
    const batch = new DecodedRequests(buffer, 'g');
    expect(batch.count).toBe(3);
    expect(batch.remainingRecords()).toBe(5);
    const back: PlannedRequest[] = [];
    while (batch.remaining > 0) {
      expect(batch.peekOffsetMs()).toBe(wire[back.length]!.intendedOffsetMs);
      back.push(batch.take(START));
    }
    expect(back.map(comparable)).toEqual([
      { kind: 'events', intendedOffsetMs: 0, intendedAtEpochMs: START, events: [0, 1, 2].map((seq) => ({ generatorId: 'g', seq })), malformed: [], body: wire[0]!.body },
      { kind: 'malformed', intendedOffsetMs: 0, intendedAtEpochMs: START, events: [], malformed: [{ generatorId: 'g', seq: 3 }], body: wire[1]!.body },
      { kind: 'events', intendedOffsetMs: 12.5, intendedAtEpochMs: START + 12, events: [{ generatorId: 'g', seq: 4_000_000_000 }], malformed: [], body: wire[2]!.body },
    ]);
    expect((back[0]!.body as Buffer).buffer).toBe(buffer);
    expect(() => batch.take(START)).toThrow(StreamproofError);
  });

  it('a buffer that is not a whole batch is refused with an error, not misread', () => {
    const buffer = encodeRequests([{ kind: 'events', intendedOffsetMs: 0, seqs: [0], body: '{}\n' }]);
    expect(() => new DecodedRequests(buffer.slice(0, buffer.byteLength - 1), 'g')).toThrow(/malformed/);
    expect(() => new DecodedRequests(new ArrayBuffer(3), 'g')).toThrow(/shorter than the header/);
  });
});

describe('a request load worker', () => {
  it('plans exactly the requests the inline planner plans: same offsets, seqs and body bytes', async () => {
    const schedule = constantSchedule(3_000, 1_000);
    const worker = startWorkerRequestSource({ schedule, generatorConfig: config, batchSize: 7, batchMaxRecords: 60, maxBatchesAhead: 3 });
    try {
      const fromWorker = await drain(worker);
      const inline = await drain(createInlineRequestSource({ schedule, generator: createGenerator(config), batchSize: 7 }));
      expect(fromWorker.every((r) => Buffer.isBuffer(r.body))).toBe(true);
      expect(fromWorker.map(comparable)).toEqual(inline.map(comparable));
      expect(inline.some((r) => r.kind === 'malformed')).toBe(true);
      const records = fromWorker.reduce((n, r) => n + r.events.length + r.malformed.length, 0);
      expect(records).toBe(totalEvents(schedule));
      expect(await worker.close()).toEqual({ unsent: [], ungeneratedEvents: 0 });
    } finally {
      await worker.close();
    }
  });

  it('close() mid-schedule hands back what was built and not taken, and counts the rest as never built', async () => {
    const schedule = constantSchedule(2_000, 5_000);
    const worker = startWorkerRequestSource({ schedule, generatorConfig: config, batchSize: 10, batchMaxRecords: 50, maxBatchesAhead: 2 });
    worker.start(START);
    let taken = 0;
    for (let i = 0; i < 12; i += 1) {
      let next = worker.peek();
      while (next === undefined) {
        await worker.whenReady(never);
        next = worker.peek();
      }
      if (!next) break;
      taken += next.events.length + next.malformed.length;
      worker.take();
    }
    // Credit-bound: the worker stopped two batches ahead, so most of the schedule was never built.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const { unsent, ungeneratedEvents } = await worker.close();
    const unsentRecords = unsent.reduce((n, r) => n + r.events.length + r.malformed.length, 0);
    expect(unsentRecords).toBeGreaterThan(0);
    expect(unsentRecords).toBeLessThanOrEqual(2 * 50 + 10);
    expect(taken + unsentRecords + ungeneratedEvents).toBe(totalEvents(schedule));
    expect(ungeneratedEvents).toBeGreaterThan(9_000);
  });

  it('a worker that throws is an error naming the cause, not the end of the schedule', async () => {
    const worker = startWorkerRequestSource({ schedule: constantSchedule(100, 1_000), generatorConfig: { ...config, generatorId: 'broken', users: 0 }, batchSize: 5 });
    try {
      await expect(worker.loaded).rejects.toThrow(/load worker of broken failed: .*users/);
      worker.start(START);
      expect(worker.peek()).toBeUndefined();
      await expect(worker.whenReady(never)).rejects.toBeInstanceOf(StreamproofError);
    } finally {
      await worker.close();
    }
  });
});
