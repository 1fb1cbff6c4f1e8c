import { Consumer, stringDeserializer, type Message } from '@platformatic/kafka';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { ResultSource, SourceRecord } from '../base/delivery-ports.js';
import type { KafkaEndpoints } from '../base/endpoints.js';
import { kafkaConnectionOptions } from './client-options.js';
import { installReadCommittedFilter } from './read-committed-filter.js';
import { installDeadCoordinatorGuard } from './dead-coordinator-guard.js';
import { closeConsumer } from './close-consumer.js';
import { FailureClock, rideThroughDelayMs } from '../base/ride-through.js';
import { isTransientKafkaError, needsNewClient, KAFKA_RIDE_THROUGH, rideThroughExhausted, withKafkaRideThrough } from './ride-through.js';

// This module reads transactional topics with read_committed: see read-committed-filter.ts.
installReadCommittedFilter();
installDeadCoordinatorGuard();

/**
 * The delivery sink's source: window results from `processed-events`, read by a consumer group
 * of its own with read_committed (results of aborted processor transactions never reach S3),
 * autocommit off, starting from the group's committed offsets (earliest when it has none).
 *
 * Invariants:
 *  - an offset is committed only when every record below it on that partition was handed out
 *    by poll() and then passed to commit(), or is never handed out, so a crash re-reads at most
 *    what was not delivered (at-least-once);
 *  - never handed out, yet committed past: tombstones (null values: deletes in the compacted
 *    processed-events), and what read_committed hides (aborted records, transaction markers), so
 *    the group's offsets reach the end offsets once everything is delivered;
 *  - a record is handed out at most once per source instance: after a group rejoin the client
 *    re-fetches from the committed offsets, and what this instance already buffered or handed
 *    out is skipped by offset.
 *
 *
 * Broker failures (docs/kafka-client.md): when the stream fails on a transient error (its fetch
 * went to a leader that died), it is re-opened from the committed offsets after fresh metadata,
 * with backoff; commits and end-offset look-ups are retried likewise. Only when nothing has
 * succeeded for KAFKA_RIDE_THROUGH.budgetMs does poll()/commit() throw SP_SERVICE_UNREACHABLE.
 *
 * visibleAtMs is when this read_committed consumer received the record, i.e. the moment the result
 * was visible to a delivery reader. A sink that lags behind hides its own queueing from L4 measured
 * this way; `timestampMs` (the Kafka record timestamp, set before the processor's commit) bounds it
 * from the other side.
 */

export interface KafkaSourceRecord extends SourceRecord {
  readonly partition: number;
  readonly offset: bigint;
  readonly key: string | null;
  /** Kafka record timestamp, epoch ms. */
  readonly timestampMs: number;
}

export interface KafkaResultSourceOptions {
  topic: string;
  groupId: string;
  clientId?: string;
  /** Epoch ms clock for visibleAtMs, injected. Default Date.now. */
  nowMs?: () => number;
  /** Fetching pauses above this many buffered records and resumes below half of it. */
  maxBufferedRecords?: number;
  sessionTimeoutMs?: number;
  /** Longest time a fetch waits on the broker for new records. */
  fetchMaxWaitMs?: number;
}

/** A received record; value null = tombstone. */
type Entry = Omit<KafkaSourceRecord, 'value'> & { value: Uint8Array | null };

type ByteConsumer = Consumer<string, Buffer, Buffer, Buffer>;
type ByteStream = Awaited<ReturnType<ByteConsumer['consume']>>;

