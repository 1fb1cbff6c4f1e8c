import { describe, expect, it } from 'vitest';
import { StreamproofError } from '../../../../src/base/errors.js';
import type { RecordProducer } from '../../../../src/pipeline/ingest/producer-ports.js';
import { saturate } from '../../../../src/pipeline/ingest/saturate.js';
import { World } from './world.js';

/** Acks (or rejects, for the values `fail` picks) every record `ackAfterMs` after it was sent. */
function timedProducer(world: World, ackAfterMs: number, fail: (value: string) => boolean = () => false) {
  let pending = 0;
  const sends: Array<{ atMs: number; key: string; value: string }> = [];
  const producer: RecordProducer = {
    get pendingRecords() {
      return pending;
    },
    send(_topic, key, value) {
      sends.push({ atMs: world.now, key, value });
      pending += 1;
      return new Promise<void>((resolve, reject) => {
        world.at(world.now + ackAfterMs, () => {
          pending -= 1;
          if (fail(value)) reject(new AggregateError([new Error('out of order sequence')], 'Producing messages failed.'));
          else resolve();
        });
      });
    },
  };
  return { producer, sends };
}

const record = (i: number) => ({ key: `k${i % 3}`, value: `v${i}` });

describe('saturate (closed loop)', () => {
  it('keeps the window full until the duration is up, then waits for the last acks', async () => {
    const world = new World();
    const { producer, sends } = timedProducer(world, 2); // below 2.048 ms HDR values are exact
    const result = await world.run(saturate({ producer, topic: 't', record, durationMs: 6, windowRecords: 4, clock: world.clock }));
    expect(sends.map((s) => s.atMs)).toEqual([0, 0, 0, 0, 2, 2, 2, 2, 4, 4, 4, 4]);
    expect(sends.map((s) => s.value)).toEqual(Array.from({ length: 12 }, (_, i) => `v${i}`));
    // Values v0..v9 are 2 B each, v10 and v11 3 B: 26 B acked over 6 ms.
    expect(result).toMatchObject({ sent: 12, acked: 12, failed: 0, elapsedMs: 6, ackedPerS: 2000, ackedValueBytesPerS: (26 * 1000) / 6, firstError: undefined });
    expect(result.latency.summary()).toMatchObject({ count: 12, minMs: 2, maxMs: 2 });
  });

  it('counts failures apart and names the root cause of the first one', async () => {
    const world = new World();
    const { producer } = timedProducer(world, 5, (value) => value === 'v1' || value === 'v2');
    const result = await world.run(saturate({ producer, topic: 't', record, durationMs: 5, windowRecords: 4, clock: world.clock }));
    expect(result).toMatchObject({ sent: 4, acked: 2, failed: 2, firstError: 'Producing messages failed. ← out of order sequence' });
    expect(result.latency.count).toBe(2);
  });

  it('refuses an empty window', async () => {
    const world = new World();
    const { producer } = timedProducer(world, 1);
    await expect(saturate({ producer, topic: 't', record, durationMs: 5, windowRecords: 0, clock: world.clock })).rejects.toThrow(StreamproofError);
  });
});

describe('saturate against a producer that never answers', () => {
  it('gives up after duration + drain timeout and reports the sends as unresolved', async () => {
    const silent: RecordProducer = { pendingRecords: 0, send: () => new Promise<void>(() => {}) };
    const frozenClock = { monoMs: () => 0 };
    const result = await saturate({ producer: silent, topic: 't', record, durationMs: 1, windowRecords: 3, clock: frozenClock, drainTimeoutMs: 20 });
    expect(result).toMatchObject({ sent: 3, acked: 0, failed: 0, unresolved: 3 });
  });
});
