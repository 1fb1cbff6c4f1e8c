import { Producer, stringSerializers } from '@platformatic/kafka';
import type { KafkaEndpoints } from '../base/endpoints.js';
import { kafkaConnectionOptions } from './client-options.js';

/**
 * The event producer with the production settings (docs/scenarios.md, `producer.*`): acks=all, idempotence on,
 * 3 retries, string keys, JSON values. The Kafka client sends what it is given in one request,
 * so linger/batching is done here: records queue until `batchMaxRecords` or `lingerMs`, then go
 * out as one produce call. Each record's promise resolves when the broker acked its batch.
 *
 * In-flight batches default to 1: the idempotent producer's per-partition sequence numbers stay
 * trivially ordered, so a retried batch can never be reordered behind a later one.
 */
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerTuning {
  lingerMs: number;
  batchMaxRecords: number;
  maxInFlightBatches: number;
  compression: Compression;
  /** Client retries of a failed produce request before the send counts as failed. */
  retries: number;
}

export const DEFAULT_PRODUCER_TUNING: ProducerTuning = { lingerMs: 5, batchMaxRecords: 2000, maxInFlightBatches: 1, compression: 'none', retries: 3 };

interface Pending {
  topic: string;
  key: string;
  value: string;
  /** Explicit partition; undefined = by key (the default partitioner). */
  partition?: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class BatchingProducer {
  readonly #producer: Producer<string, string, string, string>;
  readonly #tuning: ProducerTuning;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | null = null;
  #inFlightBatches = 0;
  #inFlightRecords = 0;
  readonly #slotWaiters: Array<() => void> = [];
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;
  #flushing = false;

  constructor(kafka: KafkaEndpoints, options: { clientId: string; tuning?: Partial<ProducerTuning> }) {
    this.#tuning = { ...DEFAULT_PRODUCER_TUNING, ...options.tuning };
    this.#producer = new Producer({
      ...(kafkaConnectionOptions(kafka, options.clientId) as object),
      clientId: options.clientId,
      bootstrapBrokers: kafka.bootstrapServers,
      serializers: stringSerializers,
      idempotent: true,
      acks: -1,
      retries: this.#tuning.retries,
      compression: this.#tuning.compression,
    } as ConstructorParameters<typeof Producer<string, string, string, string>>[0]);
  }

  /** Initialises the idempotent producer id now, so an unreachable cluster fails here, fast. */
  async connect(): Promise<void> {
    await this.#producer.initIdempotentProducer({ acks: -1 });
  }

  /** Records queued or awaiting acks: the backpressure signal for the collector and sender. */
  get pendingRecords(): number {
    return this.#queue.length + this.#inFlightRecords;
  }

  send(topic: string, key: string, value: string): Promise<void> {
    return this.#enqueue({ topic, key, value });
  }

  /**
   * Like send(), to an explicit partition (e.g. the runner's end-of-input control record, one per
   * raw-events partition). Same batching, acks and idempotence.
   */
  sendToPartition(topic: string, partition: number, key: string, value: string): Promise<void> {
    return this.#enqueue({ topic, key, value, partition });
  }

  #enqueue(record: Omit<Pending, 'resolve' | 'reject'>): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('producer is closed'));
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ...record, resolve, reject });
      // One flush loop at a time: while it runs it drains the queue, so a full batch needs no new
      // flush (a flush per send() under backlog cost a quarter of the CPU in waiting promises).
      if (this.#flushing) return;
      if (this.#queue.length >= this.#tuning.batchMaxRecords) void this.#flushQueue();
      else if (this.#timer === null) this.#timer = setTimeout(() => void this.#flushQueue(), this.#tuning.lingerMs);
    });
  }

  async #acquireSlot(): Promise<void> {
    while (this.#inFlightBatches >= this.#tuning.maxInFlightBatches) {
      await new Promise<void>((resolve) => this.#slotWaiters.push(resolve));
    }
    this.#inFlightBatches += 1;
  }

  #releaseSlot(): void {
    this.#inFlightBatches -= 1;
    this.#slotWaiters.shift()?.();
  }

  async #flushQueue(): Promise<void> {
    if (this.#timer !== null) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#flushing) return;
    this.#flushing = true;
    try {
      await this.#drainQueue();
    } finally {
      this.#flushing = false;
    }
    // Records that arrived after the last batch was taken wait for the next linger.
    if (this.#queue.length > 0 && this.#timer === null && !this.#closed) {
      this.#timer = setTimeout(() => void this.#flushQueue(), this.#tuning.lingerMs);
    }
  }

  async #drainQueue(): Promise<void> {
    while (this.#queue.length > 0) {
      await this.#acquireSlot();
      // Take the batch only once we hold a slot, so records that arrived while waiting join it.
      const batch = this.#queue.splice(0, this.#tuning.batchMaxRecords);
      if (batch.length === 0) {
        this.#releaseSlot();
        return;
      }
      this.#inFlightRecords += batch.length;
      const sent: Promise<void> = this.#producer
        .send({ messages: batch.map((p) => (p.partition === undefined ? { topic: p.topic, key: p.key, value: p.value } : { topic: p.topic, key: p.key, value: p.value, partition: p.partition })) })
        .then(
          () => batch.forEach((p) => p.resolve()),
          (error: unknown) => batch.forEach((p) => p.reject(error)),
        )
        .finally(() => {
          this.#inFlightRecords -= batch.length;
          this.#inFlight.delete(sent);
          this.#releaseSlot();
        });
      this.#inFlight.add(sent);
    }
  }

  /** Sends everything queued and waits for every ack (failures are reported to each send's caller). */
  async flush(): Promise<void> {
    for (;;) {
      if (!this.#flushing && this.#queue.length > 0) await this.#flushQueue();
      else if (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
      else if (this.#flushing) await new Promise<void>((resolve) => setImmediate(resolve));
      else return;
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush().catch(() => undefined);
    this.#closed = true;
    await this.#producer.close();
  }
}
