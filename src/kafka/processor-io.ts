import { Consumer, Producer, stringDeserializers, stringSerializers, type Message } from '@platformatic/kafka';
import type { KafkaEndpoints } from '../stack/endpoints.js';
import { kafkaConnectionOptions } from './client-options.js';

/**
 * The Kafka side of the exactly-once processor: a consumer-group member reading the input
 * topic with read_committed from the group's committed offsets, and a transactional producer.
 * One `commitBatch` = one Kafka transaction holding the batch's outputs and, via
 * TxnOffsetCommit with the consumer's group metadata (KIP-447), the input offsets.
 *
 * Rebalances: after every group join the client resets its fetch positions to the group's
 * committed offsets, and `onAssignment` tells the processor to drop its in-memory state and
 * restore from the changelog. Records already buffered from before the join are stale: they
 * are recognised by `generationId` and by offset continuity (see `ProcessorInput.accept`).
 */
export interface InputRecord {
  partition: number;
  offset: bigint;
  key: string | null;
  value: string | null;
  timestampMs: number;
  generationId: number;
  /** The client's message, needed for TxnOffsetCommit; opaque to the processor. */
  readonly handle: unknown;
}

export interface OutputMessage {
  topic: string;
  key: string;
  /** null = tombstone (compacted topics). */
  value: string | null;
}

export interface Assignment {
  generationId: number;
  partitions: number[];
}

export interface ProcessorIoOptions {
  groupId: string;
  /** Stable per instance across restarts, so a restarted instance fences its zombie. */
  transactionalId: string;
  clientId: string;
  inputTopic: string;
  /** Transaction timeout; an instance killed mid-transaction blocks readers at most this long. */
  transactionTimeoutMs?: number;
  sessionTimeoutMs?: number;
}

export class ProcessorIo {
  readonly #kafka: KafkaEndpoints;
  readonly #options: ProcessorIoOptions;
  readonly #consumer: Consumer<string, string, string, string>;
  readonly #producer: Producer<string, string, string, string>;
  #stream: Awaited<ReturnType<Consumer<string, string, string, string>['consume']>> | null = null;
  #buffer: InputRecord[] = [];
  #waiter: (() => void) | null = null;
  #paused = false;
  #failure: Error | null = null;
  readonly #maxBuffered = 20_000;

  constructor(kafka: KafkaEndpoints, options: ProcessorIoOptions) {
    this.#kafka = kafka;
    this.#options = options;
    const base = kafkaConnectionOptions(kafka, options.clientId);
    this.#consumer = new Consumer<string, string, string, string>({
      ...(base as object),
      clientId: options.clientId,
      bootstrapBrokers: kafka.bootstrapServers,
      groupId: options.groupId,
      deserializers: stringDeserializers,
      autocommit: false,
      isolationLevel: 1,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 30_000,
    } as ConstructorParameters<typeof Consumer<string, string, string, string>>[0]);
    this.#producer = new Producer<string, string, string, string>({
      ...(base as object),
      clientId: `${options.clientId}-tx`,
      bootstrapBrokers: kafka.bootstrapServers,
      serializers: stringSerializers,
      idempotent: true,
      acks: -1,
      transactionalId: options.transactionalId,
      // The client passes its request timeout as the transaction timeout to InitProducerId.
      timeout: options.transactionTimeoutMs ?? 20_000,
    } as ConstructorParameters<typeof Producer<string, string, string, string>>[0]);
  }

  get endpoints(): KafkaEndpoints {
    return this.#kafka;
  }

  /** Joins the group and starts fetching. `onAssignment` runs on every (re)join. */
  async start(onAssignment: (assignment: Assignment) => void): Promise<void> {
    this.#consumer.on('consumer:group:join', () => {
      const partitions = (this.#consumer.assignments ?? [])
        .filter((a) => a.topic === this.#options.inputTopic)
        .flatMap((a) => a.partitions)
        .sort((a, b) => a - b);
      onAssignment({ generationId: this.#consumer.generationId, partitions });
    });
    // Initialise the transactional producer first: this fences any zombie with our id and
    // aborts the transaction it may have left open.
    await this.#producer.initIdempotentProducer({});
    const stream = await this.#consumer.consume({
      topics: [this.#options.inputTopic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
      isolationLevel: 1,
      maxWaitTime: 100,
      sessionTimeout: this.#options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
    });
    this.#stream = stream;
    stream.on('data', (message: Message<string, string, string, string>) => {
      const consumerMeta = (message.metadata as { consumer?: { generationId?: number } }).consumer;
      this.#buffer.push({
        partition: message.partition,
        offset: message.offset,
        key: message.key ?? null,
        value: message.value ?? null,
        timestampMs: Number(message.timestamp),
        generationId: consumerMeta?.generationId ?? -1,
        handle: message,
      });
      if (this.#buffer.length >= this.#maxBuffered && !this.#paused) {
        this.#paused = true;
        stream.pause();
      }
      this.#wake();
    });
    stream.on('error', (error: Error) => {
      this.#failure = error;
      this.#wake();
    });
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  get currentGenerationId(): number {
    return this.#consumer.generationId;
  }

  /** Takes up to `maxRecords` buffered records, waiting up to `maxWaitMs` for the first one. */
  async nextBatch(maxRecords: number, maxWaitMs: number): Promise<InputRecord[]> {
    if (this.#failure) throw this.#failure;
    if (this.#buffer.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#waiter = null;
          resolve();
        }, maxWaitMs);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    if (this.#failure) throw this.#failure;
    const batch = this.#buffer.splice(0, maxRecords);
    if (this.#paused && this.#buffer.length < this.#maxBuffered / 2) {
      this.#paused = false;
      this.#stream?.resume();
    }
    return batch;
  }

  /**
   * One transaction: outputs + input offsets (the last record of each partition in `consumed`).
   * Throws if the transaction could not commit (it is aborted first); nothing of it is visible.
   */
  async commitBatch(outputs: OutputMessage[], consumed: InputRecord[]): Promise<void> {
    const lastPerPartition = new Map<number, InputRecord>();
    for (const record of consumed) {
      const previous = lastPerPartition.get(record.partition);
      if (!previous || record.offset > previous.offset) lastPerPartition.set(record.partition, record);
    }
    const transaction = await this.#producer.beginTransaction();
    try {
      if (outputs.length > 0) {
        await transaction.send({ messages: outputs.map((o) => ({ topic: o.topic, key: o.key, value: o.value as string })) });
      }
      if (lastPerPartition.size > 0) {
        await transaction.addConsumer(this.#consumer);
        for (const record of lastPerPartition.values()) {
          await transaction.addOffset(record.handle as Message<string, string, string, string>);
        }
      }
      await transaction.commit();
    } catch (error) {
      await transaction.abort().catch(() => transaction.cancel().catch(() => undefined));
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#stream?.close().catch(() => undefined);
    await Promise.resolve(this.#consumer.close(true)).catch(() => undefined);
    await this.#producer.close().catch(() => undefined);
  }
}
