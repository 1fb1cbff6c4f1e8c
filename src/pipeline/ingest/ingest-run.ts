import type { Clock } from '../../base/clock.js';
import type { LatencySeries } from '../../metrics/latency-series.js';
import type { LatencyHistogram } from '../../metrics/histogram.js';
import type { GeneratorConfig, GeneratorConfigInput } from '../../workload/generator.js';
import { dueCount, totalDurationMs, totalEvents, type Schedule } from '../../workload/schedule.js';
import { createSender, type EventPort, type LagWarning, type SleepUntil } from '../../workload/sender.js';
import { createTimerSleepUntil } from '../../workload/sleep-until.js';
import { startLoadSource, type LoadSource } from './load-source.js';
import type { IngestLedger } from './ingest-ledger.js';
import { createIngestRecorder, type FailureSummary, type ProducerMetrics, type SendTiming } from './ingest-recorder.js';
import { rateAccuracy, type RateAccuracy, type RatePoint } from './rate-series.js';

/**
 * One open-loop ingest run over any EventPort: generator → sender → port, with every timing,
 * outcome and per-second count recorded (ingest-recorder.ts). The Kafka wiring (kafka-ingest.ts)
 * supplies the port; tests supply a fake one and a virtual clock.
 */
export interface IngestRunOptions {
  port: EventPort;
  schedule: Schedule;
  generatorConfig: GeneratorConfigInput | GeneratorConfig;
  clock: Clock;
  signal?: AbortSignal;
  metrics?: ProducerMetrics;
  /** Default: Node timers on `clock`. */
  sleepUntil?: SleepUntil;
  /** Sends awaiting an ack at most (the sender's window); a full window shows up as schedule lag. */
  maxInFlightEvents: number;
  /** Epoch ms of schedule offset 0; default: now. */
  startEpochMs?: number;
  /** How long to wait for outstanding acks after the last send; default 30 s. */
  drainTimeoutMs?: number;
  /** A send with schedule lag ≤ this is on time, else late (run.onTimeMs); default 100 ms. */
  onTimeMs?: number;
  lagWarningThresholdMs?: number;
  onLagWarning?: (warning: LagWarning) => void;
  /** Recorders owned by the caller, to read the run's figures while it goes on; default: fresh ones. */
  recording?: { ledger: IngestLedger; ackLatency: LatencyHistogram; scheduleLag: LatencyHistogram; ackFromSend?: LatencyHistogram; timing?: SendTiming; ackLatencySeries?: LatencySeries; scheduleLagSeries?: LatencySeries };
  /** How often the scheduled-events counter catches up with the schedule; default 250 ms. */
  scheduledTickMs?: number;
  /**
   * Load worker threads that build the records (docs/workload.md, load workers); 0 builds them on
   * this thread when due (the path before load workers). Default 1.
   */
  loadWorkers?: number;
  /** A source already started by the caller (startLoadSource), e.g. while the producer connects; runIngest closes it. */
  source?: LoadSource;
}

export interface IngestRunCounts {
  /** Events intended by the end (all of them when completed). */
  scheduled: number;
  sent: number;
  acked: number;
  /** Sends that failed after the producer's retries: unacknowledged, reported apart. */
  failed: number;
  /** Sent malformed on purpose (acked ones are in raw-events and must reach the DLQ). */
  malformed: number;
  /** Sent within onTimeMs of their intended time. */
  onTime: number;
  /** Sent later than that (still sent: the open-loop sender never skips an event). */
  sentLate: number;
  /** Acked events that had been sent on time: the achieved rate's numerator. */
  onTimeAcked: number;
  /** Of sentLate, those due before the load worker had built them (the generator was the limit). */
  lateAwaitingSource: number;
  /** Sent but unanswered when the drain gave up: neither lost nor delivered. */
  unresolved: number;
}

