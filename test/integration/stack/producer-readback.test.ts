import { afterAll, describe, expect, it } from 'vitest';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { readTopicToEnd } from '../../../src/kafka/topic-reader.js';
import { provisionTopology } from '../../../src/stack/provision.js';
import { deleteTopics, endpoints, freshTopology } from '../support.js';

const stack = await endpoints();
const topology = freshTopology('readback', stack.kafka.brokers);

afterAll(() => deleteTopics(stack, topology.topics.map((t) => t.name)));

describe('idempotent acks=all producer', () => {
  it('writes records that read back exactly once with read_committed', async () => {
    await provisionTopology(stack, topology, { delivery: false });
    const producer = new BatchingProducer(stack.kafka, { clientId: 'it-readback', tuning: { lingerMs: 2, batchMaxRecords: 500 } });
    await producer.connect();
    const count = 5_000;
    const sends: Array<Promise<void>> = [];
    for (let i = 0; i < count; i += 1) sends.push(producer.send(topology.names.raw, `user-${i % 97}`, JSON.stringify({ id: i })));
    await Promise.all(sends);
    await producer.close();

    const seen = new Map<number, number>();
    const keysByPartition = new Map<string, Set<number>>();
    const { records } = await readTopicToEnd(stack.kafka, topology.names.raw, {
      readCommitted: true,
      onRecord: (record) => {
        const id = (JSON.parse(record.value ?? '{}') as { id: number }).id;
        seen.set(id, (seen.get(id) ?? 0) + 1);
        const partitions = keysByPartition.get(record.key ?? '') ?? new Set<number>();
        partitions.add(record.partition);
        keysByPartition.set(record.key ?? '', partitions);
      },
    });
    expect(records).toBe(count);
    expect(seen.size).toBe(count);
    expect([...seen.values()].every((n) => n === 1)).toBe(true);
    // keyBy userId relies on one key always landing on one partition.
    expect([...keysByPartition.values()].every((set) => set.size === 1)).toBe(true);
  });
});
