import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_CODES, formatError, isStreamproofError, StreamproofError } from '../../base/errors.js';
import { FailureClock, KAFKA_RIDE_THROUGH } from '../../base/ride-through.js';
import { isFencedError, isInputStreamFailure, kafkaErrorIds, type Assignment } from '../../kafka/processor-io.js';
import type { Clock } from '../../base/clock.js';
import { OffsetContinuity } from './continuity.js';
import { ProcessorCore, type ProcessorOutputs } from './core.js';
import { hasOutputs, toOutputRecords, type OutputTopics } from './encode.js';
import type { ProcessorInput, ProcessorPorts } from './kafka-ports.js';
import { NO_METRICS, type ProcessorMetricsRecorder } from './metrics.js';
import type { ProcessorRuntimeConfig } from './runtime-config.js';
import { emptyStatus, type ProcessorHooks, type ProcessorState, type ProcessorStatus, type TransactionEvent } from './runtime-status.js';

/**
 * One processor instance: a loop of  batch → core → one Kafka transaction  over the ports.
 *
 * Exactly-once rests on three rules:
 *   1. State and offsets move together. Each transaction holds the batch's outputs, its changelog
 *      entries and the input offsets; the in-memory core is only ever ahead of what is committed
 *      by the batch being committed. When a transaction fails, that state is thrown away and
 *      rebuilt: stable committed offsets (require_stable), then the changelog read once no
 *      transaction is open on its partitions, then a re-seek of the input to those offsets.
 *   2. Every transaction is fenced by the group generation of the assignment its state was built
 *      for (TxnOffsetCommit with that generation, even when no input advanced), so an instance
 *      that lost partitions in a rebalance cannot commit output for them.
 *   3. Only the next offset of each partition is applied (continuity.ts): stale, repeated and
 *      out-of-sequence records are dropped, never silently skipped over.
 * Every group join rebuilds all state from the changelog (simple, and only costs a read of a
 * compacted topic). A failure that is not a transaction failure (a failed group member, a third
 * failed restore in a row) or three failed transactions in a row rebuild the input client itself
 * ("restart in place": leave and rejoin the group) — except a failed fetch stream (a partition leader died):
 * that is re-opened from the committed offsets on the same group member, since leaving the group
 * would make every other instance restore too (seen: a broker kill turned into four rebalances
 * and ~15 s without a committed window). A fenced producer means another process took over our
 * transactional id: this instance stops. Restarts in place ride through a broker failure for
 * KAFKA_RIDE_THROUGH.budgetMs (60 s) without a restore that completes or a batch that is
 * processed; then the instance fails with SP_SERVICE_UNREACHABLE (docs/kafka-client.md).
 */
export interface ProcessorRuntimeOptions {
  config: ProcessorRuntimeConfig;
  topics: OutputTopics;
  ports: ProcessorPorts;
  clock: Clock;
  metrics?: ProcessorMetricsRecorder;
  hooks?: ProcessorHooks;
  log?: (line: string) => void;
}

export interface ProcessorOutcome {
  state: 'stopped' | 'fenced' | 'failed';
  error?: unknown;
}

interface Active {
  assignment: Assignment;
  core: ProcessorCore;
  /** Next offset per assigned partition as last committed (or found at restore). */
  committed: Map<number, bigint>;
}

const MAX_FAILED_TRANSACTIONS = 3;
/** A loop step that has waited this long is logged (and again every as long). */
const STALL_REPORT_MS = 15_000;

/** Restores retried on the same group member before it is rebuilt (a restart in place). */
const MAX_FAILED_RESTORES = 2;

/** A restore (committed offsets, changelog, re-seek) failed; the assignment it was for is pending again. */
class RestoreFailed extends Error {
  constructor(cause: unknown) {
    super(`restore failed: ${describeKafkaError(cause)}`, { cause });
    this.name = 'RestoreFailed';
  }
}

function describeKafkaError(error: unknown): string {
  const ids = kafkaErrorIds(error);
  return `${(error as Error).message}${ids.length ? ` [${ids.join(', ')}]` : ''}`;
}

