import { z } from 'zod';
import { LatencyHistogram } from '../../metrics/histogram.js';
import { IngestLedger } from '../../pipeline/ingest/ingest-ledger.js';
import { runKafkaIngest } from '../../pipeline/ingest/kafka-ingest.js';
import type { IngestDriver } from '../registry.js';
import { commonIngestOptions } from './common.js';

/**
 * Kafka ingest: the open-loop generator produces straight to raw-events through the batching
 * idempotent producer (acks=all). L1 produce latency and schedule lag are its stages.
 */
const schema = z
  .object({ kind: z.literal('kafka').default('kafka') })
  .strict()
  .describe('the load generator produces straight to raw-events');

export const kafkaIngest: IngestDriver<'kafka', typeof schema> = {
  kind: 'kafka',
  schema,
  describe: () => 'kafka ingest',
  measures: ['l1_produce', 'schedule_lag'],
  start(ctx, _config, load) {
    const recording = { ledger: new IngestLedger(), ackLatency: new LatencyHistogram(), scheduleLag: new LatencyHistogram() };
    const live = () => {
      const c = recording.ledger.counts();
      return { latencies: { l1_produce: recording.ackLatency, schedule_lag: recording.scheduleLag }, counters: { sent: c.sent, acked: c.acked, failed: c.failed } };
    };
    const done = runKafkaIngest({
      ...commonIngestOptions(ctx, load),
      clientId: `${ctx.shortId}.ingest`,
      recording,
      onLagWarning: (w) => ctx.log(`warning: the load generator is behind its schedule (${JSON.stringify(w)}): figures show it as schedule lag`),
    }).then((summary) => {
      const startS = Math.floor(summary.startEpochMs / 1000);
      const c = summary.counts;
      return {
        stage: 'ingest' as const,
        kind: 'kafka',
        latencies: { l1_produce: summary.histograms.ackLatency, schedule_lag: summary.histograms.scheduleLag },
        counters: { scheduled: c.scheduled, sent: c.sent, acked: c.acked, failed: c.failed, malformed: c.malformed, unresolved: c.unresolved },
        ratePerSecond: summary.rate.map((p) => ({ epochS: startS + p.second, events: p.ackedEvents })),
        ledger: summary.ledger,
      };
    });
    return { done, live };
  },
};
