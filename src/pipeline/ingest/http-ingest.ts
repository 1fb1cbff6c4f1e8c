import { ERROR_CODES, StreamproofError, isStreamproofError } from '../../base/errors.js';
import type { Clock } from '../../base/clock.js';
import type { LatencySeries } from '../../metrics/latency-series.js';
import { LatencyHistogram } from '../../metrics/histogram.js';
import type { CatalogMetrics } from '../../metrics/registry.js';
import { DEFAULT_PRODUCER_TUNING, type ProducerTuning } from '../../kafka/producer.js';
import type { StackEndpoints } from '../../base/endpoints.js';
import { createGenerator, parseGeneratorConfig, type GeneratorConfig, type GeneratorConfigInput } from '../../workload/generator.js';
import { startHttpDriver, type HttpDriverSummary, type TallySinks, type UnackedReason } from '../../workload/http-driver.js';
import { createInlineRequestSource, startWorkerRequestSource, type RequestSource } from '../../workload/request-source.js';
import type { Schedule } from '../../workload/schedule.js';
import { createCollectorCounters, type CollectorCountersSnapshot, type CollectorStats } from '../collector/ports.js';
import { startCollector } from '../collector/server.js';
import { IngestLedger } from './ingest-ledger.js';
import { emptySendTiming, type SendTiming } from './ingest-recorder.js';
import { createProducerPool } from './producer-pool.js';
import { producerSinkPort } from './producer-ports.js';

/**
 * HTTP ingest: the autocannon driver posts the scheduled events (open loop, NDJSON batches) to the
 * collector on 127.0.0.1, whose sink is the batching idempotent producer into raw-events. A 2xx
 * means every event of the request was acked by the brokers; the collector sheds load (503) while
 * the producer holds `maxPendingRecords` or more. The ledger gets every outcome the driver sees.
 */
export type HttpIngestMetrics = Pick<CatalogMetrics, 'httpRequests' | 'httpEventsAccepted' | 'httpIngestLatency'>;

export interface HttpIngestOptions {
  endpoints: Pick<StackEndpoints, 'kafka'>;
  topic: string;
  schedule: Schedule;
  generatorConfig: GeneratorConfigInput | GeneratorConfig;
  clock: Clock;
  signal?: AbortSignal;
  metrics?: HttpIngestMetrics;
  producerTuning?: Partial<ProducerTuning>;
  /** Idempotent producers behind the collector, records sharded by key; default 1. */
  producers?: number;
  /** Events per request; default 50. */
  batchSize?: number;
  /** 1 (default): a load worker thread builds the requests, bodies encoded; 0: built on the sending thread when due. */
  loadWorkers?: 0 | 1;
  /** Concurrent requests (autocannon connections); default 8. */
  connections?: number;
  /** The collector answers 503 (backpressured) while the producer holds this many records; default 20,000. */
  maxPendingRecords?: number;
  requestTimeoutMs?: number;
  /** A request sent with lag ≤ this is on time (with every event in it), else late (run.onTimeMs); default 100 ms. */
  onTimeMs?: number;
  startEpochMs?: number;
  clientId?: string;
  /** Recorders owned by the caller, to read the run's figures while it goes on; default: fresh ones. */
  recording?: { ledger: IngestLedger; ingestLatency: LatencyHistogram; sendLag: LatencyHistogram; timing?: SendTiming; ingestLatencySeries?: LatencySeries; sendLagSeries?: LatencySeries };
}

export interface HttpIngestSummary {
  transport: 'http';
  state: HttpDriverSummary['state'];
  generatorId: string;
  topic: string;
  startEpochMs: number;
  endEpochMs: number;
  /** The driver's view: requests by status, events accepted / unacknowledged by reason, malformed outcomes. */
  driver: HttpDriverSummary;
  /** The collector's view: requests by status, events by outcome. */
  collector: CollectorCountersSnapshot;
  histograms: {
    /** HTTP ingest latency: 2xx response − intended, ms (accepted requests). */
    ingestLatency: LatencyHistogram;
    /** Send lag: request sent − intended, ms. */
    sendLag: LatencyHistogram;
    /** Collector side: request arrival → 200 (body, validation, broker acks), ms. */
    handling: LatencyHistogram;
  };
  ledger: IngestLedger;
  /** Events answered 2xx per epoch second (when the answer arrived). */
  acceptedPerSecond: Array<{ epochS: number; events: number }>;
  /** Events sent per epoch second (when the request went out), on time and late. */
  sentPerSecond: Array<{ epochS: number; onTime: number; late: number }>;
  /** Sends on time and late, and the acceptances of on-time sends (events). */
  timing: SendTiming;
  producerTuning: ProducerTuning;
}

/** Certainly never produced: refused before the sink was called. The rest may be in raw-events. */
const REFUSED_REASONS: ReadonlySet<UnackedReason> = new Set(['rejected', 'backpressured', 'not-sent']);

/** The driver's ledger callbacks: 2xx → acked; 400 on malformed → malformed + refused; other outcomes by reason. */
export function httpLedgerCallbacks(ledger: IngestLedger): Pick<TallySinks, 'onAccepted' | 'onMalformedRejected' | 'onUnacknowledged'> {
  return {
    onAccepted: (events) => {
      for (const event of events) ledger.recordAcked(event.generatorId, event.seq);
    },
    onMalformedRejected: (refs) => {
      for (const ref of refs) {
        ledger.recordMalformed(ref.generatorId, ref.seq);
        ledger.recordRefused(ref.generatorId, ref.seq);
      }
    },
    onUnacknowledged: (events, reason) => {
      const refused = REFUSED_REASONS.has(reason);
      for (const event of events) {
        if (refused) ledger.recordRefused(event.generatorId, event.seq);
        else ledger.recordFailed(event.generatorId, event.seq);
      }
    },
  };
}