export class ProcessorRuntime {
  readonly #options: ProcessorRuntimeOptions;
  readonly #metrics: ProcessorMetricsRecorder;
  readonly #log: (line: string) => void;
  readonly #continuity = new OffsetContinuity();
  readonly #status: ProcessorStatus = emptyStatus();
  #input: ProcessorInput | null = null;
  #pending: Assignment | null = null;
  #active: Active | null = null;
  #stopping = false;
  #failedTransactions = 0;
  #failedRestores = 0;
  #txnSeq = 0;
  #lagTimer: NodeJS.Timeout | null = null;
  /** What the loop is waiting on, and since when: a step stuck past STALL_REPORT_MS is logged. */
  #doing = { what: 'starting', sinceMs: 0, reportedAtMs: 0 };
  #stallTimer: NodeJS.Timeout | null = null;
  #done: Promise<ProcessorOutcome> | null = null;
  /** Since when nothing has worked (no restore completed, no batch processed). */
  readonly #failures = new FailureClock(KAFKA_RIDE_THROUGH.budgetMs);

  constructor(options: ProcessorRuntimeOptions) {
    this.#options = options;
    this.#metrics = options.metrics ?? NO_METRICS;
    this.#log = options.log ?? (() => undefined);
  }

  /** Checks the topics, joins the group and starts the loop; resolves once running. */
  async start(): Promise<void> {
    try {
      await this.#options.ports.store.validate();
      const joining = new FailureClock(KAFKA_RIDE_THROUGH.budgetMs);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.#connect();
          break;
        } catch (error) {
          await this.#closeInput();
          if (joining.fail() || isFencedError(error)) throw error;
          this.#log(`joining failed (attempt ${attempt}), retrying: ${formatError(error)}`);
          await sleep(1_000);
        }
      }
    } catch (error) {
      await this.#options.ports.store.close();
      throw error;
    }
    await this.#sampleLag();
    this.#lagTimer = setInterval(() => void this.#sampleLag(), this.#options.config.lagIntervalMs);
    this.#stallTimer = setInterval(() => this.#reportStall(), STALL_REPORT_MS / 3);
    this.#stallTimer.unref();
    this.#done = this.#run();
  }

  /** Resolves when the loop has ended (after stop(), fencing or a fatal error). */
  get done(): Promise<ProcessorOutcome> {
    return this.#done ?? Promise.resolve({ state: 'stopped' });
  }

  get status(): ProcessorStatus {
    return { ...this.#status, partitions: [...this.#status.partitions], committedOffsets: { ...this.#status.committedOffsets } };
  }

  /** Graceful: the transaction in flight commits (or aborts), then the instance leaves the group. */
  async stop(): Promise<ProcessorOutcome> {
    this.#stopping = true;
    if (this.#status.state === 'running' || this.#status.state === 'restoring') this.#setState('stopping');
    return this.done;
  }

  async #connect(): Promise<void> {
    const input = this.#options.ports.createInput();
    this.#input = input;
    await input.start((assignment) => {
      if (this.#input === input) this.#pending = assignment;
    });
  }

  async #run(): Promise<ProcessorOutcome> {
    let outcome: ProcessorOutcome = { state: 'stopped' };
    let backoffMs = 0;
    while (!this.#stopping) {
      try {
        if (!this.#input) {
          this.#markDoing('joining the group');
          await this.#connect();
        }
        if (this.#pending) {
          this.#markDoing('restoring');
          await this.#restore();
        } else if (this.#active) await this.#step(this.#active);
        else await sleep(50); // joined, no assignment yet
        backoffMs = 0;
        if (this.#active) this.#failures.ok();
      } catch (error) {
        this.#status.lastError = formatError(error);
        if (isFencedError(error)) {
          this.#log(`fenced: another instance uses transactional id of this one; stopping (${this.#status.lastError})`);
          outcome = { state: 'fenced', error };
          break;
        }
        if (isStreamproofError(error) && error.code === ERROR_CODES.INVALID_CHANGELOG) {
          this.#log(this.#status.lastError);
          outcome = { state: 'failed', error };
          break;
        }
        if (this.#failures.fail()) {
          const seconds = (this.#failures.failingForMs() / 1000).toFixed(1);
          const error2 = new StreamproofError(ERROR_CODES.SERVICE_UNREACHABLE,
            `processor could not consume, restore or commit for ${seconds} s (ride-through budget spent; last error: ${describeKafkaError(error)})`, {
              hint: 'a broker stayed down longer than the processor rides through: check `npm run stack -- status`',
              cause: error,
            });
          this.#status.lastError = formatError(error2);
          this.#log(this.#status.lastError);
          outcome = { state: 'failed', error: error2 };
          break;
        }
        if (this.#active && isInputStreamFailure(error) && (await this.#reseekAfterStreamFailure(error))) continue;
        // A failed restore is retried on the same member first: rebuilding it leaves the group,
        // which makes every other instance restore too.
        if (error instanceof RestoreFailed && this.#input && this.#pending && ++this.#failedRestores <= MAX_FAILED_RESTORES) {
          this.#log(`${error.message}; retrying it on the same group member in 500 ms`);
          await sleep(500);
          continue;
        }
        // Capped at 4 s: a broker back after 10–15 s is found within a few seconds, inside a 30 s recovery window.
        backoffMs = Math.min(4_000, Math.max(500, backoffMs * 2));
        this.#log(`restarting in place in ${backoffMs} ms after: ${describeKafkaError(error)}`);
        await this.#closeInput();
        this.#status.restartsInPlace += 1;
        await sleep(backoffMs);
      }
    }
    if (this.#lagTimer) clearInterval(this.#lagTimer);
    if (this.#stallTimer) clearInterval(this.#stallTimer);
    await this.#closeInput();
    await this.#options.ports.store.close();
    this.#setState(outcome.state);
    return outcome;
  }

  /**
   * The fetch stream failed but the group member did not: re-read every assigned partition from
   * the committed offsets on a new stream of the same member. The in-memory state is exactly the
   * committed state here (a step ends committed, or with a restore pending), so it is kept. False
   * if the reseek failed too: the caller restarts in place.
   */
  async #reseekAfterStreamFailure(error: unknown): Promise<boolean> {
    const input = this.#input;
    const active = this.#active;
    if (!input || !active) return false;
    this.#log(`re-reading from committed offsets on the same group member after: ${describeKafkaError(error)}`);
    try {
      const streamEpoch = await input.reseek();
      this.#continuity.noteReseek(streamEpoch, active.assignment.partitions);
      this.#status.reseeks += 1;
      return true;
    } catch (reseekError) {
      this.#log(`re-reading failed: ${describeKafkaError(reseekError)}`);
      return false;
    }
  }

  async #closeInput(): Promise<void> {
    const input = this.#input;
    this.#input = null;
    this.#active = null;
    this.#pending = null;
    this.#failedTransactions = 0;
    this.#failedRestores = 0;
    await input?.close().catch(() => undefined);
  }

  #markDoing(what: string): void {
    this.#doing = { what, sinceMs: this.#options.clock.monoMs(), reportedAtMs: 0 };
  }

  /** A step that waits for long says so in the log (a stuck client call is otherwise silent). */
  #reportStall(): void {
    const nowMs = this.#options.clock.monoMs();
    const { what, sinceMs, reportedAtMs } = this.#doing;
    if (nowMs - sinceMs < STALL_REPORT_MS || nowMs - reportedAtMs < STALL_REPORT_MS) return;
    this.#doing.reportedAtMs = nowMs;
    this.#log(`still ${what} after ${((nowMs - sinceMs) / 1000).toFixed(0)} s`);
  }

  #setState(state: ProcessorState): void {
    this.#status.state = state;
    this.#options.hooks?.onStatus?.(this.status);
  }

  /** Rebuilds all state for the pending assignment (see the class comment, rule 1). */
  async #restore(): Promise<void> {
    const input = this.#input as ProcessorInput;
    const assignment = this.#pending as Assignment;
    this.#pending = null;
    this.#active = null;
    this.#setState('restoring');
    const { config, clock } = this.#options;
    const startedMs = clock.monoMs();
    const partitions = assignment.partitions;
    let committed: Map<number, bigint>;
    let records: Awaited<ReturnType<ProcessorPorts['store']['readChangelog']>>;
    let streamEpoch: number;
    try {
      committed = await input.committedOffsets(partitions, config.restoreTimeoutMs);
      records = await this.#options.ports.store.readChangelog(partitions, config.restoreTimeoutMs);
    } catch (error) {
      if (isFencedError(error) || (isStreamproofError(error) && error.code === ERROR_CODES.INVALID_CHANGELOG)) throw error;
      this.#pending ??= assignment;
      throw new RestoreFailed(error);
    }
    if (this.#pending) return; // superseded by a newer join: start over
    try {
      streamEpoch = await input.reseek();
    } catch (error) {
      // Opening the stream is the group member's own work (its join, its committed offsets from
      // the coordinator it cached): when that fails the member is the problem — after a broker
      // kill, its coordinator is dead — so it is rebuilt at once (the caller restarts in place),
      // not retried as it was, which cost ~6 s per try in the broker-failure scenario.
      this.#pending ??= assignment;
      throw error;
    }
    const core = new ProcessorCore(config.core);
    const nowMs = clock.epochMs();
    core.assign(partitions, nowMs);
    core.restore(records, nowMs, partitions);
    this.#continuity.reset(committed, { generationId: assignment.generationId, streamEpoch });
    this.#active = { assignment, core, committed: new Map(committed) };
    this.#status.restores += 1;
    this.#failedRestores = 0;
    this.#status.generationId = assignment.generationId;
    this.#status.partitions = [...partitions];
    this.#updateGauges(core, committed);
    this.#log(
      `generation ${assignment.generationId}: partitions [${partitions.join(',')}] restored from ${records.length} changelog records ` +
        `(${core.openWindowCount} open windows) in ${Math.round(clock.monoMs() - startedMs)} ms`,
    );
    if (!this.#stopping) this.#setState('running');
  }

  async #step(active: Active): Promise<void> {
    const input = this.#input as ProcessorInput;
    const { config, clock } = this.#options;
    this.#markDoing('reading the next batch');
    const batch = await input.nextBatch(config.maxBatchRecords, config.maxBatchWaitMs);
    if (this.#pending || this.#stopping) return; // the records are re-read after the restore
    const nowMs = clock.epochMs();
    const verdict = this.#continuity.filter(batch);
    for (const gap of verdict.acceptedGaps) {
      this.#log(`warning: partition ${gap.partition} has no readable records at offsets ${gap.expected}..${gap.found - 1n} (transaction markers or aborted records); continuing at ${gap.found}`);
    }
    if (this.#endOffsets) {
      const backlog = [...this.#continuity.expected].filter(([partition, next]) => (this.#endOffsets?.[partition] ?? 0n) > next).map(([partition]) => partition);
      active.core.markActive(backlog, nowMs);
    }
    const outputs = verdict.accepted.length > 0 ? active.core.processBatch(verdict.accepted, nowMs) : active.core.tick(nowMs);
    const advanced = new Map<number, bigint>();
    for (const [partition, next] of this.#continuity.expected) if (active.committed.get(partition) !== next) advanced.set(partition, next);
    if (hasOutputs(outputs) || advanced.size > 0) {
      this.#markDoing(`committing transaction ${this.#txnSeq + 1}`);
      const committed = await this.#commit(active, outputs, advanced, verdict.accepted.length);
      if (!committed) return;
    }
    this.#updateGauges(active.core, active.committed);
    if (verdict.gaps.length > 0) {
      this.#markDoing('re-reading from committed offsets after a gap');
      const streamEpoch = await input.reseek();
      this.#continuity.noteReseek(streamEpoch, verdict.gaps.map((g) => g.partition));
      this.#status.reseeks += 1;
      this.#log(`re-reading from committed offsets: gap in partition(s) ${verdict.gaps.map((g) => `${g.partition} (expected ${g.expected}, got ${g.found})`).join(', ')}`);
    }
  }

  /** One transaction; on failure the state is discarded (a restore is scheduled). True if committed. */
  async #commit(active: Active, outputs: ProcessorOutputs, advanced: Map<number, bigint>, records: number): Promise<boolean> {
    const input = this.#input as ProcessorInput;
    const { clock, hooks, topics } = this.#options;
    const messages = toOutputRecords(outputs, topics);
    // Rule 2: a transaction with no input progress still carries one offset, to be fenced.
    let offsets = advanced;
    if (offsets.size === 0) {
      const [partition, next] = active.committed.entries().next().value as [number, bigint];
      offsets = new Map([[partition, next]]);
    }
    const event: TransactionEvent = { phase: 'begin', seq: ++this.#txnSeq, records, outputs: messages.length };
    hooks?.onTransaction?.(event);
    const startedMs = clock.monoMs();
    try {
      const fence = { generationId: active.assignment.generationId, memberId: active.assignment.memberId ?? '', offsets };
      await input.commitTransaction(messages, fence, {
        beforeCommit: async () => {
          const prepared = { ...event, phase: 'prepared' as const };
          hooks?.onTransaction?.(prepared);
          await hooks?.beforeCommit?.(prepared);
        },
      });
    } catch (error) {
      const durationMs = clock.monoMs() - startedMs;
      this.#metrics.transaction('aborted', durationMs);
      this.#status.transactionsAborted += 1;
      this.#status.lastError = formatError(error);
      hooks?.onTransaction?.({ ...event, phase: 'aborted', durationMs, error: (error as Error).message });
      if (isFencedError(error)) throw error;
      this.#failedTransactions += 1;
      if (this.#failedTransactions >= MAX_FAILED_TRANSACTIONS) throw error;
      this.#log(`transaction ${event.seq} aborted (${describeKafkaError(error)}); rebuilding state from the changelog`);
      this.#pending ??= active.assignment;
      return false;
    }
    const durationMs = clock.monoMs() - startedMs;
    this.#failedTransactions = 0;
    for (const [partition, next] of advanced) active.committed.set(partition, next);
    const s = this.#status;
    s.transactionsCommitted += 1;
    s.eventsIn += records;
    s.windowsEmitted += outputs.results.length;
    s.lateEvents += outputs.late.length;
    s.dlqEvents += outputs.dlq.length;
    this.#metrics.transaction('committed', durationMs);
    this.#metrics.eventsIn(records);
    this.#metrics.windowsEmitted(outputs.results.length);
    this.#metrics.lateEvents(outputs.late.length);
    this.#metrics.dlqEvents(outputs.dlq.length);
    hooks?.onTransaction?.({ ...event, phase: 'committed', durationMs });
    return true;
  }

  #updateGauges(core: ProcessorCore, committed: ReadonlyMap<number, bigint>): void {
    const watermarkMs = core.watermarkMs;
    this.#status.watermarkMs = Number.isFinite(watermarkMs) ? watermarkMs : null;
    this.#status.openWindows = core.openWindowCount;
    this.#status.committedOffsets = Object.fromEntries([...committed].map(([p, o]) => [String(p), o.toString()]));
    this.#metrics.openWindows(core.openWindowCount);
    this.#metrics.watermarkLagMs(Number.isFinite(watermarkMs) ? this.#options.clock.epochMs() - watermarkMs : null);
  }

  #sampling = false;
  /** raw-events end offsets at the last lag sample: partitions short of them have a backlog. */
  #endOffsets: bigint[] | null = null;

  async #sampleLag(): Promise<void> {
    if (this.#sampling) return;
    this.#sampling = true;
    try {
      const ends = await this.#options.ports.store.inputEndOffsets();
      this.#endOffsets = ends;
      const active = this.#active;
      if (!active) return;
      const lag = new Map<number, number>();
      for (const [partition, next] of active.committed) lag.set(partition, Math.max(0, Number((ends[partition] ?? next) - next)));
      this.#metrics.consumerLag(lag);
      this.#status.consumerLag = [...lag.values()].reduce((a, b) => a + b, 0);
    } catch {
      // a missed sample only delays the gauge; the loop reports real failures
    } finally {
      this.#sampling = false;
    }
  }
}
