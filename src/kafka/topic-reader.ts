import { randomUUID } from 'node:crypto';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { KafkaEndpoints } from '../base/endpoints.js';
import { KafkaAdmin } from './admin.js';
import { kafkaConnectionOptions } from './client-options.js';
import { installReadCommittedFilter } from './read-committed-filter.js';
import { installDeadCoordinatorGuard } from './dead-coordinator-guard.js';
import { withKafkaRideThrough } from './ride-through.js';

// This module reads transactional topics with read_committed: see read-committed-filter.ts.
installReadCommittedFilter();
installDeadCoordinatorGuard();

/**
 * Reads a whole topic, from the beginning to the end offsets taken when the read starts, with
 * read_committed (only committed transactional records) or read_uncommitted. Used by the
 * verifier and the tests to see what a topic really holds.
 *
 * "End" is judged by the consumer's fetch position, not by the last record seen: with
 * read_committed, transaction markers and aborted records occupy offsets that are never
 * delivered, so the last visible record can sit well before the end offset.
 */
export interface TopicRecord {
  topic: string;
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
  timestampMs: number;
}

export interface ReadTopicOptions {
  readCommitted: boolean;
  timeoutMs?: number;
  onRecord: (record: TopicRecord) => void;
}

export async function readTopicToEnd(kafka: KafkaEndpoints, topic: string, options: ReadTopicOptions): Promise<{ records: number; endOffsets: bigint[] }> {
  const admin = new KafkaAdmin(kafka, 'streamproof-reader-admin');
  let endOffsets: bigint[];
  try {
    // A broker that just came back may not lead yet: look the end offsets up through its return.
    endOffsets = await withKafkaRideThrough(`look up the end offsets of ${topic}`, async () => {
      const described = await admin.describeTopic(topic, []);
      if (!described) throw new StreamproofError(ERROR_CODES.TOPIC_MISMATCH, `topic ${topic} does not exist`, { hint: 'provision the topology first' });
      return admin.endOffsets(topic, described.partitions, options.readCommitted);
    }, { client: 'verifier reader', bootstrap: kafka.bootstrapServers });
  } finally {
    await admin.close().catch(() => undefined);
  }
  if (endOffsets.every((o) => o === 0n)) return { records: 0, endOffsets };

  const consumer = new Consumer<string, string, string, string>({
    ...(kafkaConnectionOptions(kafka, 'streamproof-reader') as object),
    clientId: 'streamproof-reader',
    bootstrapBrokers: kafka.bootstrapServers,
    groupId: `streamproof-reader-${randomUUID()}`,
    deserializers: stringDeserializers,
    autocommit: false,
  } as ConstructorParameters<typeof Consumer<string, string, string, string>>[0]);

  let count = 0;
  try {
    const stream = await consumer.consume({
      topics: [topic],
      mode: 'earliest',
      autocommit: false,
      isolationLevel: options.readCommitted ? 1 : 0,
      maxWaitTime: 200,
      sessionTimeout: 10_000,
      heartbeatInterval: 500,
    });
    const reachedEnd = (): boolean =>
      endOffsets.every((end, partition) => end === 0n || (stream.offsetsToFetch.get(`${topic}:${partition}`) ?? 0n) >= end);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new StreamproofError(ERROR_CODES.TIMEOUT, `reading ${topic} did not reach its end offsets within ${(options.timeoutMs ?? 60_000) / 1000} s (${count} records read)`, {
          hint: 'is the cluster healthy? `npm run stack -- status`',
        }));
      }, options.timeoutMs ?? 60_000);
      const finish = () => {
        if (!reachedEnd()) return;
        clearTimeout(timer);
        resolve();
      };
      stream.on('data', (message) => {
        const end = endOffsets[message.partition] ?? 0n;
        if (message.offset < end) {
          count += 1;
          options.onRecord({
            topic,
            partition: message.partition,
            offset: message.offset,
            key: message.key ?? null,
            value: message.value ?? null,
            timestampMs: Number(message.timestamp),
          });
        }
        finish();
      });
      stream.on('fetch', finish);
      stream.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    await stream.close();
  } finally {
    await Promise.resolve(consumer.close(true)).catch(() => undefined);
  }
  return { records: count, endOffsets };
}
