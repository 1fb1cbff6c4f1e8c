import { Producer, stringSerializers, type Serializers } from '@platformatic/kafka';
import type { KafkaEndpoints } from '../base/endpoints.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { kafkaConnectionOptions } from './client-options.js';
import { partitionForKey } from './murmur2.js';

/**
 * The event producer with the production settings (docs/scenarios.md, `producer.*`): acks=all, idempotence on,
 * 3 retries, string keys, JSON values. The Kafka client sends what it is given in one request,
 * so linger/batching is done here: records queue until `batchMaxRecords` or `lingerMs`, then go
 * out as one produce call.
 *
 * Several requests in flight, safely (docs/kafka-client.md, workaround 1). @platformatic/kafka
 * 1.35 — the newest release that runs on Node 20 — reads a partition's idempotent sequence when
 * it encodes a request and advances it only on the response, so two concurrent sends of one
 * client to one partition carry the same sequence and the broker silently drops the later one
 * (test/integration/kafka/client-workarounds.test.ts proves it). So this producer never has two
 * sends of one client in flight: it runs `maxInFlightBatches` clients ("lanes"), each with its own
 * producer id (its own sequence space) and connections, and gives every partition to exactly one
 * lane (partition mod lanes). Each broker then has up to `maxInFlightBatches` produce requests in
 * flight, one per lane, while each partition still has one writer with one batch in flight, so
 * per-partition order and exactly-once writes hold through retries and leader changes.
 *
 * Hot path: the key is encoded once (its bytes are hashed here for the partition and handed to
 * the client as they are, so the client neither re-encodes nor re-hashes it), and `sendMany`
 * acknowledges a whole group of records with one promise.
 */
export type Compression = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface ProducerTuning {
  lingerMs: number;
  batchMaxRecords: number;
  /** Produce requests in flight per broker (one per lane, see above); 1–16. */
  maxInFlightBatches: number;
  compression: Compression;
  /** Client retries of a failed produce request (1 s apart) before this producer re-sends it itself (see resend). */
  retries: number;
  /**
   * How long a record may be re-sent after failed produce requests before it counts as failed
   * (Kafka's delivery.timeout.ms); default 120 s.
   */
  deliveryTimeoutMs?: number;
}

export const DEFAULT_PRODUCER_TUNING: ProducerTuning = { lingerMs: 5, batchMaxRecords: 2000, maxInFlightBatches: 3, compression: 'none', retries: 3 };
export const DEFAULT_DELIVERY_TIMEOUT_MS = 120_000;

export const MAX_IN_FLIGHT_BATCHES = 16;

export interface KeyedValue {
  key: string;
  value: string;
}

/** What became of a sendMany group: the indexes (into the group) of records that failed, with why. */
export interface SendOutcome {
  failed: Array<{ index: number; error: unknown }>;
}

/** A group of records acknowledged together (a single record is a group of one). */
interface Ticket {
  remaining: number;
  failed: SendOutcome['failed'] | null;
  settle: (outcome: SendOutcome) => void;
}

interface Queued {
  topic: string;
  key: Buffer;
  value: string;
  partition: number;
  ticket: Ticket;
  index: number;
  /** performance.now() after which a failed send of this record is not re-sent; set at its first send. */
  deadline?: number;
}

type LaneProducer = Producer<Buffer, string, string, string>;

/**
 * Most characters of one partition's records in one request. A partition's record batch must stay
 * under the broker's message.max.bytes (1 MiB): with few partitions per lane a 2000-record batch
 * of 1 KiB events would exceed it. 256 Ki characters are at most 768 KiB of UTF-8.
 */
const PARTITION_BATCH_MAX_CHARS = 256 * 1024;

const passKeyBytes = (key?: Buffer): Buffer | undefined => key;
const serializers: Serializers<Buffer, string, string, string> = { ...stringSerializers, key: passKeyBytes };