export interface IngestRunSummary {
  state: 'completed' | 'stopped';
  generatorId: string;
  startEpochMs: number;
  /** Epoch ms when the run returned (after the drain). */
  endEpochMs: number;
  counts: IngestRunCounts;
  histograms: { ackLatency: LatencyHistogram; scheduleLag: LatencyHistogram; ackFromSend: LatencyHistogram };
  maxScheduleLagMs: number;
  ledger: IngestLedger;
  /** Achieved (sent, acked, on time, late) against target events per second of the run. */
  rate: RatePoint[];
  rateAccuracy: RateAccuracy;
  failures: FailureSummary;
  lagWarned: boolean;
  /** The sender stopped at its late cut-off (30 s past the schedule's end) with events unsent. */
  cutOff: boolean;
}

export async function runIngest(options: IngestRunOptions): Promise<IngestRunSummary> {
  const source = options.source ?? startLoadSource({ schedule: options.schedule, generatorConfig: options.generatorConfig, loadWorkers: options.loadWorkers ?? 1 });
  try {
    return await runWithSource(options, source);
  } finally {
    await source.close();
  }
}

async function runWithSource(options: IngestRunOptions, source: LoadSource): Promise<IngestRunSummary> {
  const { clock, schedule, metrics } = options;
  // Offset 0 follows the workers' start-up unless the caller fixed it (then late records show as lag).
  if (options.startEpochMs === undefined) await source.loaded;
  const epochNow = clock.epochMs();
  const startEpochMs = options.startEpochMs ?? epochNow + source.startLeadMs;
  // Same anchoring as the sender: monotonic time of schedule offset 0.
  const monoBaseMs = clock.monoMs() + (startEpochMs - epochNow);
  const recorder = createIngestRecorder({ clock, monoBaseMs, schedule, epochMs: () => clock.epochMs(), ...(metrics ? { metrics } : {}), ...(options.recording ?? {}) });

  const sender = createSender({
    schedule,
    source,
    port: options.port,
    clock: clock,
    sleepUntil: options.sleepUntil ?? createTimerSleepUntil(clock),
    recorder,
    startEpochMs,
    maxInFlight: options.maxInFlightEvents,
    ...(options.onTimeMs === undefined ? {} : { onTimeMs: options.onTimeMs }),
    ...(options.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: options.drainTimeoutMs }),
    ...(options.lagWarningThresholdMs === undefined ? {} : { lagWarningThresholdMs: options.lagWarningThresholdMs }),
    ...(options.onLagWarning ? { onLagWarning: options.onLagWarning } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });

  // Demand of the schedule, for the live scheduled-events counter (the sent counter lags it when behind).
  let scheduledReported = 0;
  const reportScheduled = (upTo: number): void => {
    if (upTo > scheduledReported) metrics?.producerEventsScheduled.inc(upTo - scheduledReported);
    scheduledReported = Math.max(scheduledReported, upTo);
  };
  const total = totalEvents(schedule);
  const ticker = metrics
    ? setInterval(() => {
        const elapsedMs = Math.min(clock.monoMs() - monoBaseMs, totalDurationMs(schedule));
        reportScheduled(Math.min(total, dueCount(schedule, elapsedMs)));
      }, options.scheduledTickMs ?? 250)
    : undefined;
  ticker?.unref();

  let summary;
  try {
    summary = await sender.run();
  } finally {
    if (ticker) clearInterval(ticker);
  }
  reportScheduled(summary.scheduled);
  const rate = recorder.rate.points();

  return {
    state: summary.state,
    generatorId: source.generatorIds.join(','),
    startEpochMs: summary.startEpochMs,
    endEpochMs: clock.epochMs(),
    counts: {
      scheduled: summary.scheduled,
      sent: summary.sent,
      acked: summary.acked,
      failed: summary.failed,
      malformed: summary.malformed,
      onTime: summary.onTime,
      sentLate: summary.sentLate,
      onTimeAcked: summary.onTimeAcked,
      lateAwaitingSource: summary.lateAwaitingSource,
      unresolved: summary.unresolved,
    },
    histograms: { ackLatency: recorder.ackLatency, scheduleLag: recorder.scheduleLag, ackFromSend: recorder.ackFromSend },
    maxScheduleLagMs: summary.maxScheduleLagMs,
    ledger: recorder.ledger,
    rate,
    rateAccuracy: rateAccuracy(rate, totalDurationMs(schedule)),
    failures: recorder.failures(),
    cutOff: summary.cutOff,
    lagWarned: summary.lagWarned,
  };
}
