import { Producer, stringSerializers } from '@platformatic/kafka';
import { randomBytes } from 'node:crypto';
import { withKafkaAdmin } from '../../../src/kafka/admin.js';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import type { KafkaEndpoints, StackEndpoints } from '../../../src/base/endpoints.js';
import type { Topology } from '../../../src/contract/topology.js';

/**
 * Shared by the Kafka → S3 delivery tests: window-result-like records in processed-events,
 * written plainly (idempotent producer) or inside a Kafka transaction that commits or aborts.
 */

/** Result JSON values, unique by key+revision (as the processor's are), some with non-ASCII text. */
export function windowResultValues(count: number, firstSeq = 0, tag = 'ok'): string[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = firstSeq + i;
    const userId = seq % 50 === 0 ? `ü-ñ-🚀-${seq % 211}` : `u-${seq % 211}`;
    const windowStartMs = 1_700_000_000_000 + Math.floor(seq / 211) * 10_000;
    return JSON.stringify({
      schemaVersion: 1,
      key: `${userId}|${windowStartMs}`,
      userId,
      windowStartMs,
      windowEndMs: windowStartMs + 10_000,
      count: seq % 13,
      revision: seq % 3,
      tag,
    });
  });
}

/** The Kafka key of a result: its `key` field, as the processor keys processed-events. */
export const resultKey = (value: string): string => (JSON.parse(value) as { key: string }).key;

/** Creates just these topics of the topology (the delivery tests need processed-events and the DLQ). */
export async function createTopics(stack: StackEndpoints, topology: Topology, names: string[]): Promise<void> {
  await withKafkaAdmin(stack.kafka, async (admin) => {
    for (const spec of topology.topics.filter((t) => names.includes(t.name))) await admin.createTopic(spec);
  });
}

export async function produceResults(producer: BatchingProducer, topic: string, values: readonly string[]): Promise<void> {
  await Promise.all(values.map((value) => producer.send(topic, resultKey(value), value)));
}

/** One Kafka transaction holding these messages (value null = tombstone), committed or aborted. */
export async function produceTransaction(
  kafka: KafkaEndpoints,
  topic: string,
  messages: readonly { key: string; value: string | null }[],
  outcome: 'commit' | 'abort',
): Promise<void> {
  const producer = new Producer<string, string, string, string>({
    clientId: 'it-delivery-tx',
    bootstrapBrokers: kafka.bootstrapServers,
    serializers: stringSerializers,
    idempotent: true,
    acks: -1,
    transactionalId: `it-delivery-tx-${randomBytes(4).toString('hex')}`,
    connectTimeout: 5_000,
  } as ConstructorParameters<typeof Producer<string, string, string, string>>[0]);
  try {
    await producer.initIdempotentProducer({});
    const transaction = await producer.beginTransaction();
    await transaction.send({
      messages: messages.map((m) => (m.value === null ? { topic, key: m.key } : { topic, key: m.key, value: m.value })),
    });
    if (outcome === 'commit') await transaction.commit();
    else await transaction.abort();
  } finally {
    await producer.close().catch(() => undefined);
  }
}