/** One client with at most one send in flight. */
class Lane {
  queue: Queued[] = [];
  /** Records of a failed request to re-send, alone and before the queue (see resend). */
  resend: Queued[] | null = null;
  timer: NodeJS.Timeout | null = null;
  inFlight = 0;
  sending: Promise<void> | null = null;

  constructor(readonly producer: LaneProducer) {}
}

export class BatchingProducer {
  readonly #tuning: ProducerTuning;
  readonly #lanes: Lane[];
  readonly #partitions = new Map<string, number>();
  /** Records of a topic whose partition count is being looked up (first send to it). */
  readonly #unrouted = new Map<string, Queued[]>();
  #unroutedCount = 0;
  #idleWaiters: Array<() => void> = [];
  #closed = false;

  constructor(kafka: KafkaEndpoints, options: { clientId: string; tuning?: Partial<ProducerTuning> }) {
    this.#tuning = { ...DEFAULT_PRODUCER_TUNING, ...options.tuning };
    const lanes = this.#tuning.maxInFlightBatches;
    if (!Number.isInteger(lanes) || lanes < 1 || lanes > MAX_IN_FLIGHT_BATCHES) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `maxInFlightBatches must be an integer in [1, ${MAX_IN_FLIGHT_BATCHES}], got ${lanes}`, {
        hint: 'each one is one more producer id and one more connection per broker; 1-5 is plenty on one machine',
      });
    }
    this.#lanes = Array.from({ length: lanes }, (_, i) => {
      const clientId = lanes === 1 ? options.clientId : `${options.clientId}-lane${i}`;
      return new Lane(
        new Producer<Buffer, string, string, string>({
          ...(kafkaConnectionOptions(kafka, clientId) as object),
          clientId,
          bootstrapBrokers: kafka.bootstrapServers,
          serializers,
          idempotent: true,
          acks: -1,
          retries: this.#tuning.retries,
          compression: this.#tuning.compression,
        } as ConstructorParameters<typeof Producer<Buffer, string, string, string>>[0]),
      );
    });
  }

  /** Initialises every lane's idempotent producer id now, so an unreachable cluster fails here, fast. */
  async connect(): Promise<void> {
    await Promise.all(this.#lanes.map((lane) => lane.producer.initIdempotentProducer({ acks: -1 })));
  }

  /** Records queued or awaiting acks: the backpressure signal for the collector and sender. */
  get pendingRecords(): number {
    let total = this.#unroutedCount;
    for (const lane of this.#lanes) total += lane.queue.length + lane.inFlight + (lane.resend?.length ?? 0);
    return total;
  }

  /** One record; resolves when the broker acked it, rejects when it will not. */
  send(topic: string, key: string, value: string): Promise<void> {
    return this.#single(topic, key, value, -1);
  }

  /**
   * Like send(), to an explicit partition (e.g. the runner's end-of-input control record, one per
   * raw-events partition). Same batching, acks and idempotence.
   */
  sendToPartition(topic: string, partition: number, key: string, value: string): Promise<void> {
    return this.#single(topic, key, value, partition);
  }

  /**
   * Many records, one promise: resolves once every record is acknowledged or has failed, never
   * rejects; the outcome lists the failed ones. Records keep their order per partition.
   */
  sendMany(topic: string, records: readonly KeyedValue[]): Promise<SendOutcome> {
    if (this.#closed) return Promise.resolve({ failed: records.map((_, index) => ({ index, error: new Error('producer is closed') })) });
    if (records.length === 0) return Promise.resolve({ failed: [] });
    return new Promise<SendOutcome>((resolve) => {
      const ticket: Ticket = { remaining: records.length, failed: null, settle: resolve };
      for (let i = 0; i < records.length; i += 1) {
        const record = records[i] as KeyedValue;
        this.#enqueue(topic, Buffer.from(record.key), record.value, -1, ticket, i);
      }
    });
  }

  #single(topic: string, key: string, value: string, partition: number): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('producer is closed'));
    return new Promise<void>((resolve, reject) => {
      const ticket: Ticket = {
        remaining: 1,
        failed: null,
        settle: (outcome) => (outcome.failed.length === 0 ? resolve() : reject(outcome.failed[0]?.error)),
      };
      this.#enqueue(topic, Buffer.from(key), value, partition, ticket, 0);
    });
  }

  #enqueue(topic: string, key: Buffer, value: string, partition: number, ticket: Ticket, index: number): void {
    const record: Queued = { topic, key, value, partition, ticket, index };
    const partitions = this.#partitions.get(topic);
    if (partitions === undefined) {
      this.#park(record);
      return;
    }
    this.#route(record, partitions);
  }

  #route(record: Queued, partitions: number): void {
    if (record.partition < 0) record.partition = partitionForKey(record.key, partitions);
    const lane = this.#lanes[record.partition % this.#lanes.length] as Lane;
    lane.queue.push(record);
    if (lane.sending !== null) return; // the lane sends its queue when the batch in flight is acked
    if (lane.queue.length >= this.#tuning.batchMaxRecords) this.#sendBatch(lane);
    else if (lane.timer === null) lane.timer = setTimeout(() => this.#sendBatch(lane), this.#tuning.lingerMs);
  }

  /** First send to a topic: look up its partition count once, then route what waited. */
  #park(record: Queued): void {
    let parked = this.#unrouted.get(record.topic);
    this.#unroutedCount += 1;
    if (parked) {
      parked.push(record);
      return;
    }
    parked = [record];
    this.#unrouted.set(record.topic, parked);
    const topic = record.topic;
    (this.#lanes[0] as Lane).producer.metadata({ topics: [topic] }).then(
      (metadata) => {
        const partitions = metadata.topics.get(topic)?.partitionsCount ?? 0;
        if (partitions < 1) throw new StreamproofError(ERROR_CODES.TOPIC_MISMATCH, `topic ${topic} has no partitions in the cluster metadata`, { hint: 'provision the topology first' });
        this.#partitions.set(topic, partitions);
        this.#release(topic, (queued) => this.#route(queued, partitions));
      },
      (error: unknown) => this.#release(topic, (queued) => this.#fail(queued, error)),
    ).catch((error: unknown) => this.#release(topic, (queued) => this.#fail(queued, error)));
  }

  #release(topic: string, each: (record: Queued) => void): void {
    const parked = this.#unrouted.get(topic) ?? [];
    this.#unrouted.delete(topic);
    this.#unroutedCount -= parked.length;
    for (const record of parked) each(record);
    this.#notifyIfIdle();
  }

  #fail(record: Queued, error: unknown): void {
    const ticket = record.ticket;
    (ticket.failed ??= []).push({ index: record.index, error });
    if ((ticket.remaining -= 1) === 0) ticket.settle({ failed: ticket.failed });
  }

  #sendBatch(lane: Lane): void {
    if (lane.timer !== null) {
      clearTimeout(lane.timer);
      lane.timer = null;
    }
    if (lane.sending !== null || (lane.queue.length === 0 && lane.resend === null)) return;
    let batch: Queued[];
    if (lane.resend !== null) {
      batch = lane.resend;
      lane.resend = null;
    } else {
      const take = batchLength(lane.queue, this.#tuning.batchMaxRecords);
      batch = take === lane.queue.length ? lane.queue : lane.queue.slice(0, take);
      lane.queue = batch === lane.queue ? [] : lane.queue.slice(take);
      const deadline = performance.now() + (this.#tuning.deliveryTimeoutMs ?? DEFAULT_DELIVERY_TIMEOUT_MS);
      for (const r of batch) r.deadline = deadline;
    }
    lane.inFlight = batch.length;
    const messages = new Array<{ topic: string; key: Buffer; value: string; partition: number }>(batch.length);
    for (let i = 0; i < batch.length; i += 1) {
      const r = batch[i] as Queued;
      messages[i] = { topic: r.topic, key: r.key, value: r.value, partition: r.partition };
    }
    lane.sending = lane.producer.send({ messages }).then(
      () => {
        for (const r of batch) {
          const ticket = r.ticket;
          if ((ticket.remaining -= 1) === 0) ticket.settle({ failed: ticket.failed ?? [] });
        }
        this.#afterBatch(lane);
      },
      (error: unknown) => {
        this.#afterFailure(lane, batch, error);
        this.#afterBatch(lane);
      },
    );
  }

  /**
   * A produce call failed after the client's own retries. Those retries keep the leader they
   * started with (1.35 refreshes metadata only once, on a stale-metadata answer), so a killed
   * leader fails the whole call even when another broker has taken over. Partitions the call did
   * write (error.produced) are acknowledged; the records of the others are re-sent with fresh
   * metadata, as one request of exactly those records, before anything newer of this lane: the
   * client has not advanced those partitions' sequences, so the re-send carries the sequences
   * of the failed attempt and the broker de-duplicates it if that attempt did land.
   */
  #afterFailure(lane: Lane, batch: Queued[], error: unknown): void {
    const produced = producedPartitions(error);
    const now = performance.now();
    const retriable = !this.#closed && !(error as { findBy?: (key: string, value: unknown) => unknown }).findBy?.('canRetry', false);
    const resend: Queued[] = [];
    for (const r of batch) {
      if (produced.has(`${r.topic}:${r.partition}`)) {
        const ticket = r.ticket;
        if ((ticket.remaining -= 1) === 0) ticket.settle({ failed: ticket.failed ?? [] });
      } else if (retriable && now < (r.deadline ?? 0)) resend.push(r);
      else this.#fail(r, error);
    }
    if (resend.length > 0) {
      lane.resend = resend;
      lane.producer.clearMetadata();
    }
  }

  #afterBatch(lane: Lane): void {
    lane.sending = null;
    lane.inFlight = 0;
    // What queued while the batch was in flight goes out at once: it has waited at least as long as a linger.
    if (lane.queue.length > 0 || lane.resend !== null) this.#sendBatch(lane);
    else this.#notifyIfIdle();
  }

  #idle(): boolean {
    return this.#unroutedCount === 0 && this.#lanes.every((lane) => lane.sending === null && lane.queue.length === 0 && lane.resend === null);
  }

  #notifyIfIdle(): void {
    if (this.#idleWaiters.length === 0 || !this.#idle()) return;
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const wake of waiters) wake();
  }

  /** Sends everything queued and waits for every ack (failures are reported to each send's caller). */
  async flush(): Promise<void> {
    for (const lane of this.#lanes) this.#sendBatch(lane);
    if (this.#idle()) return;
    await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush().catch(() => undefined);
    this.#closed = true;
    await Promise.allSettled(this.#lanes.map((lane) => lane.producer.close()));
  }
}

/** "topic:partition" of every partition a failed produce call did write (the client's error.produced). */
function producedPartitions(error: unknown): Set<string> {
  const offsets = (error as { produced?: { offsets?: Array<{ topic: string; partition: number }> } } | null)?.produced?.offsets ?? [];
  return new Set(offsets.map((o) => `${o.topic}:${o.partition}`));
}

/** How many records from the head of the queue go in one request: a prefix (order kept), capped by count and per-partition size. */
function batchLength(queue: Queued[], maxRecords: number): number {
  const limit = Math.min(queue.length, maxRecords);
  // By partition number (records of several topics in one lane share a count: conservative).
  const chars: number[] = [];
  for (let i = 0; i < limit; i += 1) {
    const r = queue[i] as Queued;
    const size = (chars[r.partition] ?? 0) + r.key.length + r.value.length;
    if (size > PARTITION_BATCH_MAX_CHARS && i > 0) return i;
    chars[r.partition] = size;
  }
  return limit;
}