export class KafkaResultSource implements ResultSource<KafkaSourceRecord> {
  readonly #kafka: KafkaEndpoints;
  readonly #options: KafkaResultSourceOptions;
  #consumer: ByteConsumer;
  readonly #nowMs: () => number;
  readonly #maxBuffered: number;
  #stream: ByteStream | null = null;
  #buffer: Entry[] = [];
  #waiter: (() => void) | null = null;
  #paused = false;
  #failure: Error | null = null;
  #closing = false;
  /** Since when the stream has kept failing (reset by any record received or commit that succeeds). */
  readonly #outage = new FailureClock(KAFKA_RIDE_THROUGH.budgetMs);
  /** Stream re-opens after transient failures (a broker died under a fetch). */
  reopens = 0;
  /** Consumers replaced because the group coordinator they cached died (see isCoordinatorLost). */
  consumerRebuilds = 0;
  #rebuilding: Promise<void> | null = null;
  /** Per partition: next offset this instance has not buffered yet (re-fetched offsets below it are skipped). */
  readonly #nextExpected = new Map<number, bigint>();
  /** Per partition: records handed out by poll() and not yet committed. */
  readonly #outstanding = new Map<number, number>();
  /** Per partition: one past the highest offset taken from the buffer (records and tombstones). */
  readonly #takenThrough = new Map<number, bigint>();
  /** Per partition: the offset this instance last committed. */
  readonly #committed = new Map<number, bigint>();

  private constructor(kafka: KafkaEndpoints, options: KafkaResultSourceOptions) {
    this.#kafka = kafka;
    this.#options = options;
    this.#nowMs = options.nowMs ?? Date.now;
    this.#maxBuffered = options.maxBufferedRecords ?? 20_000;
    this.#consumer = this.#createConsumer();
  }

  #createConsumer(): ByteConsumer {
    const options = this.#options;
    const kafka = this.#kafka;
    const clientId = options.clientId ?? `${options.groupId}-source`;
    const consumer = new Consumer<string, Buffer, Buffer, Buffer>({
      ...(kafkaConnectionOptions(kafka, clientId) as object),
      clientId,
      bootstrapBrokers: kafka.bootstrapServers,
      groupId: options.groupId,
      // Values stay bytes: they go to S3 exactly as the processor wrote them.
      deserializers: { key: stringDeserializer },
      autocommit: false,
      isolationLevel: 1,
      sessionTimeout: options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
      rebalanceTimeout: 30_000,
    } as ConstructorParameters<typeof Consumer<string, Buffer, Buffer, Buffer>>[0]);
    // The client emits 'error' on itself when a background rejoin fails (a broker died); with no
    // listener that would kill the process. It is a stream failure like any other.
    consumer.on('error', (error: Error) => {
      if (consumer !== this.#consumer || this.#closing) return;
      if (this.#stream) this.#onStreamError(this.#stream, error);
      else if (!isTransientKafkaError(error)) this.#fail(error);
    });
    return consumer;
  }

  /**
   * A new consumer in place of one whose cached group coordinator died: the client never looks
   * it up again, so every commit and join would fail until that broker returned. Records already
   * buffered or handed out stay; the new member re-fetches from the committed offsets and
   * #nextExpected skips what this instance already has, so nothing is handed out twice.
   */
  #rebuildConsumer(): Promise<void> {
    // A commit and a stream re-open may both find the coordinator gone: one rebuild serves both.
    this.#rebuilding ??= this.#replaceConsumer().finally(() => (this.#rebuilding = null));
    return this.#rebuilding;
  }

