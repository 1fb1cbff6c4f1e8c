import type { Clock } from '../../base/clock.js';
import type { LatencySeries } from '../../metrics/latency-series.js';
import { LatencyHistogram } from '../../metrics/histogram.js';
import type { CatalogMetrics } from '../../metrics/registry.js';
import type { SourcedRecord } from '../../workload/record-source.js';
import type { SendRecorder } from '../../workload/sender.js';
import { describeError } from './error-text.js';
import { IngestLedger } from './ingest-ledger.js';
import { RateSeries } from './rate-series.js';
import type { Schedule } from '../../workload/schedule.js';

/**
 * The sender's SendRecorder for an ingest run: every timing the open-loop sender takes goes into
 * exact HDR histograms (result files) and, when a registry is given, the live prom-client metrics;
 * every outcome goes into the ingest ledger; sends (on time and late) and acks are bucketed per
 * second for the achieved-vs-target series, and counted in `timing` (live gates read it). Knows
 * no transport.
 */
export type ProducerMetrics = Pick<
  CatalogMetrics,
  | 'producerEventsScheduled'
  | 'producerEventsSent'
  | 'producerEventsAcked'
  | 'producerEventsFailed'
  | 'producerEventsMalformed'
  | 'producerScheduleLag'
  | 'producerAckLatency'
>;

export interface FailureSummary {
  /** Failed sends per error message (the first MAX_FAILURE_KINDS distinct messages; the rest under "other"). */
  byMessage: Record<string, number>;
}

/** Sends split by schedule lag against onTimeMs, and the acks of on-time sends, so far. */
export interface SendTiming {
  onTime: number;
  sentLate: number;
  onTimeAcked: number;
}

export function emptySendTiming(): SendTiming {
  return { onTime: 0, sentLate: 0, onTimeAcked: 0 };
}

export interface IngestRecorder extends SendRecorder {
  readonly ledger: IngestLedger;
  /** L1 produce latency: ack − intended, ms. */
  readonly ackLatency: LatencyHistogram;
  /** Send delay: actual send − intended, ms. */
  readonly scheduleLag: LatencyHistogram;
  /** L1 without the generator's lateness: ack − actual send, ms. */
  readonly ackFromSend: LatencyHistogram;
  readonly rate: RateSeries;
  readonly timing: SendTiming;
  failures(): FailureSummary;
}

export interface IngestRecorderOptions {
  clock: Pick<Clock, 'monoMs'>;
  /** Monotonic ms of schedule offset 0 (the sender's start). */
  monoBaseMs: number;
  schedule: Schedule;
  metrics?: ProducerMetrics;
  ledger?: IngestLedger;
  /** Histograms owned by the caller, which reads them while the run goes on (live gates). */
  ackLatency?: LatencyHistogram;
  scheduleLag?: LatencyHistogram;
  /** Ack − actual send (L1 without the generator's lateness). */
  ackFromSend?: LatencyHistogram;
  /** Counts owned by the caller, likewise. */
  timing?: SendTiming;
  /** Per-second series of the same latencies, by the second each completed (the report's curves). */
  ackLatencySeries?: LatencySeries;
  scheduleLagSeries?: LatencySeries;
  /** Wall clock for the series' seconds; required with a series. */
  epochMs?: () => number;
}

const MAX_FAILURE_KINDS = 16;
const OTHER_FAILURES = 'other';

export function createIngestRecorder(options: IngestRecorderOptions): IngestRecorder {
  const { clock, monoBaseMs, metrics } = options;
  const ledger = options.ledger ?? new IngestLedger();
  const ackLatency = options.ackLatency ?? new LatencyHistogram();
  const scheduleLag = options.scheduleLag ?? new LatencyHistogram();
  const ackFromSend = options.ackFromSend ?? new LatencyHistogram();
  const rate = new RateSeries(options.schedule);
  const timing = options.timing ?? emptySendTiming();
  const failuresByMessage = new Map<string, number>();

  return {
    ledger,
    ackLatency,
    scheduleLag,
    ackFromSend,
    rate,
    timing,
    recordScheduleLagMs(ms) {
      scheduleLag.recordMs(ms);
      if (options.scheduleLagSeries && options.epochMs) options.scheduleLagSeries.record(options.epochMs(), ms);
      metrics?.producerScheduleLag.observeMs(ms);
    },
    recordAckLatencyMs(ms) {
      ackLatency.recordMs(ms);
      if (options.ackLatencySeries && options.epochMs) options.ackLatencySeries.record(options.epochMs(), ms);
      metrics?.producerAckLatency.observeMs(ms);
    },
    recordAckFromSendMs(ms) {
      ackFromSend.recordMs(ms);
    },
    onSent(record: SourcedRecord, _intendedAtEpochMs: number, onTime: boolean) {
      const malformed = record.malformed;
      ledger.recordSent(record.generatorId, record.seq, malformed);
      if (onTime) timing.onTime += 1;
      else timing.sentLate += 1;
      rate.recordSent(clock.monoMs() - monoBaseMs, onTime);
      metrics?.producerEventsSent.inc();
      if (malformed) metrics?.producerEventsMalformed.inc();
    },
    onAcked(generatorId, seq, _key, sentOnTime) {
      ledger.recordAcked(generatorId, seq);
      if (sentOnTime) timing.onTimeAcked += 1;
      rate.recordAcked(clock.monoMs() - monoBaseMs);
      metrics?.producerEventsAcked.inc();
    },
    onFailed(generatorId, seq, error) {
      ledger.recordFailed(generatorId, seq);
      metrics?.producerEventsFailed.inc();
      const message = describeError(error);
      const key = failuresByMessage.has(message) || failuresByMessage.size < MAX_FAILURE_KINDS ? message : OTHER_FAILURES;
      failuresByMessage.set(key, (failuresByMessage.get(key) ?? 0) + 1);
    },
    failures() {
      return { byMessage: Object.fromEntries([...failuresByMessage].sort((a, b) => b[1] - a[1])) };
    },
  };
}
