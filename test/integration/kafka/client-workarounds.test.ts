import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import { Consumer, Producer, stringDeserializers, stringSerializers } from '@platformatic/kafka';
import { afterAll, describe, expect, it } from 'vitest';
import { withKafkaAdmin } from '../../../src/kafka/admin.js';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { createTransactionalProducer } from '../../../src/kafka/transactional-producer.js';
import { TransactionalWriter } from '../../../src/kafka/transactional-writer.js';
import { deleteTopics, endpoints, freshPrefix } from '../support.js';

/**
 * One regression test per workaround of @platformatic/kafka bugs (docs/kafka-client.md), against
 * the real stack. Each workaround has two tests:
 *  - `it.fails(... raw client ...)`: the correct behaviour asserted on the client WITHOUT the
 *    workaround. It must fail while the pinned client has the bug; when an upgrade fixes the bug
 *    this test starts to "pass", vitest reports it as failed, and the workaround can go.
 *  - `it(... ours ...)`: the same assertion through the harness's own code, with the workaround.
 * The read_committed filter is process-wide once installed, so its raw test runs before anything
 * here imports a module that installs it (they are imported dynamically, later).
 */
const stack = await endpoints();
const prefix = freshPrefix('client-bugs');
const created: string[] = [];

async function topic(name: string, partitions: number): Promise<string> {
  const full = `${prefix}${name}`;
  const replicationFactor = Math.min(3, stack.kafka.brokers);
  await withKafkaAdmin(stack.kafka, (admin) => admin.createTopic({ name: full, partitions, replicationFactor, configs: { 'min.insync.replicas': String(Math.min(2, replicationFactor)) } }));
  created.push(full);
  return full;
}

afterAll(async () => {
  await deleteTopics(stack, created);
});

function rawProducer(options: Record<string, unknown>): Producer<string, string, string, string> {
  return new Producer<string, string, string, string>({
    clientId: 'it-client-bugs',
    bootstrapBrokers: stack.kafka.bootstrapServers,
    serializers: stringSerializers,
    connectTimeout: 5_000,
    ...options,
  } as ConstructorParameters<typeof Producer<string, string, string, string>>[0]);
}

/** Values of a 1-partition topic with read_committed, read until the record `last` arrives. */
async function readValuesUntil(topicName: string, last: string): Promise<string[]> {
  const consumer = new Consumer<string, string, string, string>({
    clientId: 'it-client-bugs-reader',
    bootstrapBrokers: stack.kafka.bootstrapServers,
    groupId: `it-client-bugs-${randomUUID()}`,
    deserializers: stringDeserializers,
    autocommit: false,
  } as ConstructorParameters<typeof Consumer<string, string, string, string>>[0]);
  const values: string[] = [];
  try {
    const stream = await consumer.consume({ topics: [topicName], mode: 'earliest', isolationLevel: 1, maxWaitTime: 100, autocommit: false });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`record ${last} not read within 30 s (read ${values.length})`)), 30_000);
      stream.on('data', (message) => {
        values.push(message.value as string);
        if (message.value === last) {
          clearTimeout(timer);
          resolve();
        }
      });
      stream.on('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    await stream.close();
  } finally {
    await consumer.close(true);
  }
  return values;
}

async function countRecords(topicName: string, partitions: number): Promise<number> {
  const offsets = await withKafkaAdmin(stack.kafka, (admin) => admin.endOffsets(topicName, partitions, false));
  return offsets.reduce((sum, o) => sum + Number(o), 0);
}

/** The end offsets summed, once they reach `expected` or `boundMs` has passed (markers are written asynchronously). */
async function countRecordsOnceSettled(topicName: string, expected: number, boundMs = 30_000): Promise<number> {
  const deadline = Date.now() + boundMs;
  let count = await countRecords(topicName, 1);
  while (count < expected && Date.now() < deadline) {
    await sleep(200);
    count = await countRecords(topicName, 1);
  }
  return count;
}

const batchOf = (topicName: string, label: string, n: number) => Array.from({ length: n }, (_, i) => ({ topic: topicName, key: 'k', value: `${label}-${i}`, partition: 0 }));

describe('workaround 1: one produce request in flight per idempotent producer', () => {
  // 1.35 reads a partition's idempotent sequence when it encodes the request and advances it only
  // on the response: concurrent sends to one partition carry the same first sequence, the broker
  // takes the later ones for retries of the first (DUPLICATE_SEQUENCE, answered as success) and
  // drops them. Every send resolves; the records are gone.
  it.fails('raw client: 4 concurrent idempotent sends to one partition all land', async () => {
    const name = await topic('inflight-raw', 1);
    const producer = rawProducer({ idempotent: true, acks: -1, retries: 3 });
    try {
      await Promise.all([1, 2, 3, 4].map((b) => producer.send({ messages: batchOf(name, `b${b}`, 100) })));
    } finally {
      await producer.close();
    }
    expect(await countRecords(name, 1)).toBe(400);
  });

  it('ours: BatchingProducer with 4 batches in flight lands every record', async () => {
    const name = await topic('inflight-ours', 1);
    const producer = new BatchingProducer(stack.kafka, { clientId: 'it-client-bugs', tuning: { maxInFlightBatches: 4, batchMaxRecords: 100, lingerMs: 1 } });
    await producer.connect();
    try {
      await Promise.all(Array.from({ length: 400 }, (_, i) => producer.sendToPartition(name, 0, 'k', `v-${i}`)));
    } finally {
      await producer.close();
    }
    expect(await countRecords(name, 1)).toBe(400);
  });
});

