import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { BatchingProducer, type ProducerTuning } from '../../kafka/producer.js';
import type { KafkaEndpoints } from '../../base/endpoints.js';
import type { GroupOutcome } from '../../workload/sender.js';
import { sendGroup, type RecordProducer } from './producer-ports.js';

/**
 * Several idempotent producers behind one RecordProducer, each record routed by a hash of its key.
 *
 * BatchingProducer already keeps `maxInFlightBatches` requests in flight per broker with every
 * partition owned by one of its clients (docs/kafka-client.md), which keeps per-partition order;
 * this pool adds whole producers (more batching and encoding work in parallel) at the price of
 * that order: several producers write to one partition.
 *
 * Invariant: one key always goes to the same producer, so per-key order (what keyBy(userId)
 * needs) is kept. Records of different keys sharing a partition may interleave across producers.
 */
export function shardOf(key: string, shards: number): number {
  // FNV-1a, 32 bit: stable across runs and processes.
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
}

export class ShardedProducer implements RecordProducer {
  constructor(private readonly shards: readonly RecordProducer[]) {
    if (shards.length < 1) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, 'a sharded producer needs at least one producer', { hint: 'pass producers ≥ 1' });
    }
  }

  send(topic: string, key: string, value: string): Promise<void> {
    const shard = this.shards.length === 1 ? 0 : shardOf(key, this.shards.length);
    return (this.shards[shard] as RecordProducer).send(topic, key, value);
  }

  async sendMany(topic: string, records: ReadonlyArray<{ key: string; value: string }>): Promise<GroupOutcome> {
    if (this.shards.length === 1) return sendGroup(this.shards[0] as RecordProducer, topic, records);
    const parts = this.shards.map(() => ({ records: [] as Array<{ key: string; value: string }>, indexes: [] as number[] }));
    records.forEach((record, index) => {
      const part = parts[shardOf(record.key, this.shards.length)] as (typeof parts)[number];
      part.records.push(record);
      part.indexes.push(index);
    });
    const outcomes = await Promise.all(parts.map((part, shard) => (part.records.length === 0 ? { failed: [] } : sendGroup(this.shards[shard] as RecordProducer, topic, part.records))));
    const failed: GroupOutcome['failed'] = [];
    outcomes.forEach((outcome, shard) => {
      for (const f of outcome.failed) failed.push({ index: (parts[shard] as (typeof parts)[number]).indexes[f.index] as number, error: f.error });
    });
    return { failed };
  }

  get pendingRecords(): number {
    let total = 0;
    for (const shard of this.shards) total += shard.pendingRecords;
    return total;
  }
}

export interface ProducerPool {
  producer: RecordProducer;
  /** Initialises every producer id (fails fast on an unreachable cluster). */
  connect(): Promise<void>;
  /** Flushes and closes every producer. */
  close(): Promise<void>;
}

export function createProducerPool(kafka: KafkaEndpoints, options: { producers: number; clientId: string; tuning: ProducerTuning }): ProducerPool {
  if (!Number.isInteger(options.producers) || options.producers < 1 || options.producers > 16) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `producers must be an integer in [1, 16], got ${options.producers}`, {
      hint: 'each producer is one more connection set and producer id; 1-4 is plenty on one machine',
    });
  }
  const producers = Array.from(
    { length: options.producers },
    (_, i) => new BatchingProducer(kafka, { clientId: options.producers === 1 ? options.clientId : `${options.clientId}-${i}`, tuning: options.tuning }),
  );
  return {
    producer: new ShardedProducer(producers),
    connect: async () => {
      await Promise.all(producers.map((p) => p.connect()));
    },
    close: async () => {
      await Promise.allSettled(producers.map((p) => p.close()));
    },
  };
}
