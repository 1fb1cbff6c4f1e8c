import { randomUUID } from 'node:crypto';
import { Consumer, stringDeserializers } from '@platformatic/kafka';
import type { KafkaEndpoints } from '../base/endpoints.js';
import { kafkaConnectionOptions } from './client-options.js';
import { closeConsumer } from './close-consumer.js';
import { installReadCommittedFilter } from './read-committed-filter.js';
import { installDeadCoordinatorGuard } from './dead-coordinator-guard.js';
import { FailureClock, rideThroughDelayMs } from '../base/ride-through.js';
import { isTransientKafkaError, KAFKA_RIDE_THROUGH, needsNewClient, rideThroughExhausted, withKafkaRideThrough } from './ride-through.js';

// This module reads transactional topics with read_committed: see read-committed-filter.ts.
installReadCommittedFilter();
installDeadCoordinatorGuard();

/**
 * A live observer of a topic: a read_committed consumer (own throw-away group, never commits)
 * that reports each record with the wall-clock moment this process received it. That moment is
 * "visible to a read_committed reader", which latency stages L2 and L3 are defined on.
 * It rides through a broker failure: a failed stream is re-opened where it stood.
 */
export interface TailRecord {
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
  receivedAtEpochMs: number;
}

export interface TopicTail {
  /** Records received so far; throws the failure once the tail has given up. */
  readonly received: number;
  /** Why the tail gave up (its ride-through budget spent, a non-transient error), else null. */
  readonly failure: Error | null;
  /** Fetch position per partition (next offset to read). */
  positions(): Map<number, bigint>;
  stop(): Promise<void>;
}

type TailStream = Awaited<ReturnType<Consumer<string, string, string, string>['consume']>>;
type TailConsumer = Consumer<string, string, string, string>;

export async function tailTopic(
  kafka: KafkaEndpoints,
  topic: string,
  onRecord: (record: TailRecord) => void,
  options: { clientId?: string; fromBeginning?: boolean } = {},
): Promise<TopicTail> {
  const clientId = options.clientId ?? 'streamproof-observer';
  const groupId = `streamproof-observer-${randomUUID()}`;
  const newConsumer = (): TailConsumer => {
    const created = new Consumer<string, string, string, string>({
      ...(kafkaConnectionOptions(kafka, clientId) as object),
      clientId,
      bootstrapBrokers: kafka.bootstrapServers,
      groupId,
      deserializers: stringDeserializers,
      autocommit: false,
    } as ConstructorParameters<typeof Consumer<string, string, string, string>>[0]);
    // A failed background rejoin is emitted on the consumer itself: handled like a failed stream
    // (with no listener it would kill the process).
    created.on('error', (error: Error) => {
      if (stopped || !stream || created !== consumer) return;
      stream.emit('error', error);
    });
    return created;
  };
  let stopped = false;
  let stream: TailStream;
  let consumer = newConsumer();
  const base = {
    topics: [topic],
    autocommit: false,
    isolationLevel: 1 as const,
    maxWaitTime: 50,
    sessionTimeout: 10_000,
    heartbeatInterval: 1_000,
  };
  let received = 0;
  let failure: Error | null = null;
  /** Per partition: one past the last record handed to onRecord (where a re-opened stream resumes). */
  const next = new Map<number, bigint>();
  const outage = new FailureClock(KAFKA_RIDE_THROUGH.budgetMs);

  const attach = (s: TailStream): void => {
    s.on('data', (message) => {
      if (s !== stream) return;
      received += 1;
      outage.ok();
      next.set(message.partition, message.offset + 1n);
      onRecord({
        partition: message.partition,
        offset: message.offset,
        key: message.key ?? null,
        value: message.value ?? null,
        receivedAtEpochMs: Date.now(),
      });
    });
    s.on('error', (error: Error) => {
      if (s !== stream || stopped) return;
      void s.close().catch(() => undefined);
      if (!isTransientKafkaError(error)) failure = error;
      else void reopen(s, error);
    });
  };

  // A fetch that went to a broker that died fails the stream: re-open it where it stood, with fresh
  // metadata, for the ride-through budget (docs/kafka-client.md).
  const reopen = async (failed: TailStream, firstError: unknown): Promise<void> => {
    outage.fail();
    let lastError = firstError;
    for (let retry = 1; !stopped; retry += 1) {
      const delayMs = rideThroughDelayMs(retry, outage.failingForMs(), KAFKA_RIDE_THROUGH);
      if (delayMs === null) {
        failure = rideThroughExhausted(`observer ${clientId}`, `tail ${topic}`, kafka.bootstrapServers, lastError, outage.failingForMs());
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (stopped) return;
      const offsets = new Map<number, bigint>();
      for (const [key, offset] of failed.offsetsToFetch) {
        const [name, partition] = [key.slice(0, key.lastIndexOf(':')), Number(key.slice(key.lastIndexOf(':') + 1))];
        if (name === topic) offsets.set(partition, offset);
      }
      for (const [partition, offset] of next) offsets.set(partition, offset);
      consumer.clearMetadata();
      if (needsNewClient(lastError)) {
        // Its cached coordinator died or its connection is garbled: only new connections heal it.
        const old = consumer;
        consumer = newConsumer();
        void closeConsumer(old).catch(() => undefined);
      }
      try {
        const s = await consumer.consume({ ...base, mode: 'manual', offsets: [...offsets].map(([partition, offset]) => ({ topic, partition, offset })) });
        stream = s;
        attach(s);
        return;
      } catch (error) {
        if (!isTransientKafkaError(error)) {
          failure = error as Error;
          return;
        }
        lastError = error;
      }
    }
  };

  // The first join rides through too: a group sync that races on a busy machine or a broker that
  // just moved its coordinator is retried with fresh metadata for the budget, then named.
  stream = await withKafkaRideThrough(`tail ${topic}`, () => consumer.consume({ ...base, mode: options.fromBeginning === false ? 'latest' : 'earliest' }), {
    client: `observer ${clientId}`,
    bootstrap: kafka.bootstrapServers,
    clearMetadata: () => consumer.clearMetadata(),
  });
  attach(stream);
  return {
    get received() {
      if (failure) throw failure;
      return received;
    },
    get failure() {
      return failure;
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
      stopped = true;
      await stream.close().catch(() => undefined);
      await closeConsumer(consumer);
    },
  };
}