function collectorStats(counters: CollectorStats, metrics: HttpIngestMetrics | undefined): CollectorStats {
  if (!metrics) return counters;
  return {
    countRequest(status) {
      counters.countRequest(status);
      metrics.httpRequests.inc({ status: String(status) });
    },
    countEvents(outcome, count) {
      counters.countEvents(outcome, count);
      if (outcome === 'accepted') metrics.httpEventsAccepted.inc(count);
    },
  };
}

export async function runHttpIngest(options: HttpIngestOptions): Promise<HttpIngestSummary> {
  const { endpoints, topic, clock, metrics } = options;
  const tuning: ProducerTuning = { ...DEFAULT_PRODUCER_TUNING, ...options.producerTuning };
  const generatorConfig = parseGeneratorConfig(options.generatorConfig);
  const batchSize = options.batchSize ?? 50;
  const ledger = options.recording?.ledger ?? new IngestLedger();
  const ingestLatency = options.recording?.ingestLatency ?? new LatencyHistogram();
  const sendLag = options.recording?.sendLag ?? new LatencyHistogram();
  const acceptedBySecond = new Map<number, number>();
  const sentBySecond = new Map<number, { onTime: number; late: number }>();
  const timing = options.recording?.timing ?? emptySendTiming();
  const ledgerCallbacks = httpLedgerCallbacks(ledger);
  const handling = new LatencyHistogram();
  const counters = createCollectorCounters();

  // Started first, so the worker builds its first requests while the producer and collector start.
  const requests = requestSourceFor(options.loadWorkers ?? 1, options.schedule, generatorConfig, batchSize);
  const pool = createProducerPool(endpoints.kafka, { producers: options.producers ?? 1, clientId: options.clientId ?? 'streamproof-collector', tuning });
  try {
    await pool.connect().catch((error: unknown) => {
      if (isStreamproofError(error)) throw error;
      throw new StreamproofError(ERROR_CODES.SERVICE_UNREACHABLE, `the collector's producer could not start against ${endpoints.kafka.bootstrapServers.join(',')}`, {
        hint: 'is the stack up? `npm run stack -- status`',
        cause: error,
      });
    });
    const collector = await startCollector({
      sink: producerSinkPort(pool.producer, topic, { maxPendingRecords: options.maxPendingRecords ?? 20_000 }),
      host: '127.0.0.1',
      port: 0,
      clock,
      handlingLatency: { record: (ms) => handling.recordMs(ms) },
      stats: collectorStats(counters, metrics),
    });
    let driverSummary: HttpDriverSummary;
    try {
      await requests.loaded;
      const driver = startHttpDriver({
        url: collector.url,
        schedule: options.schedule,
        requests,
        batchSize,
        connections: options.connections ?? 8,
        clock,
        ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
        ...(options.onTimeMs === undefined ? {} : { onTimeMs: options.onTimeMs }),
        ...(options.startEpochMs === undefined ? {} : { startEpochMs: options.startEpochMs }),
        ...(options.signal ? { signal: options.signal } : {}),
        latency: {
          record: (ms) => {
            ingestLatency.recordMs(ms);
            options.recording?.ingestLatencySeries?.record(clock.epochMs(), ms);
            metrics?.httpIngestLatency.observeMs(ms);
          },
        },
        sendLag: {
          record: (ms) => {
            sendLag.recordMs(ms);
            options.recording?.sendLagSeries?.record(clock.epochMs(), ms);
          },
        },
        onSendTimed: (count, onTime) => {
          if (onTime) timing.onTime += count;
          else timing.sentLate += count;
          const second = Math.floor(clock.epochMs() / 1000);
          const bucket = sentBySecond.get(second) ?? { onTime: 0, late: 0 };
          if (onTime) bucket.onTime += count;
          else bucket.late += count;
          sentBySecond.set(second, bucket);
        },
        ...ledgerCallbacks,
        onAccepted: (events, sentOnTime) => {
          ledgerCallbacks.onAccepted(events, sentOnTime);
          if (sentOnTime) timing.onTimeAcked += events.length;
          const second = Math.floor(clock.epochMs() / 1000);
          acceptedBySecond.set(second, (acceptedBySecond.get(second) ?? 0) + events.length);
        },
      });
      driverSummary = await driver.done;
    } finally {
      await collector.close();
    }
    return {
      transport: 'http',
      state: driverSummary.state,
      generatorId: generatorConfig.generatorId,
      topic,
      startEpochMs: driverSummary.startEpochMs,
      endEpochMs: clock.epochMs(),
      driver: driverSummary,
      collector: counters.snapshot(),
      histograms: { ingestLatency, sendLag, handling },
      ledger,
      acceptedPerSecond: [...acceptedBySecond].map(([epochS, events]) => ({ epochS, events })).sort((a, b) => a.epochS - b.epochS),
      sentPerSecond: [...sentBySecond].map(([epochS, b]) => ({ epochS, ...b })).sort((a, b) => a.epochS - b.epochS),
      timing: { ...timing },
      producerTuning: tuning,
    };
  } finally {
    // The driver closes its source when it ends; this covers a start that failed before it.
    await requests.close();
    await pool.close();
  }
}

function requestSourceFor(loadWorkers: 0 | 1, schedule: Schedule, config: GeneratorConfig, batchSize: number): RequestSource & { loaded: Promise<void> } {
  if (loadWorkers === 0) return { ...createInlineRequestSource({ schedule, generator: createGenerator(config), batchSize }), loaded: Promise.resolve() };
  return startWorkerRequestSource({ schedule, generatorConfig: config, batchSize });
}
