import type { Clock } from '../../base/clock.js';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { FIREHOSE_LIMITS, planPutBatches, type FirehoseLimits, type FramedRecord, type PlannedCall } from './batching.js';
import type { DlqPort, FirehosePutPort, ResultSource, Sleep, SourceRecord } from '../../base/delivery-ports.js';
import {
  DEFAULT_RETRY_POLICY,
  classifyCallError,
  nextRetryDelayMs,
  selectFailedEntries,
  type FailureVerdict,
  type RetryPolicy,
} from './retry.js';
import { emptyDeliveryStats, type DeliveryRecorder, type DeliveryStats } from './stats.js';

/**
 * The delivery sink: polls window results, puts them to Firehose, commits the source.
 *
 * Invariants:
 *  - at-least-once: a polled batch is committed only after every record in it was accepted by
 *    Firehose or handed to the DLQ; a crash or abort before that re-reads the batch.
 *  - a retry re-sends exactly the records that were not reported accepted.
 *  - duplicates come only from re-sending after an ambiguous failure, and each such re-send is
 *    counted (duplicateRiskRecords) and reported (recorder.recordsResent with ambiguous = true).
 */

export interface DeliverySinkOptions<R extends SourceRecord> {
  streamName: string;
  source: ResultSource<R>;
  firehose: FirehosePutPort;
  dlq: DlqPort<R>;
  clock: Clock;
  sleep: Sleep;
  /** Uniform in [0, 1): backoff jitter. */
  random: () => number;
  recorder?: DeliveryRecorder<R>;
  retry?: Partial<RetryPolicy>;
  limits?: FirehoseLimits;
  pollMaxRecords?: number;
  pollTimeoutMs?: number;
  /**
   * Called when Firehose says the stream does not exist; should (re)create it, then the records
   * are retried. Without it a missing stream stops the sink with a clear error. Emulators lose
   * their streams on restart, so emulator runs pass a re-provisioning hook here.
   */
  onStreamMissing?: (streamName: string) => Promise<void>;
}

export const SINK_DEFAULTS = { pollMaxRecords: 2_000, pollTimeoutMs: 500 } as const;

class Interrupted extends StreamproofError {
  constructor() {
    super(ERROR_CODES.INTERRUPTED, 'delivery interrupted before the batch was committed', {
      hint: 'the uncommitted batch is read again on the next start (at-least-once)',
    });
  }
}

export class DeliverySink<R extends SourceRecord = SourceRecord> {
  private readonly options: DeliverySinkOptions<R>;
  private readonly policy: RetryPolicy;
  private readonly counters: DeliveryStats = emptyDeliveryStats();

