import { Admin, Consumer, stringDeserializers, type Message } from '@platformatic/kafka';
import type { KafkaEndpoints } from '../base/endpoints.js';
import { kafkaConnectionOptions } from './client-options.js';
import { closeConsumer } from './close-consumer.js';
import { installReadCommittedFilter } from './read-committed-filter.js';
import { installDeadCoordinatorGuard } from './dead-coordinator-guard.js';
import { isCoordinatorLost, needsNewClient } from './ride-through.js';
import { createAckedProducer, createTransactionalProducer, type StringProducer } from './transactional-producer.js';

// Correct read_committed filtering for every client of this process (see read-committed-filter.ts).
installReadCommittedFilter();
installDeadCoordinatorGuard();

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
  /** Which fetch stream delivered it: every reseek() starts a new one (see ProcessorIo.streamEpoch). */
  streamEpoch: number;
  /** The client's message, needed for TxnOffsetCommit; opaque to the processor. */
  readonly handle: unknown;
}

export interface OutputMessage {
  topic: string;
  key: string;
  /** null = tombstone (compacted topics). */
  value: string | null;
  /** Explicit partition (the changelog is co-partitioned with the input); default: by key. */
  partition?: number;
}

export interface Assignment {
  generationId: number;
  partitions: number[];
  /** This member's id in that generation (for fenced offset commits). */
  memberId?: string;
}

/**
 * The group membership a transaction's offset commit is made under. The group coordinator
 * rejects a TxnOffsetCommit from an older generation, so a transaction built on state from a
 * superseded assignment can never commit (KIP-447 fencing), even when it carries no records.
 */
export interface TransactionFence {
  generationId: number;
  memberId: string;
  /** Input partition → next offset to read (what the group's committed offset becomes). */
  offsets: ReadonlyMap<number, bigint>;
}

export interface TransactionHooks {
  /** Runs after outputs and offsets are in the transaction, before EndTxn (tests: crash points). */
  beforeCommit?: () => Promise<void>;
}

/** Kafka error names (e.g. PRODUCER_FENCED) found anywhere in a client error's cause chain. */
export function kafkaErrorIds(error: unknown): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown, depth: number): void => {
    if (typeof value !== 'object' || value === null || depth > 6) return;
    const record = value as { apiId?: unknown; errors?: unknown; cause?: unknown };
    if (typeof record.apiId === 'string') ids.add(record.apiId);
    if (Array.isArray(record.errors)) for (const inner of record.errors) visit(inner, depth + 1);
    visit(record.cause, depth + 1);
  };
  visit(error, 0);
  return [...ids];
}

