import { z } from 'zod';
import { LatencyHistogram } from '../../metrics/histogram.js';
import { LatencySeries } from '../../metrics/latency-series.js';
import { IngestLedger } from '../../pipeline/ingest/ingest-ledger.js';
import { emptySendTiming } from '../../pipeline/ingest/ingest-recorder.js';
import { runHttpIngest, type HttpIngestSummary } from '../../pipeline/ingest/http-ingest.js';
import type { IngestDriver } from '../registry.js';
import { commonIngestOptions } from './common.js';

/**
 * HTTP ingest: the generator POSTs NDJSON batches to the collector on 127.0.0.1, which produces
 * to raw-events and answers 2xx only after the brokers acked. HTTP ingest latency and send lag
 * are its stages; the per-second rate counts 2xx-answered events. A request's send lag against
 * run.onTimeMs makes every event of it on time or late.
 */
const schema = z
  .object({
    kind: z.literal('http'),
    connections: z.number().int().min(1).max(1024).default(10).describe('concurrent HTTP connections to the collector'),
    batchSize: z.number().int().min(1).max(10_000).default(100).describe('events per request (NDJSON body)'),
    loadWorkers: z
      .number()
      .int()
      .min(0)
      .max(1)
      .default(1)
      .describe(
        'a thread that builds the requests (events and their NDJSON bodies, encoded) ahead, off the sending thread; 0 builds each request on the sending thread when a connection claims it. One is the most: the sending thread, not the building, is then the limit',
      ),
  })
  .strict()
  .describe('the load generator POSTs to the HTTP collector, which produces to raw-events');

type HttpConfig = z.output<typeof schema>;

/** 400s for the deliberately malformed requests are the expected answer; a 400 for valid events (`rejected`) is an error. */
export function httpCounters(summary: HttpIngestSummary, config: HttpConfig): Record<string, number> {
  const ledger = summary.ledger.counts();
  const d = summary.driver;
  return {
    scheduled: d.events.sent + d.events.unacknowledged['not-sent'] + d.events.ungenerated,
    sent: ledger.sent,
    acked: ledger.acked,
    failed: ledger.failed + ledger.unresolved,
    malformed: ledger.malformed,
    refused: ledger.refused,
    httpErrors: d.requests.status5xx + d.requests.statusOther + d.requests.noResponse + Math.ceil(d.events.unacknowledged.rejected / Math.max(1, config.batchSize)),
    httpMalformedRejected: d.events.rejectedMalformed,
    onTime: d.events.onTime,
    sentLate: d.events.sentLate,
    sentLateAwaitingGenerator: d.events.lateAwaitingSource,
    sentLateAwaitingConnection: d.events.lateAwaitingConnection,
    onTimeAcked: d.events.onTimeAccepted,
  };
}

export const httpIngest: IngestDriver<'http', typeof schema> = {
  kind: 'http',
  schema,
  measures: ['http_ingest', 'schedule_lag', 'httpErrors'],
  describe: (config) =>
    `http ingest (${[`${config.connections} connection${config.connections === 1 ? '' : 's'}`, `${config.batchSize} ev/request`, ...(config.loadWorkers === 0 ? ['requests built on the sending thread'] : [])].join(', ')})`,
  start(ctx, config, load) {
    const recording = {
      ledger: new IngestLedger(),
      ingestLatency: new LatencyHistogram(),
      sendLag: new LatencyHistogram(),
      timing: emptySendTiming(),
      ingestLatencySeries: new LatencySeries(),
      sendLagSeries: new LatencySeries(),
    };
    const live = () => {
      const c = recording.ledger.counts();
      return { latencies: { http_ingest: recording.ingestLatency, schedule_lag: recording.sendLag }, counters: { sent: c.sent, acked: c.acked, failed: c.failed, ...recording.timing } };
    };
    const done = runHttpIngest({
      ...commonIngestOptions(ctx, load),
      batchSize: config.batchSize,
      connections: config.connections,
      loadWorkers: config.loadWorkers === 0 ? 0 : 1,
      clientId: `${ctx.shortId}.collector`,
      recording,
    }).then((summary) => ({
      stage: 'ingest' as const,
      kind: 'http',
      latencies: { http_ingest: summary.histograms.ingestLatency, schedule_lag: summary.histograms.sendLag },
      latencySeries: { http_ingest: recording.ingestLatencySeries, schedule_lag: recording.sendLagSeries },
      counters: httpCounters(summary, config),
      ratePerSecond: summary.acceptedPerSecond,
      sendsPerSecond: summary.sentPerSecond,
      ledger: summary.ledger,
    }));
    return { done, live };
  },
};
