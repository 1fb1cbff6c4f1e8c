import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src/base/clock.js';
import { StreamproofError } from '../../../src/base/errors.js';
import { runIngest } from '../../../src/pipeline/ingest/ingest-run.js';
import { startLoadSource } from '../../../src/pipeline/ingest/load-source.js';
import { createGenerator } from '../../../src/workload/generator.js';
import { DecodedBatch, encodeBatch } from '../../../src/workload/record-batch.js';
import type { RecordSource, SourcedRecord } from '../../../src/workload/record-source.js';
import { constantSchedule, intendedOffsetsMs, totalEvents } from '../../../src/workload/schedule.js';
import type { EventPort } from '../../../src/workload/sender.js';
import { startWorkerSource } from '../../../src/workload/worker-source.js';

/**
 * The hand-over between load worker threads and the sender (real worker threads, no services):
 * batches arrive complete and in order, the worker never runs more than its credit ahead,
 * nothing is lost when it ends, and a worker that fails is reported as an error.
 */
const START = 1_700_000_000_000;
const config = { generatorId: 'lw', seed: 7, users: 50, payloadBytes: 300, malformedFraction: 0.05 };

/** Every record a source yields, with the offset it announced (waits for the worker as needed). */
async function drain(source: RecordSource, startEpochMs = START): Promise<Array<{ offsetMs: number; record: SourcedRecord }>> {
  source.start(startEpochMs);
  const out: Array<{ offsetMs: number; record: SourcedRecord }> = [];
  const never = new AbortController().signal;
  for (;;) {
    let offset = source.peekOffsetMs();
    while (offset === undefined) {
      await source.whenReady(never);
      offset = source.peekOffsetMs();
    }
    if (offset === null) return out;
    out.push({ offsetMs: offset, record: source.take(startEpochMs + offset) });
  }
}

const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('record batches', () => {
  it('round-trip keys, values (non-ASCII too), seqs, offsets and the malformed flag, in order', () => {
    const records = [
      { offsetMs: 0, seq: 0, key: 'u-1', json: '{"a":1}', malformed: false },
      { offsetMs: 0.5, seq: 1, key: 'u-ü', json: '{"page":"/café/€"}', malformed: true },
      { offsetMs: 1.25, seq: 2, key: '', json: '', malformed: false },
      { offsetMs: 3, seq: 4_000_000_000, key: 'k', json: '{"emoji":"😀"}', malformed: false },
    ];
    const batch = new DecodedBatch(encodeBatch(records));
    expect(batch.count).toBe(4);
    const back = [];
    while (batch.remaining > 0) {
      expect(batch.peekOffsetMs()).toBe(records[back.length]!.offsetMs);
      back.push(batch.take());
    }
    expect(back).toEqual(records);
    expect(() => batch.take()).toThrow(StreamproofError);
  });

  it('a buffer that is not a whole batch is refused with an error, not misread', () => {
    const buffer = encodeBatch([{ offsetMs: 0, seq: 0, key: 'k', json: '{}', malformed: false }]);
    expect(() => new DecodedBatch(buffer.slice(0, buffer.byteLength - 1))).toThrow(/malformed/);
    expect(() => new DecodedBatch(new ArrayBuffer(3))).toThrow(/shorter than the header/);
  });
});