/** Another producer with our transactional id exists: this instance is a zombie and must stop. */
export function isFencedError(error: unknown): boolean {
  return kafkaErrorIds(error).some((id) => id === 'PRODUCER_FENCED' || id === 'INVALID_PRODUCER_EPOCH' || id === 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED');
}

/**
 * The fetch stream failed (it fetched from a partition leader that died, and the client gave up
 * after its retries) while the group member itself is fine. `reseek()` re-opens the stream from
 * the committed offsets after fresh metadata, on the same member: no rebalance, so the other
 * instances keep their partitions and state. A rebuilt member (restart in place) would leave
 * and rejoin the group and make every instance restore again.
 */
export class InputStreamFailed extends Error {
  constructor(cause: Error) {
    super(`input fetch stream failed: ${cause.message}`, { cause });
    this.name = 'InputStreamFailed';
  }
}

export function isInputStreamFailure(error: unknown): error is InputStreamFailed {
  return error instanceof InputStreamFailed;
}

/**
 * exactly-once: one Kafka transaction per batch. at-least-once (the negative control): the same
 * batches without transactions — the outputs are sent (acks=all) and, once every send is
 * acknowledged, the input offsets are committed with OffsetCommit under the same generation and
 * member id. A crash between the two leaves the outputs (and changelog) of a batch whose input is
 * read again: the batch is counted twice.
 */
export type DeliveryGuarantee = 'exactly-once' | 'at-least-once';

export interface ProcessorIoOptions {
  guarantee?: DeliveryGuarantee;
  groupId: string;
  /** Stable per instance across restarts, so a restarted instance fences its zombie. */
  transactionalId: string;
  clientId: string;
  inputTopic: string;
  /** Transaction timeout; an instance killed mid-transaction blocks readers at most this long. */
  transactionTimeoutMs?: number;
  sessionTimeoutMs?: number;
}

/**
 * How long one step of a transaction (begin, a send, an offset commit, EndTxn) may take before
 * the producer is given up as stuck on a dead coordinator (#bounded). Steps take milliseconds;
 * 5 s leaves a busy machine a wide margin (a step given up on wrongly costs one aborted
 * transaction and a new producer, never correctness) and bounds what a dead coordinator costs.
 */
export const TRANSACTION_STEP_DEADLINE_MS = 5_000;

/** A transaction step that did not complete in time; the producer is replaced (transient). */
export class TransactionStepStalled extends Error {
  constructor(step: string, deadlineMs: number) {
    super(`${step} did not complete within ${deadlineMs / 1000} s (its transaction coordinator may be dead); replacing the producer`);
    this.name = 'TransactionStepStalled';
  }
}

function needsNewProducer(error: unknown): boolean {
  return error instanceof TransactionStepStalled || isCoordinatorLost(error);
}

/** Bytes of keys and values per produce call inside a transaction (see commitTransaction). */
const MAX_SEND_BYTES = 512 * 1024;

/** Consecutive chunks whose key + value bytes stay within maxBytes (a larger single record gets its own). */
export function chunkByBytes(outputs: readonly OutputMessage[], maxBytes: number): OutputMessage[][] {
  const chunks: OutputMessage[][] = [];
  let current: OutputMessage[] = [];
  let bytes = 0;
  for (const output of outputs) {
    const size = Buffer.byteLength(output.key) + (output.value === null ? 0 : Buffer.byteLength(output.value)) + 64;
    if (current.length > 0 && bytes + size > maxBytes) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(output);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

type InputStream = Awaited<ReturnType<Consumer<string, string, string, string>['consume']>>;

export class ProcessorIo {
  readonly #kafka: KafkaEndpoints;
  readonly #options: ProcessorIoOptions;
  readonly #consumer: Consumer<string, string, string, string>;
  #producer: StringProducer;
  /** The transaction coordinator the producer cached is gone: replace it before the next transaction. */
  #producerStale = false;
  #stream: InputStream | null = null;
  #streamEpoch = 0;
  #admin: Admin | null = null;
  #buffer: InputRecord[] = [];
  #waiter: (() => void) | null = null;
  #paused = false;
  /** The group member failed (background rejoin, dead coordinator): only a rebuild heals it. */
  #failure: Error | null = null;
  /** The current fetch stream failed: a reseek() heals it (see InputStreamFailed). */
  #streamFailure: InputStreamFailed | null = null;
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
    // A failed background rejoin is emitted on the consumer itself (a broker died): a failure of
    // the input like a failed stream, which the runtime restarts in place from; with no listener
    // it would kill the instance.
    this.#consumer.on('error', (error: Error) => {
      this.#failure ??= error;
      this.#wake();
    });
    this.#watchHeartbeats(options.sessionTimeoutMs ?? 10_000);
    this.#producer = this.#newProducer();
  }

  /**
   * Workaround (1.35): a heartbeat that fails with a network error (its coordinator died) is
   * retried every interval, forever, against the coordinator the consumer cached; the consumer
   * never learns that the group moved on without it. Seen in
   * test/integration/processor/coordinator-loss.test.ts: an instance out of the group for 55 s,
   * unaware, committing nothing while another took its partitions. Once heartbeats have failed
   * for a session timeout the coordinator has dropped the member anyway (sooner when the
   * coordinator is known gone): fail the member, so the runtime rebuilds it and the new consumer
   * looks the coordinator up again.
   */
  #watchHeartbeats(sessionTimeoutMs: number): void {
    let failingSinceMs: number | null = null;
    this.#consumer.on('consumer:heartbeat:error', (payload: { error?: unknown } | undefined) => {
      const now = Date.now();
      failingSinceMs ??= now;
      const cause = payload?.error;
      if (!isCoordinatorLost(cause) && now - failingSinceMs < sessionTimeoutMs) return;
      this.#failure ??= new Error(`heartbeats to the group coordinator failed for ${now - failingSinceMs} ms: the member is rebuilt to find the coordinator that took over`, { cause });
      this.#wake();
    });
    this.#consumer.on('consumer:heartbeat:end', () => {
      failingSinceMs = null;
    });
  }

  #newProducer(): StringProducer {
    const options = this.#options;
    return options.guarantee === 'at-least-once'
      ? createAckedProducer(this.#kafka, { clientId: `${options.clientId}-acked` })
      : createTransactionalProducer(this.#kafka, {
          clientId: `${options.clientId}-tx`,
          transactionalId: options.transactionalId,
          ...(options.transactionTimeoutMs === undefined ? {} : { transactionTimeoutMs: options.transactionTimeoutMs }),
        });
  }

  /**
   * Workaround (1.35): the producer caches its transaction coordinator for life, like a consumer
   * its group coordinator (ride-through.ts, isCoordinatorLost). Once that broker died, every
   * transaction of the producer failed with NOT_COORDINATOR or 'No such broker' after the client's
   * retries (seen: 45 s, then 12 s, in the broker-kill e2e) until the broker came back. A new
   * producer looks the coordinator up again; its InitProducerId (#fenceZombies) bumps the epoch,
   * which fences the old producer and aborts the transaction it left open, so nothing of the
   * failed transaction can commit later. The old one is closed in the background: its requests
   * may wait on the dead broker, and it is fenced whatever they do.
   */
  async #replaceProducer(): Promise<void> {
    const old = this.#producer;
    this.#producer = this.#newProducer();
    void old.close().catch(() => undefined);
    await this.#bounded('InitProducerId of the replacement producer', this.#fenceZombies());
    this.#producerStale = false;
  }

  /**
   * Workaround (1.35): a transaction step sent to a dead coordinator retries inside retries — each
   * of the 11 attempts of e.g. AddPartitionsToTxn runs 11 attempts to connect to the coordinator
   * (~5 s of back-off) — so one step took ~50 s, until the broker came back (seen in
   * test/integration/processor/coordinator-loss.test.ts). A step that has not completed within
   * TRANSACTION_STEP_DEADLINE_MS is given up: the producer is replaced, which fences it.
   */
  async #bounded<T>(step: string, operation: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TransactionStepStalled(step, TRANSACTION_STEP_DEADLINE_MS)), TRANSACTION_STEP_DEADLINE_MS);
    });
    // Promise.resolve: a client call that has nothing to do may return undefined, not a promise.
    operation = Promise.resolve(operation);
    operation.catch(() => undefined); // given up on: its late failure is nobody's
    try {
      return await Promise.race([operation, deadline]);
    } finally {
      clearTimeout(timer);
    }
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
      onAssignment({ generationId: this.#consumer.generationId, partitions, memberId: this.#consumer.memberId ?? undefined });
    });
    // Initialise the transactional producer first: this fences any zombie with our id and
    // aborts the transaction it may have left open.
    if (this.#options.guarantee !== 'at-least-once') await this.#fenceZombies();
    this.#stream = await this.#consumer.consume(this.#consumeOptions());
    this.#attach(this.#stream, this.#streamEpoch);
  }

  /**
   * InitProducerId for our transactional id, as a new producer (producerId/epoch −1: the client's
   * default of 0/0 makes the coordinator answer PRODUCER_FENCED for any id that already exists,
   * i.e. on every restart). The coordinator bumps the epoch, which fences a zombie, and aborts its
   * open transaction (answering CONCURRENT_TRANSACTIONS, which the client retries, until that is
   * done). Beginning a
   * transaction is the client's only way to run a transactional InitProducerId; it is then
   * cancelled locally (nothing was sent in it) and later transactions reuse the producer id.
   * Still needed on 1.35.0: client-workarounds.test.ts (workaround 2) fails without it.
   */
  async #fenceZombies(): Promise<void> {
    // A failed begin leaves the client's transaction slot taken: the caller rebuilds this ProcessorIo.
    const transaction = await this.#producer.beginTransaction({ producerId: -1n, producerEpoch: -1 });
    await transaction.cancel();
  }

  #consumeOptions(): Parameters<Consumer<string, string, string, string>['consume']>[0] {
    return {
      topics: [this.#options.inputTopic],
      mode: 'committed',
      fallbackMode: 'earliest',
      autocommit: false,
      isolationLevel: 1,
      maxWaitTime: 100,
      // Small per-partition slices keep a backlog's partitions advancing together (a 10 MB slice
      // of one partition would let it run far ahead of the others in event time).
      maxBytesPerPartition: 256 * 1024,
      sessionTimeout: this.#options.sessionTimeoutMs ?? 10_000,
      heartbeatInterval: 1_000,
    };
  }

  #attach(stream: InputStream, epoch: number): void {
    stream.on('data', (message: Message<string, string, string, string>) => {
      if (epoch !== this.#streamEpoch) return; // a replaced stream: its records are stale
      const consumerMeta = (message.metadata as { consumer?: { generationId?: number } }).consumer;
      this.#buffer.push({
        partition: message.partition,
        offset: message.offset,
        key: message.key ?? null,
        value: message.value ?? null,
        timestampMs: Number(message.timestamp),
        generationId: consumerMeta?.generationId ?? -1,
        streamEpoch: epoch,
        handle: message,
      });
      if (this.#buffer.length >= this.#maxBuffered && !this.#paused) {
        this.#paused = true;
        stream.pause();
      }
      this.#wake();
    });
    stream.on('error', (error: Error) => {
      if (epoch !== this.#streamEpoch) return;
      // A dead group coordinator is cached by the member for life, a garbled connection stays
      // garbled (ride-through.ts, needsNewClient): only a rebuilt member heals either.
      if (needsNewClient(error)) this.#failure ??= error;
      else this.#streamFailure ??= new InputStreamFailed(error);
      this.#wake();
    });
  }

  /** Epoch of the current fetch stream (InputRecord.streamEpoch). */
  get streamEpoch(): number {
    return this.#streamEpoch;
  }

  /**
   * Re-reads every assigned partition from the group's committed offsets: opens a new fetch
   * stream, then closes the old one (opening first keeps the topic subscribed, so this causes no
   * rebalance). Buffered records are dropped; late ones of the old stream are ignored. The
   * metadata is dropped first, so a stream that failed on a dead leader finds the new one.
   * Returns the new stream epoch.
   */
  async reseek(): Promise<number> {
    const old = this.#stream;
    this.#streamFailure = null;
    this.#consumer.clearMetadata();
    this.#streamEpoch += 1;
    const epoch = this.#streamEpoch;
    this.#buffer = [];
    this.#paused = false;
    const stream = await this.#consumer.consume(this.#consumeOptions());
    this.#stream = stream;
    this.#attach(stream, epoch);
    await old?.close().catch(() => undefined);
    return epoch;
  }

  #adminClient(): Admin {
    this.#admin ??= new Admin({
      ...(kafkaConnectionOptions(this.#kafka, `${this.#options.clientId}-admin`) as object),
      clientId: `${this.#options.clientId}-admin`,
      bootstrapBrokers: this.#kafka.bootstrapServers,
    } as ConstructorParameters<typeof Admin>[0]);
    return this.#admin;
  }

  /**
   * The group's committed offsets of `partitions` with require_stable (KIP-447): while another
   * member's transaction holding offsets for them is undecided, the coordinator answers
   * UNSTABLE_OFFSET_COMMIT and this waits (up to `timeoutMs`), so the answer never predates a
   * commit that is about to land. A partition with no committed offset gets its earliest offset
   * (the consumer's fallback).
   */
  async committedOffsets(partitions: number[], timeoutMs: number): Promise<Map<number, bigint>> {
    try {
      return await this.#committedOffsets(partitions, timeoutMs);
    } catch (error) {
      // The next attempt builds a new admin client: this one may hold metadata or a coordinator of a broker that died.
      const admin = this.#admin;
      this.#admin = null;
      void admin?.close().catch(() => undefined);
      throw error;
    }
  }

  async #committedOffsets(partitions: number[], timeoutMs: number): Promise<Map<number, bigint>> {
    const result = new Map<number, bigint>();
    if (partitions.length === 0) return result;
    const admin = this.#adminClient();
    const topic = this.#options.inputTopic;
    const deadline = Date.now() + timeoutMs;
    let committed: Awaited<ReturnType<Admin['listConsumerGroupOffsets']>>;
    for (;;) {
      try {
        committed = await admin.listConsumerGroupOffsets({
          groups: [{ groupId: this.#options.groupId, topics: [{ name: topic, partitionIndexes: partitions }] }],
          requireStable: true,
        });
        break;
      } catch (error) {
        if (!kafkaErrorIds(error).includes('UNSTABLE_OFFSET_COMMIT') || Date.now() > deadline) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    for (const t of committed[0]?.topics ?? []) {
      if (t.name !== topic) continue;
      for (const p of t.partitions) if (p.committedOffset >= 0n) result.set(p.partitionIndex, p.committedOffset);
    }
    const missing = partitions.filter((p) => !result.has(p));
    if (missing.length > 0) {
      const earliest = await admin.listOffsets({
        topics: [{ name: topic, partitions: missing.map((partitionIndex) => ({ partitionIndex, timestamp: -2n })) }],
        isolationLevel: 1,
      } as Parameters<Admin['listOffsets']>[0]);
      for (const p of earliest[0]?.partitions ?? []) result.set(p.partitionIndex, p.offset);
    }
    return result;
  }

  #wake(): void {
    const waiter = this.#waiter;
    this.#waiter = null;
    waiter?.();
  }

  get currentGenerationId(): number {
    return this.#consumer.generationId;
  }

  #throwFailure(): void {
    if (this.#failure) throw this.#failure;
    if (this.#streamFailure) throw this.#streamFailure;
  }

  /** Takes up to `maxRecords` buffered records, waiting up to `maxWaitMs` for the first one. */
  async nextBatch(maxRecords: number, maxWaitMs: number): Promise<InputRecord[]> {
    this.#throwFailure();
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
    this.#throwFailure();
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

  /**
   * One transaction under `fence`: outputs (changelog entries to their explicit partitions), then
   * one TxnOffsetCommit per fenced partition with the fence's generation and member id, then
   * EndTxn. Throws if it could not commit (it is aborted first); nothing of it is visible then.
   */
  async commitTransaction(outputs: OutputMessage[], fence: TransactionFence, hooks: TransactionHooks = {}): Promise<void> {
    if (this.#options.guarantee === 'at-least-once') return this.#sendThenCommitOffsets(outputs, fence, hooks);
    if (this.#producerStale) await this.#replaceProducer();
    let transaction: Awaited<ReturnType<StringProducer['beginTransaction']>>;
    try {
      transaction = await this.#bounded('beginTransaction', this.#producer.beginTransaction());
    } catch (error) {
      if (needsNewProducer(error)) this.#producerStale = true;
      throw error;
    }
    try {
      // The client puts all records of one partition in one record batch; brokers refuse batches
      // over message.max.bytes (1 MB by default). Bounding each send's bytes bounds every batch.
      for (const chunk of chunkByBytes(outputs, MAX_SEND_BYTES)) {
        await this.#bounded(
          'a transactional send',
          transaction.send({
            messages: chunk.map((o) =>
              o.partition === undefined
                ? { topic: o.topic, key: o.key, value: o.value as string }
                : { topic: o.topic, key: o.key, value: o.value as string, partition: o.partition },
            ),
          }),
        );
      }
      if (fence.offsets.size > 0) {
        await this.#bounded('AddOffsetsToTxn', transaction.addConsumer(this.#consumer));
        const consumer = { groupId: this.#options.groupId, memberId: fence.memberId, generationId: fence.generationId, coordinatorId: this.#consumer.coordinatorId };
        // addOffset commits `offset + 1` of the message it is given, under the message's group metadata.
        for (const [partition, nextOffset] of fence.offsets) {
          const position = { topic: this.#options.inputTopic, partition, offset: nextOffset - 1n, metadata: { consumer } };
          await this.#bounded('TxnOffsetCommit', transaction.addOffset(position as unknown as Message<string, string, string, string>));
        }
      }
      // Not bounded: the crash tests hold a transaction open here on purpose.
      await hooks.beforeCommit?.();
      await this.#bounded('EndTxn (commit)', transaction.commit());
    } catch (error) {
      // An abort sent to a dead coordinator stalls like any step, so it is bounded too. When it
      // cannot be sent or did not complete, a new producer's InitProducerId fences this one and
      // aborts what it left open; done now, so the restore that follows does not wait for the
      // transaction timeout on offsets this transaction still holds.
      const aborted = !needsNewProducer(error) && (await this.#bounded('EndTxn (abort)', transaction.abort()).then(() => true, () => false));
      // A fenced producer is the zombie: a new InitProducerId would fence the live instance.
      if (!aborted && !isFencedError(error)) {
        this.#producerStale = true;
        await transaction.cancel().catch(() => undefined);
        await this.#replaceProducer().catch(() => undefined); // still stale: the next transaction tries again
      }
      throw error;
    }
  }

  /**
   * at-least-once: the same outputs in the same chunks, each send acknowledged (acks=all) before
   * the next, then `beforeCommit` (the crash tests' hold point: outputs visible, offsets not yet
   * committed), then one OffsetCommit of the fence's offsets. Nothing is rolled back on failure:
   * what was sent stays, and the input is read again from the last committed offsets.
   */
  async #sendThenCommitOffsets(outputs: OutputMessage[], fence: TransactionFence, hooks: TransactionHooks): Promise<void> {
    for (const chunk of chunkByBytes(outputs, MAX_SEND_BYTES)) {
      await this.#producer.send({
        messages: chunk.map((o) =>
          o.partition === undefined
            ? { topic: o.topic, key: o.key, value: o.value as string }
            : { topic: o.topic, key: o.key, value: o.value as string, partition: o.partition },
        ),
      });
    }
    await hooks.beforeCommit?.();
    if (fence.offsets.size === 0) return;
    if (this.#consumer.generationId !== fence.generationId) {
      // The client commits under its current generation: offsets of a batch from an older one
      // are left to the partitions' new owner, which reads the batch again (at least once).
      throw new Error(`offsets of generation ${fence.generationId} not committed: the group is at generation ${this.#consumer.generationId}`);
    }
    await this.#consumer.commit({
      offsets: [...fence.offsets].map(([partition, offset]) => ({ topic: this.#options.inputTopic, partition, offset, leaderEpoch: -1 })),
    });
  }

  async close(): Promise<void> {
    await this.#admin?.close().catch(() => undefined);
    await this.#stream?.close().catch(() => undefined);
    await closeConsumer(this.#consumer);
    await this.#producer.close().catch(() => undefined);
  }
}
