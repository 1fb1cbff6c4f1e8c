import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { Clock } from '../../base/clock.js';
import { LatencyHistogram } from '../../metrics/histogram.js';
import { describeError } from './error-text.js';
import { sendGroup, type RecordProducer } from './producer-ports.js';

/**
 * Closed-loop, maximum-throughput mode (for bench:producer, not for measured runs): keep the
 * producer saturated for `durationMs` by topping its queue up to `windowRecords` outstanding
 * records whenever acks free room. Throughput = acked records / (first send → last ack). The
 * latency recorded is send → ack (there is no intended time in a closed loop, and queueing in
 * the window is deliberately part of it).
 */
export interface SaturateOptions {
  producer: RecordProducer;
  topic: string;
  /** The i-th record (0-based); called once per send, so keep it cheap. */
  record(index: number): { key: string; value: string };
  durationMs: number;
  /** Records outstanding (queued or awaiting ack) at most. */
  windowRecords: number;
  clock: Pick<Clock, 'monoMs'>;
  /** Give up waiting for acks this long after the duration (real time); default 60 s. */
  drainTimeoutMs?: number;
}

export interface SaturateResult {
  sent: number;
  acked: number;
  failed: number;
  /** Still unanswered when the drain timed out (neither acked nor failed). */
  unresolved: number;
  /** First send to last ack (or failure), ms. */
  elapsedMs: number;
  ackedPerS: number;
  /** Bytes of acked values per second (keys excluded). */
  ackedValueBytesPerS: number;
  /** Send → ack, ms. */
  latency: LatencyHistogram;
  firstError: string | undefined;
}

/** Records handed to the producer as one group (one promise, one acknowledgement pass): the hot path. */
const GROUP_RECORDS = 64;

export async function saturate(options: SaturateOptions): Promise<SaturateResult> {
  const { producer, topic, clock, windowRecords } = options;
  if (!Number.isInteger(windowRecords) || windowRecords < 1) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `windowRecords must be an integer ≥ 1, got ${windowRecords}`, {
      hint: 'use at least batchMaxRecords × (maxInFlightBatches + 1) to keep the producer busy',
    });
  }
  const latency = new LatencyHistogram();
  let sent = 0;
  let acked = 0;
  let failed = 0;
  let ackedBytes = 0;
  let outstanding = 0;
  let firstError: string | undefined;
  let lastSettledMs = 0;
  let wake: (() => void) | undefined;

  const settle = (records: number): void => {
    outstanding -= records;
    lastSettledMs = clock.monoMs();
    const waiter = wake;
    wake = undefined;
    waiter?.();
  };

  const waitForRoom = (): Promise<void> =>
    new Promise<void>((resolve) => {
      wake = resolve;
    });
  // Bounded: a producer that stops answering must not hang the caller. A real timer (not the
  // injected clock), since nothing else would wake us.
  let gaveUp = false;
  const giveUp = setTimeout(() => {
    gaveUp = true;
    const waiter = wake;
    wake = undefined;
    waiter?.();
  }, options.durationMs + (options.drainTimeoutMs ?? 60_000));

  const startMs = clock.monoMs();
  const endMs = startMs + options.durationMs;
  let now = startMs;
  while (now < endMs && !gaveUp) {
    while (outstanding < windowRecords) {
      const size = Math.min(GROUP_RECORDS, windowRecords - outstanding);
      const group = new Array<{ key: string; value: string }>(size);
      let bytes = 0;
      for (let i = 0; i < size; i += 1) {
        const record = options.record(sent + i);
        group[i] = record;
        bytes += record.value.length;
      }
      const sentAtMs = clock.monoMs();
      sent += size;
      outstanding += size;
      sendGroup(producer, topic, group).then(
        (outcome) => {
          const ackMs = clock.monoMs() - sentAtMs;
          const groupFailed = outcome.failed.length;
          acked += size - groupFailed;
          failed += groupFailed;
          if (groupFailed > 0) {
            firstError ??= describeError(outcome.failed[0]?.error);
            for (const f of outcome.failed) bytes -= (group[f.index] as { value: string }).value.length;
          }
          ackedBytes += bytes;
          for (let i = groupFailed; i < size; i += 1) latency.recordMs(ackMs);
          settle(size);
        },
        (error: unknown) => {
          failed += size;
          firstError ??= describeError(error);
          settle(size);
        },
      );
      now = clock.monoMs();
      if (now >= endMs) break;
    }
    // Wait until acks free some room (acks arrive a batch at a time).
    await waitForRoom();
    now = clock.monoMs();
  }
  while (outstanding > 0 && !gaveUp) await waitForRoom();
  clearTimeout(giveUp);
  const elapsedMs = Math.max(lastSettledMs - startMs, 1e-3);
  return {
    sent,
    acked,
    failed,
    unresolved: outstanding,
    elapsedMs,
    ackedPerS: (acked * 1000) / elapsedMs,
    ackedValueBytesPerS: (ackedBytes * 1000) / elapsedMs,
    latency,
    firstError,
  };
}