describe('a load worker', () => {
  it('hands over every record of the schedule, in order, byte-identical to the inline generator', async () => {
    const schedule = constantSchedule(2_000, 1_500);
    const source = startWorkerSource({ generatorConfig: config, generatorId: 'lw', schedule, batchMaxRecords: 64, maxBatchesAhead: 4 });
    try {
      const got = await drain(source);
      const inline = createGenerator(config);
      const offsets = [...intendedOffsetsMs(schedule)];
      expect(got).toHaveLength(totalEvents(schedule));
      got.forEach(({ offsetMs, record }, i) => {
        expect(offsetMs).toBe(offsets[i]);
        const expected = inline.next(START + offsets[i]!);
        expect(record.seq).toBe(i);
        expect(record.generatorId).toBe('lw');
        expect(record.key).toBe(expected.key);
        expect(record.json).toBe(expected.json);
        expect(record.malformed).toBe(expected.kind === 'malformed');
      });
      expect(got.some((g) => g.record.malformed)).toBe(true);
      expect(source.builtByWorker).toBe(totalEvents(schedule));
    } finally {
      await source.close();
    }
  });

  it('never runs more than maxBatchesAhead batches ahead of the sender, and goes on as they are consumed', async () => {
    const schedule = constantSchedule(10_000, 10_000); // 100,000 events: far more than the credit
    const source = startWorkerSource({ generatorConfig: config, generatorId: 'lw', schedule, batchMaxRecords: 50, batchSpanMs: 1_000_000, maxBatchesAhead: 3 });
    try {
      await source.loaded;
      source.start(START);
      const never = new AbortController().signal;
      await source.whenReady(never);
      await settle(300); // plenty of time to build far more, were it not bounded
      expect(source.bufferedRecords).toBeLessThanOrEqual(3 * 50);
      expect(source.bufferedRecords).toBeGreaterThan(0);
      // Consume 400 records (8 batches): the worker keeps up, still within its bound.
      for (let taken = 0; taken < 400; ) {
        let offset = source.peekOffsetMs();
        while (offset === undefined) {
          await source.whenReady(never);
          offset = source.peekOffsetMs();
        }
        expect(source.take(0).seq).toBe(taken);
        taken += 1;
        expect(source.bufferedRecords).toBeLessThanOrEqual(3 * 50);
      }
      expect(source.builtByWorker).toBeUndefined(); // not done: still waiting for credit
    } finally {
      await source.close();
    }
  });

  it('loses nothing when its thread ends right after the last batch: records are read after the exit', async () => {
    const schedule = constantSchedule(1_000, 1_000);
    const source = startWorkerSource({ generatorConfig: config, generatorId: 'lw', schedule, batchMaxRecords: 100, batchSpanMs: 1_000_000, maxBatchesAhead: 20 });
    try {
      await source.loaded;
      source.start(START);
      // The whole schedule fits in the credit: the worker builds it all, says done and exits.
      for (let i = 0; i < 500 && source.builtByWorker === undefined; i += 1) await settle(20);
      expect(source.builtByWorker).toBe(1_000);
      await settle(100);
      const got = await drain(source);
      expect(got.map((g) => g.record.seq)).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
    } finally {
      await source.close();
    }
  });

  it('a worker that throws is reported as an error naming the cause, not as the end of the schedule', async () => {
    // users: 0 passes the structured clone but the worker's generator refuses it.
    const source = startWorkerSource({ generatorConfig: { ...config, users: 0 }, generatorId: 'broken', schedule: constantSchedule(100, 1_000) });
    try {
      await expect(source.loaded).rejects.toThrow(/load worker of broken failed: .*users/);
      source.start(START);
      expect(source.peekOffsetMs()).toBeUndefined();
      await expect(source.whenReady(new AbortController().signal)).rejects.toBeInstanceOf(StreamproofError);
    } finally {
      await source.close();
    }
  });

  it('runIngest with a failing worker rejects with the worker error (the run does not pass as complete)', async () => {
    const port: EventPort = { send: () => Promise.resolve() };
    await expect(
      runIngest({ port, schedule: constantSchedule(100, 1_000), generatorConfig: config, clock: systemClock(), maxInFlightEvents: 100, loadWorkers: 1, source: startWorkerSource({ generatorConfig: { ...config, users: 0 }, generatorId: 'broken', schedule: constantSchedule(100, 1_000) }) as never }),
    ).rejects.toThrow(/load worker of broken failed/);
  });
});

describe('several load workers', () => {
  it('split one schedule: each its own generator id and gap-free seqs, merged in intended order, every event once', async () => {
    const schedule = constantSchedule(3_000, 1_000);
    const source = startLoadSource({ schedule, generatorConfig: config, loadWorkers: 3 });
    try {
      expect(source.generatorIds).toEqual(['lw-w0', 'lw-w1', 'lw-w2']);
      const got = await drain(source);
      expect(got).toHaveLength(totalEvents(schedule));
      const offsets = [...intendedOffsetsMs(schedule)];
      expect(got.map((g) => g.offsetMs)).toEqual(offsets);
      for (const id of source.generatorIds) {
        const seqs = got.filter((g) => g.record.generatorId === id).map((g) => g.record.seq);
        expect(seqs).toEqual(Array.from({ length: 1_000 }, (_, i) => i));
      }
    } finally {
      await source.close();
    }
  });

  it('runIngest acks every event of every worker through a port (ledger complete per generator)', async () => {
    const values: string[] = [];
    const port: EventPort = {
      send: (_key, value) => {
        values.push(value);
        return Promise.resolve();
      },
      sendMany: (records) => {
        for (const r of records) values.push(r.value);
        return Promise.resolve({ failed: [] });
      },
    };
    const summary = await runIngest({ port, schedule: constantSchedule(2_000, 1_000), generatorConfig: config, clock: systemClock(), maxInFlightEvents: 10_000, loadWorkers: 2 });
    expect(summary.state).toBe('completed');
    expect(summary.counts).toMatchObject({ scheduled: 2_000, sent: 2_000, acked: 2_000, failed: 0, unresolved: 0 });
    expect(summary.ledger.perGenerator().map((g) => [g.generatorId, g.acked])).toEqual([
      ['lw-w0', 1_000],
      ['lw-w1', 1_000],
    ]);
    expect(new Set(values.map((v) => `${(JSON.parse(v) as { generatorId: string }).generatorId}:${(JSON.parse(v) as { seq: number }).seq}`)).size).toBe(2_000);
  });
});