describe('workaround 2: transactional InitProducerId as a new producer (−1/−1)', () => {
  // 1.35 sends producerId 0 / epoch 0 by default; for a transactional id the coordinator already
  // knows, that is a stale claim and the answer is PRODUCER_FENCED: a restarted processor could
  // never begin a transaction.
  it.fails('raw client: a second producer with the same transactional id can begin a transaction', async () => {
    const name = await topic('fence-raw', 1);
    const transactionalId = `it-fence-raw-${randomUUID()}`;
    for (let life = 0; life < 2; life += 1) {
      const producer = rawProducer({ idempotent: true, acks: -1, transactionalId, retries: 2 });
      try {
        const transaction = await producer.beginTransaction();
        await transaction.send({ messages: batchOf(name, `life${life}`, 1) });
        await transaction.commit();
      } finally {
        await producer.close();
      }
    }
  });

  it('ours: begin with producerId −1 / epoch −1 works for every new life of the id', async () => {
    const name = await topic('fence-ours', 1);
    const transactionalId = `it-fence-ours-${randomUUID()}`;
    for (let life = 0; life < 2; life += 1) {
      const producer = createTransactionalProducer(stack.kafka, { clientId: 'it-client-bugs', transactionalId });
      try {
        const transaction = await producer.beginTransaction({ producerId: -1n, producerEpoch: -1 });
        await transaction.send({ messages: batchOf(name, `life${life}`, 1) });
        await transaction.commit();
      } finally {
        await producer.close();
      }
    }
    // 2 records + 2 commit markers. The coordinator writes a transaction's markers after EndTxn
    // has answered, so the second one may still be on its way: wait for it (bounded), then count.
    expect(await countRecordsOnceSettled(name, 4)).toBe(4);
  });
});

describe('workaround 3: short backoff on CONCURRENT_TRANSACTIONS', () => {
  // Back-to-back transactions of one id: the next one's AddPartitionsToTxn meets the previous
  // commit's markers still being written, the coordinator answers CONCURRENT_TRANSACTIONS, and
  // 1.35 retries after its fixed default of 1 s: every other transaction stalls a second.
  async function retryDelaysOf(producer: Producer<string, string, string, string>, name: string): Promise<number[]> {
    const delays: number[] = [];
    producer.on('client:performWithRetry:retry', (_operation: string, _attempt: number, _retries: number, delay: number) => delays.push(delay));
    for (let i = 0; i < 15; i += 1) {
      const transaction = await producer.beginTransaction(i === 0 ? { producerId: -1n, producerEpoch: -1 } : {});
      await transaction.send({ messages: batchOf(name, `t${i}`, 1) });
      await transaction.commit();
    }
    return delays;
  }

  it.fails('raw client: back-to-back transactions never wait a second for a retry', async () => {
    const name = await topic('concurrent-raw', 1);
    const producer = rawProducer({ idempotent: true, acks: -1, transactionalId: `it-concurrent-raw-${randomUUID()}`, retries: 10 });
    try {
      const delays = await retryDelaysOf(producer, name);
      expect(delays.filter((d) => d >= 1_000)).toEqual([]);
    } finally {
      await producer.close();
    }
  });

  it('ours: the same transactions retry (CONCURRENT_TRANSACTIONS is still answered) after a short backoff only', async () => {
    const name = await topic('concurrent-ours', 1);
    const producer = createTransactionalProducer(stack.kafka, { clientId: 'it-client-bugs', transactionalId: `it-concurrent-ours-${randomUUID()}` });
    try {
      const delays = await retryDelaysOf(producer, name);
      // The retries happen: without them this workaround would be dead code.
      expect(delays.length).toBeGreaterThan(0);
      expect(delays.filter((d) => d >= 1_000)).toEqual([]);
    } finally {
      await producer.close();
    }
  });
});

describe('workaround 4: read_committed filter', () => {
  // Two aborted transactions of one producer id in one fetch: 1.35 keeps one aborted range per
  // producer id and delivers the earlier aborted transaction's records as if committed.
  async function writeAbortAbortCommit(name: string): Promise<void> {
    const writer = new TransactionalWriter(stack.kafka, { transactionalId: `it-rc-${randomUUID()}` });
    try {
      await writer.abort(batchOf(name, 'a', 5));
      await writer.abort(batchOf(name, 'b', 5));
      await writer.commit([...batchOf(name, 'c', 5), { topic: name, key: 'k', value: 'last' }]);
    } finally {
      await writer.close();
    }
  }
  const committed = ['c-0', 'c-1', 'c-2', 'c-3', 'c-4', 'last'];

  it.fails('raw client: read_committed delivers only the committed records', async () => {
    const name = await topic('rc-raw', 1);
    await writeAbortAbortCommit(name);
    expect(await readValuesUntil(name, 'last')).toEqual(committed);
  });

  it('ours: with the filter installed, only the committed records', async () => {
    const name = await topic('rc-ours', 1);
    await writeAbortAbortCommit(name);
    const { installReadCommittedFilter } = await import('../../../src/kafka/read-committed-filter.js');
    installReadCommittedFilter();
    expect(await readValuesUntil(name, 'last')).toEqual(committed);
  });
});