  constructor(options: DeliverySinkOptions<R>) {
    this.options = options;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry };
  }

  stats(): DeliveryStats {
    return { ...this.counters };
  }

  /**
   * Polls and delivers until the signal aborts; returns the final stats. An abort mid-batch leaves
   * that batch uncommitted. Fatal delivery errors (rejected, retry budget spent) are thrown.
   */
  async run(signal: AbortSignal): Promise<DeliveryStats> {
    const maxRecords = this.options.pollMaxRecords ?? SINK_DEFAULTS.pollMaxRecords;
    const timeoutMs = this.options.pollTimeoutMs ?? SINK_DEFAULTS.pollTimeoutMs;
    try {
      while (!signal.aborted) {
        const records = await this.options.source.poll(maxRecords, timeoutMs);
        if (records.length > 0 && !signal.aborted) await this.deliver(records, signal);
      }
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
    }
    return this.stats();
  }

  /** Delivers one polled batch and commits it. Throws Interrupted (INTERRUPTED) on abort. */
  async deliver(records: readonly R[], signal?: AbortSignal): Promise<void> {
    this.counters.recordsPolled += records.length;
    const plan = planPutBatches(records, this.options.limits ?? FIREHOSE_LIMITS);
    for (const { record, reason } of plan.rejected) {
      await this.options.dlq.send(record, reason);
      this.counters.recordsDeadLettered += 1;
      this.options.recorder?.recordDeadLettered?.(record, reason);
    }
    for (const call of plan.calls) await this.putUntilAccepted(call, signal);
    if (signal?.aborted) throw new Interrupted();
    await this.options.source.commit(records);
    this.counters.recordsCommitted += records.length;
    this.options.recorder?.committed?.(records.length);
  }

  private async putUntilAccepted(call: PlannedCall<R>, signal: AbortSignal | undefined): Promise<void> {
    const { clock, recorder } = this.options;
    const startedMs = clock.monoMs();
    let pending: FramedRecord<R>[] = call.entries;
    let attempt = 0;
    for (;;) {
      if (signal?.aborted) throw new Interrupted();
      attempt += 1;
      const bytes = pending.reduce((sum, entry) => sum + entry.payload.length, 0);
      const sentAtMs = clock.monoMs();
      const outcome = await this.options.firehose.putBatch(
        this.options.streamName,
        pending.map((entry) => entry.payload),
      );
      const latencyMs = clock.monoMs() - sentAtMs;
      this.countCall(pending.length, bytes, latencyMs);

      let failed: FramedRecord<R>[];
      let verdict: FailureVerdict;
      let detail: string;
      if (outcome.kind === 'response' && outcome.entries.length === pending.length) {
        const selection = selectFailedEntries(pending, outcome.entries);
        if (selection.accepted.length > 0) {
          this.counters.recordsPut += selection.accepted.length;
          recorder?.recordsAccepted?.(selection.accepted.map((entry) => entry.record), clock.epochMs());
        }
        const first = selection.failed[0];
        if (first === undefined) {
          recorder?.putCall?.({ records: pending.length, bytes, latencyMs, acceptedRecords: pending.length, failedRecords: 0, attempt });
          return;
        }
        this.counters.partialCalls += 1;
        failed = selection.failed.map((f) => f.item);
        // The worst verdict among the entries decides (a non-retryable entry stops the sink).
        verdict = selection.failed.find((f) => !f.verdict.retryable)?.verdict ?? first.verdict;
        detail = `${failed.length} of ${pending.length} entries failed (first: ${first.errorCode})`;
      } else {
        this.counters.failedCalls += 1;
        failed = pending;
        if (outcome.kind === 'response') {
          verdict = { failure: 'server', retryable: true, ambiguous: true };
          detail = `answer had ${outcome.entries.length} entries for ${pending.length} records`;
        } else {
          verdict = classifyCallError(outcome.error);
          detail = `${outcome.error.name}: ${outcome.error.message}`;
        }
      }
      this.counters.recordsFailed += failed.length;
      recorder?.putCall?.({
        records: pending.length,
        bytes,
        latencyMs,
        acceptedRecords: pending.length - failed.length,
        failedRecords: failed.length,
        failure: verdict.failure,
        attempt,
      });

      if (!verdict.retryable) throw this.fatal(`was rejected: ${detail}`, verdict, attempt);
      if (verdict.failure === 'stream-missing') {
        if (!this.options.onStreamMissing) throw this.fatal(`found no delivery stream: ${detail}`, verdict, attempt);
        await this.options.onStreamMissing(this.options.streamName);
        this.counters.streamRecoveries += 1;
      }
      const delayMs = nextRetryDelayMs(attempt, clock.monoMs() - startedMs, this.policy, this.options.random);
      if (delayMs === null) {
        throw this.fatal(`still failing after ${attempt} calls (${verdict.failure}): ${detail}`, verdict, attempt);
      }
      await this.options.sleep(delayMs, signal);
      if (signal?.aborted) throw new Interrupted();

      this.counters.recordsRetried += failed.length;
      if (verdict.ambiguous) this.counters.duplicateRiskRecords += failed.length;
      recorder?.recordsResent?.(
        failed.map((entry) => entry.record),
        { failure: verdict.failure, ambiguous: verdict.ambiguous, attempt: attempt + 1 },
      );
      pending = failed;
    }
  }

  private countCall(records: number, bytes: number, latencyMs: number): void {
    const c = this.counters;
    c.calls += 1;
    c.maxCallRecords = Math.max(c.maxCallRecords, records);
    c.maxCallBytes = Math.max(c.maxCallBytes, bytes);
    c.totalPutLatencyMs += latencyMs;
    c.maxPutLatencyMs = Math.max(c.maxPutLatencyMs, latencyMs);
  }

  private fatal(what: string, verdict: FailureVerdict, attempts: number): StreamproofError {
    const { streamName, firehose } = this.options;
    const message = `PutRecordBatch to delivery stream "${streamName}" at ${firehose.target} ${what}`;
    const hints: Record<FailureVerdict['failure'], string> = {
      'stream-missing': `create it (provisionDelivery, or \`npm run stack -- up\`); an emulator loses its streams when it restarts — check \`npm run stack -- status\``,
      rejected: 'check the stream configuration and the IAM permissions of the credentials in the environment',
      unreachable: `is the endpoint up? check \`npm run stack -- status\` (${firehose.target})`,
      network: `the endpoint at ${firehose.target} keeps dropping requests; check \`npm run stack -- status\``,
      throttled: 'the stream is throttling: lower the rate or raise the stream quota',
      server: `the endpoint at ${firehose.target} keeps failing; check its logs and \`npm run stack -- status\``,
    };
    return new StreamproofError(ERROR_CODES.DELIVERY_FAILED, `${message} (attempt ${attempts}); the batch was not committed`, {
      hint: hints[verdict.failure],
    });
  }
}