  async #replaceConsumer(): Promise<void> {
    const stream = this.#stream;
    this.#stream = null;
    await stream?.close().catch(() => undefined);
    await closeConsumer(this.#consumer);
    this.#consumer = this.#createConsumer();
    this.consumerRebuilds += 1;
    if (!this.#closing) await this.#openStream();
  }

  /** Joins the group and starts fetching. Fails within seconds when the cluster or the topic is missing. */
  static async open(kafka: KafkaEndpoints, options: KafkaResultSourceOptions): Promise<KafkaResultSource> {
    const source = new KafkaResultSource(kafka, options);
    try {
      await source.#start();
    } catch (error) {
      await source.close();
      throw source.#wrap(error, `start consuming ${options.topic} (group ${options.groupId})`);
    }
    return source;
  }

  get topic(): string {
    return this.#options.topic;
  }

  async #start(): Promise<void> {
    const topic = this.#options.topic;
    const metadata = await this.#consumer.metadata({ topics: [topic] }).catch((error: unknown) => {
      if (error instanceof Error && /unknown topic/i.test(error.message)) {
        throw new StreamproofError(ERROR_CODES.TOPIC_MISMATCH, `topic ${topic} does not exist on ${this.#kafka.bootstrapServers.join(',')}`, {
          hint: 'provision the topology first (`npm run stack -- provision`, or the scenario runner does it)',
          cause: error,
        });
      }
      throw error;
    });
    if (!metadata.topics.has(topic)) {
      throw new StreamproofError(ERROR_CODES.TOPIC_MISMATCH, `topic ${topic} does not exist`, { hint: 'provision the topology first' });
    }
    await this.#openStream();
  }

  async #openStream(): Promise<void> {
    const topic = this.#options.topic;
    const stream = await this.#consumer.consume({
      topics: [topic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
      isolationLevel: 1,
      maxWaitTime: this.#options.fetchMaxWaitMs ?? 200,
      sessionTimeout: this.#options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
    });
    this.#stream = stream;
    if (this.#paused) stream.pause();
    stream.on('data', (message: Message<string, Buffer, Buffer, Buffer>) => this.#accept(message));
    stream.on('error', (error: Error) => this.#onStreamError(stream, error));
  }

  #onStreamError(stream: ByteStream, error: Error): void {
    if (this.#stream !== stream || this.#closing) return;
    this.#stream = null;
    void stream.close().catch(() => undefined);
    if (!isTransientKafkaError(error)) {
      this.#fail(error);
      return;
    }
    this.#outage.fail();
    void this.#reopen(error);
  }

  /** Re-opens the stream with backoff until it opens or the ride-through budget is spent. */
  async #reopen(firstError: unknown): Promise<void> {
    let lastError = firstError;
    for (let retry = 1; !this.#closing; retry += 1) {
      const delayMs = rideThroughDelayMs(retry, this.#outage.failingForMs(), KAFKA_RIDE_THROUGH);
      if (delayMs === null) {
        this.#fail(rideThroughExhausted('delivery sink consumer', `fetch ${this.#options.topic}`, this.#kafka.bootstrapServers, lastError, this.#outage.failingForMs()));
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      if (this.#closing) return;
      this.#consumer.clearMetadata();
      try {
        if (needsNewClient(lastError)) await this.#rebuildConsumer();
        else await this.#openStream();
        this.reopens += 1;
        return;
      } catch (error) {
        if (!isTransientKafkaError(error)) {
          this.#fail(error);
          return;
        }
        lastError = error;
      }
    }
  }

  #fail(error: Error | unknown): void {
    this.#failure = error instanceof Error ? error : new Error(String(error));
    this.#wake();
  }

  #accept(message: Message<string, Buffer, Buffer, Buffer>): void {
    const { partition, offset } = message;
    if (offset < (this.#nextExpected.get(partition) ?? -1n)) return; // re-fetched after a rejoin
    this.#nextExpected.set(partition, offset + 1n);
    this.#outage.ok();
    const visibleAtMs = this.#nowMs();
    this.#buffer.push({ partition, offset, key: message.key ?? null, value: message.value ?? null, timestampMs: Number(message.timestamp), visibleAtMs });
    if (this.#buffer.length >= this.#maxBuffered && !this.#paused) {
      this.#paused = true;
      this.#stream?.pause();
    }
    this.#wake();
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  async poll(maxRecords: number, timeoutMs: number): Promise<KafkaSourceRecord[]> {
    this.#throwIfFailed();
    if (this.#buffer.length === 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#waiter = null;
          resolve();
        }, timeoutMs);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#throwIfFailed();
    }
    // Take up to maxRecords results, plus the tombstones among and right after them.
    let taken = 0;
    let count = 0;
    for (const entry of this.#buffer) {
      if (entry.value !== null && count === maxRecords) break;
      if (entry.value !== null) count += 1;
      taken += 1;
    }
    const entries = this.#buffer.splice(0, taken);
    if (this.#paused && this.#buffer.length < this.#maxBuffered / 2) {
      this.#paused = false;
      this.#stream?.resume();
    }
    const records: KafkaSourceRecord[] = [];
    for (const entry of entries) {
      this.#takenThrough.set(entry.partition, entry.offset + 1n);
      if (entry.value === null) continue;
      this.#outstanding.set(entry.partition, (this.#outstanding.get(entry.partition) ?? 0) + 1);
      const { partition, offset, key, value, timestampMs, visibleAtMs } = entry;
      records.push({ value, visibleAtMs, partition, offset, key, timestampMs });
    }
    // Idle: nothing will call commit() soon, so move the group past tombstones and transaction markers
    // now. A failure here loses nothing (the group just stays behind): the next idle poll tries again.
    if (records.length === 0) await this.#commitOffsets(this.#advances(new Map())).catch(() => undefined);
    return records;
  }

  /** Commits past these records, and on every partition with nothing pending, as far as is done. */
  async commit(records: readonly KafkaSourceRecord[]): Promise<void> {
    const next = new Map<number, bigint>();
    for (const record of records) {
      this.#outstanding.set(record.partition, Math.max(0, (this.#outstanding.get(record.partition) ?? 0) - 1));
      if (record.offset + 1n > (next.get(record.partition) ?? 0n)) next.set(record.partition, record.offset + 1n);
    }
    await this.#commitOffsets(this.#advances(next));
  }

  /**
   * Per partition, the offset below which everything is done: handed out and committed (or about to
   * be, in `next`), or never to be handed out (tombstones, aborted records, transaction markers).
   * A partition with records handed out and not committed keeps just `next`.
   */
  #advances(next: Map<number, bigint>): Map<number, bigint> {
    const stream = this.#stream;
    const firstBuffered = new Map<number, bigint>();
    for (const entry of this.#buffer) if (!firstBuffered.has(entry.partition)) firstBuffered.set(entry.partition, entry.offset);
    const prefix = `${this.#options.topic}:`;
    const partitions = new Set<number>([...this.#takenThrough.keys(), ...next.keys()]);
    for (const key of stream?.offsetsToFetch.keys() ?? []) if (key.startsWith(prefix)) partitions.add(Number(key.slice(prefix.length)));
    const result = new Map<number, bigint>();
    for (const partition of partitions) {
      let done = next.get(partition) ?? 0n;
      if ((this.#outstanding.get(partition) ?? 0) === 0) {
        const taken = this.#takenThrough.get(partition) ?? 0n;
        // Received records not yet in our buffer sit in the stream's: then only what we took is done.
        const position = stream && stream.readableLength === 0 ? (stream.offsetsToFetch.get(`${prefix}${partition}`) ?? 0n) : 0n;
        const buffered = firstBuffered.get(partition);
        const through = buffered ?? (taken > position ? taken : position);
        if (through > done) done = through;
      }
      if (done > 0n) result.set(partition, done);
    }
    return result;
  }

  async #commitOffsets(next: Map<number, bigint>): Promise<void> {
    const topic = this.#options.topic;
    const offsets = [...next].filter(([partition, offset]) => offset > (this.#committed.get(partition) ?? 0n));
    if (offsets.length === 0) return;
    try {
      await this.#rideThrough(`commit offsets of ${topic}`, async () => {
        const metadata = await this.#consumer.metadata({ topics: [topic] });
        const epochs = metadata.topics.get(topic)?.partitions.map((p) => p.leaderEpoch) ?? [];
        await this.#consumer.commit({
          offsets: offsets.map(([partition, offset]) => ({ topic, partition, offset, leaderEpoch: epochs[partition] ?? -1 })),
        });
      });
      this.#outage.ok();
    } catch (error) {
      throw this.#wrap(error, `commit offsets of ${topic} for group ${this.#options.groupId}`);
    }
    for (const [partition, offset] of offsets) this.#committed.set(partition, offset);
  }

  /**
   * End offsets per partition: for a read_committed reader (last stable offsets: open transactions
   * excluded) by default, else as written (high watermarks, open transactions included).
   */
  async endOffsets(readCommitted = true): Promise<bigint[]> {
    const topic = this.#options.topic;
    try {
      const offsets = await this.#rideThrough(`list end offsets of ${topic}`, () => this.#consumer.listOffsets({ topics: [topic], isolationLevel: readCommitted ? 1 : 0 }));
      return [...(offsets.get(topic) ?? [])];
    } catch (error) {
      throw this.#wrap(error, `list end offsets of ${topic}`);
    }
  }

  /**
   * True when the group's offsets, as committed by this source, are at or past `targets[p]`: every
   * result below them was delivered. Assumes this source is the only member of its group, as the
   * harness runs it; an idle source commits within one poll of catching up.
   */
  reached(targets: readonly bigint[]): boolean {
    return targets.every((target, partition) => target <= (this.#committed.get(partition) ?? 0n));
  }

  /** Caught up with the topic as it is now: every committed result in it has been delivered. */
  async caughtUp(): Promise<boolean> {
    return this.reached(await this.endOffsets());
  }

  #rideThrough<T>(what: string, operation: () => Promise<T>): Promise<T> {
    return withKafkaRideThrough(what, operation, {
      client: 'delivery sink consumer',
      bootstrap: this.#kafka.bootstrapServers,
      clearMetadata: () => this.#consumer.clearMetadata(),
      recover: async (error) => {
        if (needsNewClient(error) && !this.#closing) await this.#rebuildConsumer();
      },
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    this.#wake();
    await this.#stream?.close().catch(() => undefined);
    await closeConsumer(this.#consumer);
  }

  #throwIfFailed(): void {
    if (this.#failure) throw this.#wrap(this.#failure, `consume ${this.#options.topic}`);
  }

  #wrap(error: unknown, what: string): StreamproofError {
    if (error instanceof StreamproofError) return error;
    const message = error instanceof Error ? error.message : String(error);
    const where = this.#kafka.bootstrapServers.join(',');
    if (isNetworkFailure(error)) {
      return new StreamproofError(ERROR_CODES.SERVICE_UNREACHABLE, `cannot ${what}: Kafka at ${where} did not answer (${message})`, {
        hint: 'is the stack running? check `npm run stack -- status`',
        cause: error,
      });
    }
    return new StreamproofError(ERROR_CODES.DELIVERY_FAILED, `delivery source could not ${what} at ${where}: ${message}`, {
      hint: 'check the cluster with `npm run stack -- status`; the uncommitted results are read again on the next start',
      cause: error,
    });
  }
}

/** True when the client's error (an AggregateError tree with causes) bottoms out in a network failure. */
function isNetworkFailure(error: unknown, depth = 0): boolean {
  if (!(error instanceof Error) || depth > 5) return false;
  const code = (error as Error & { code?: unknown }).code;
  if (code === 'PLT_KFK_NETWORK' || (typeof code === 'string' && /^E(CONNREFUSED|CONNRESET|HOSTUNREACH|NETUNREACH|TIMEDOUT|NOTFOUND|AI_AGAIN)$/.test(code))) return true;
  const inner = (error as Error & { errors?: unknown }).errors;
  if (Array.isArray(inner) && inner.some((e) => isNetworkFailure(e, depth + 1))) return true;
  return isNetworkFailure(error.cause, depth + 1);
}
