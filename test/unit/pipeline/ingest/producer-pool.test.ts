import { describe, expect, it } from 'vitest';
import { StreamproofError } from '../../../../src/base/errors.js';
import { ShardedProducer, shardOf } from '../../../../src/pipeline/ingest/producer-pool.js';
import type { RecordProducer } from '../../../../src/pipeline/ingest/producer-ports.js';

class LoggingProducer implements RecordProducer {
  readonly keys: string[] = [];
  constructor(public pendingRecords: number) {}
  send(_topic: string, key: string): Promise<void> {
    this.keys.push(key);
    return Promise.resolve();
  }
}

describe('shardOf', () => {
  it('is FNV-1a 32 modulo the shard count (pinned values)', () => {
    // FNV-1a("") = 0x811c9dc5, FNV-1a("a") = 0xe40c292c.
    expect(shardOf('', 1_000)).toBe(0x811c9dc5 % 1_000);
    expect(shardOf('a', 1_000)).toBe(0xe40c292c % 1_000);
  });

  it('spreads user ids over shards', () => {
    const counts = [0, 0, 0];
    for (let i = 0; i < 3_000; i += 1) counts[shardOf(`u-${String(i).padStart(6, '0')}`, 3)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
  });
});

describe('ShardedProducer', () => {
  it('sends every record of one key to the same producer, and sums pending records', async () => {
    const shards = [new LoggingProducer(1), new LoggingProducer(2), new LoggingProducer(4)];
    const sharded = new ShardedProducer(shards);
    const keys = ['u-000001', 'u-000002', 'u-000003', 'u-000001', 'u-000004', 'u-000002'];
    for (const key of keys) await sharded.send('t', key, 'v');
    for (const [index, shard] of shards.entries()) {
      expect(shard.keys).toEqual(keys.filter((k) => shardOf(k, 3) === index));
    }
    expect(sharded.pendingRecords).toBe(7);
  });

  it('refuses an empty pool', () => {
    expect(() => new ShardedProducer([])).toThrow(StreamproofError);
  });
});
