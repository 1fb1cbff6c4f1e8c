import { randomUUID } from 'node:crypto';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import type { KafkaEndpoints } from '../base/endpoints.js';
import { kafkaConnectionOptions } from './client-options.js';
import { installReadCommittedFilter } from './read-committed-filter.js';

// This module reads transactional topics with read_committed: see read-committed-filter.ts.
installReadCommittedFilter();

/**
 * A live observer of a topic: a read_committed consumer (own throw-away group, never commits)
 * that reports each record with the wall-clock moment this process received it. That moment is
 * "visible to a read_committed reader", which latency stages L2 and L3 are defined on.
 */
export interface TailRecord {
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
  receivedAtEpochMs: number;
}

export interface TopicTail {
  /** Records received so far. */
  readonly received: number;
  /** Fetch position per partition (next offset to read). */
  positions(): Map<number, bigint>;
  stop(): Promise<void>;
}

export async function tailTopic(
  kafka: KafkaEndpoints,
  topic: string,
  onRecord: (record: TailRecord) => void,
  options: { clientId?: string; fromBeginning?: boolean } = {},
): Promise<TopicTail> {
  const clientId = options.clientId ?? 'streamproof-observer';
  const consumer = new Consumer<string, string, string, string>({
    ...(kafkaConnectionOptions(kafka, clientId) as object),
    clientId,
    bootstrapBrokers: kafka.bootstrapServers,
    groupId: `streamproof-observer-${randomUUID()}`,
    deserializers: stringDeserializers,
    autocommit: false,
  } as ConstructorParameters<typeof Consumer<string, string, string, string>>[0]);
  const stream = await consumer.consume({
    topics: [topic],
    mode: options.fromBeginning === false ? 'latest' : 'earliest',
    autocommit: false,
    isolationLevel: 1,
    maxWaitTime: 50,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  });
  let received = 0;
  stream.on('data', (message) => {
    received += 1;
    onRecord({
      partition: message.partition,
      offset: message.offset,
      key: message.key ?? null,
      value: message.value ?? null,
      receivedAtEpochMs: Date.now(),
    });
  });
  let failure: Error | null = null;
  stream.on('error', (error: Error) => {
    failure = error;
  });
  return {
    get received() {
      if (failure) throw failure;
      return received;
    },
    positions() {
      const out = new Map<number, bigint>();
      for (const [key, offset] of stream.offsetsToFetch) {
        const [name, partition] = [key.slice(0, key.lastIndexOf(':')), Number(key.slice(key.lastIndexOf(':') + 1))];
        if (name === topic) out.set(partition, offset);
      }
      return out;
    },
    async stop() {
      await stream.close().catch(() => undefined);
      await Promise.resolve(consumer.close(true)).catch(() => undefined);
    },
  };
}
