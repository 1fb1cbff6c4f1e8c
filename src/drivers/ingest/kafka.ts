import { z } from 'zod';
import { LatencyHistogram } from '../../metrics/histogram.js';
import { LatencySeries } from '../../metrics/latency-series.js';
import { IngestLedger } from '../../pipeline/ingest/ingest-ledger.js';
import { emptySendTiming } from '../../pipeline/ingest/ingest-recorder.js';
import type { IngestRunSummary } from '../../pipeline/ingest/ingest-run.js';
import { runKafkaIngest } from '../../pipeline/ingest/kafka-ingest.js';
import { MAX_LOAD_WORKERS } from '../../pipeline/ingest/load-source.js';
import type { IngestDriver } from '../registry.js';
import type { StageReport } from '../stage-report.js';
import { commonIngestOptions } from './common.js';

/**
 * Kafka ingest: the open-loop generator produces straight to raw-events through the batching
 * idempotent producer (acks=all). L1 produce latency and schedule lag are its stages; each event
 * is on time or late by its own schedule lag against run.onTimeMs.
 */
const schema = z
  .object({
    kind: z.literal('kafka').default('kafka'),
    loadWorkers: z
      .number()
      .int()
      .min(0)
      .max(MAX_LOAD_WORKERS)
      .default(1)
      .describe(
        `threads that build the events (generator, JSON, encoding) off the sending thread, each its own generator id and part of the schedule; 0 builds them on the sending thread when due. More than 1 helps only with a free core per worker (max ${MAX_LOAD_WORKERS})`,
      ),
    producerThread: z
      .boolean()
      .default(false)
      .describe(
        'run the Kafka producers on a thread of their own, so their encoding and socket writes never delay the sender\'s timing (docs/workload.md, the producer thread); costs about 0.3 cores more at 24 k events/s of 1 KiB, so it pays only with a free core',
      ),
  })
  .strict()
  .describe('the load generator produces straight to raw-events');

/**
 * The StageReport of an open-loop ingest run (the sender's summary): counters including the
 * on-time split, acks per second for the rate series, on-time and late sends per second.
 */
export function ingestRunReport(summary: IngestRunSummary & { ackedBytes?: number }, series?: { ackLatencySeries: LatencySeries; scheduleLagSeries: LatencySeries }): StageReport {
  const startS = Math.floor(summary.startEpochMs / 1000);
  const c = summary.counts;
  return {
    stage: 'ingest',
    kind: 'kafka',
    latencies: { l1_produce: summary.histograms.ackLatency, l1_from_send: summary.histograms.ackFromSend, schedule_lag: summary.histograms.scheduleLag },
    ...(series ? { latencySeries: { l1_produce: series.ackLatencySeries, schedule_lag: series.scheduleLagSeries } } : {}),
    counters: {
      scheduled: c.scheduled,
      sent: c.sent,
      acked: c.acked,
      failed: c.failed,
      malformed: c.malformed,
      unresolved: c.unresolved,
      onTime: c.onTime,
      sentLate: c.sentLate,
      onTimeAcked: c.onTimeAcked,
      sentLateAwaitingGenerator: c.lateAwaitingSource,
      ...(summary.ackedBytes !== undefined ? { bytesAcked: summary.ackedBytes } : {}),
      // Due but never sent: the sender stopped at its late cut-off (30 s past the schedule's end).
      ...(summary.cutOff ? { cutOffUnsent: c.scheduled - c.sent } : {}),
    },
    ratePerSecond: summary.rate.map((p) => ({ epochS: startS + p.second, events: p.ackedEvents })),
    sendsPerSecond: summary.rate.map((p) => ({ epochS: startS + p.second, onTime: p.onTimeEvents, late: p.lateEvents })),
    ledger: summary.ledger,
  };
}

export const kafkaIngest: IngestDriver<'kafka', typeof schema> = {
  kind: 'kafka',
  schema,
  describe: (config) => {
    const notes = [
      ...(config.loadWorkers === 1 ? [] : [config.loadWorkers === 0 ? 'events built on the sending thread' : `${config.loadWorkers} load workers`]),
      ...(config.producerThread ? ['producers on their own thread'] : []),
    ];
    return notes.length === 0 ? 'kafka ingest' : `kafka ingest (${notes.join(', ')})`;
  },
  measures: ['l1_produce', 'l1_from_send', 'schedule_lag'],
  usesLoadSource: true,
  startsAhead: true,
  loadWorkers: (config) => config.loadWorkers,
  start(ctx, config, load) {
    const recording = {
      ledger: new IngestLedger(),
      ackLatency: new LatencyHistogram(),
      scheduleLag: new LatencyHistogram(),
      ackFromSend: new LatencyHistogram(),
      timing: emptySendTiming(),
      ackLatencySeries: new LatencySeries(),
      scheduleLagSeries: new LatencySeries(),
    };
    const live = () => {
      const c = recording.ledger.counts();
      return { latencies: { l1_produce: recording.ackLatency, l1_from_send: recording.ackFromSend, schedule_lag: recording.scheduleLag }, counters: { sent: c.sent, acked: c.acked, failed: c.failed, ...recording.timing } };
    };
    const done = runKafkaIngest({
      ...commonIngestOptions(ctx, load),
      ...(load.source ? { source: load.source } : {}),
      loadWorkers: config.loadWorkers,
      producerThread: config.producerThread,
      clientId: `${ctx.shortId}.ingest`,
      recording,
      onLagWarning: (w) => ctx.log(`warning: the load generator is ${Math.round(w.lagMs)} ms behind its schedule (warns above ${w.thresholdMs} ms; event ${w.generatorId}:${w.seq}): figures show it as schedule lag`),
    }).then((summary) => {
      if (summary.cutOff) ctx.log(`warning: the load generator was still ${summary.counts.scheduled - summary.counts.sent} events behind 30 s after the schedule's end and stopped sending (counter cutOffUnsent)`);
      return ingestRunReport(summary, recording);
    });
    return { done, live };
  },
};
