import { afterAll, describe, expect, it } from 'vitest';
import { withKafkaAdmin } from '../../../src/kafka/admin.js';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { deleteTopics, endpoints, freshPrefix } from '../support.js';

/**
 * A lane that owns few partitions gets a whole batch for them: 2000 records of 1 KiB to one
 * partition is 2 MiB, over the broker's message.max.bytes (1 MiB). The producer must split such a
 * batch into requests the broker takes, never fail the records.
 */
const stack = await endpoints();
const topic = `${freshPrefix('batch-size')}raw`;

afterAll(() => deleteTopics(stack, [topic]));

describe('BatchingProducer request size', () => {
  it('lands 4000 records of 1 KiB sent at once to one partition', async () => {
    const replicationFactor = Math.min(3, stack.kafka.brokers);
    await withKafkaAdmin(stack.kafka, (admin) => admin.createTopic({ name: topic, partitions: 1, replicationFactor, configs: { 'min.insync.replicas': String(Math.min(2, replicationFactor)) } }));
    const producer = new BatchingProducer(stack.kafka, { clientId: 'it-batch-size', tuning: { batchMaxRecords: 2000, lingerMs: 50 } });
    await producer.connect();
    const pad = 'x'.repeat(1024);
    const outcome = await producer.sendMany(topic, Array.from({ length: 4000 }, (_, i) => ({ key: `k${i % 10}`, value: `${i}${pad}` })));
    await producer.close();
    expect(outcome.failed.map((f) => String(f.error)).slice(0, 1)).toEqual([]);
    const [end] = await withKafkaAdmin(stack.kafka, (admin) => admin.endOffsets(topic, 1, false));
    expect(end).toBe(4000n);
  });
});
