import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { BROKER_METRICS as BM, METRICS as M, PROCESS_METRICS as PM } from '../metrics/catalog.js';
import { finalize, newDashboard } from './base.js';
import { MUST_BE_ZERO, UNITS, heatmapPanel, statPanel, timeseriesPanel } from './panels.js';
import { brokerGauge, brokerRate, gauge, increaseOverRange, quantile, rate, ratio } from './promql.js';
import { LATENCY_STAGES } from './stages.js';

export const OVERVIEW_UID = 'streamproof-overview';

/**
 * One screen for a run: is it keeping up (rates), how fast is each stage (percentiles and
 * heatmaps), is anything falling behind (lag), and is it still exactly-once (violations,
 * transactions, delivery).
 */
export function buildOverview(): dashboard.Dashboard {
  const d = newDashboard(
    OVERVIEW_UID,
    'streamproof — overview',
    'Throughput, per-stage latency, lag and exactly-once health of one streamproof run. Pick the run with the variables above.',
  );

  d.withRow(new dashboard.RowBuilder('Throughput'))
    .withPanel(statPanel('Target rate', 'Rate the load schedule asks for right now.', UNITS.eventsPerSecond, { expr: gauge(M.runTargetRate, 'sum'), legend: 'target' }, { w: 4 }))
    .withPanel(statPanel('Achieved rate', 'Events acknowledged by Kafka per second.', UNITS.eventsPerSecond, { expr: rate(M.producerEventsAcked), legend: 'acked' }, { w: 4 }))
    .withPanel(
      statPanel('Achieved / target', 'Acked rate over target rate; below 100% the pipeline is not keeping up (or the sender is).', UNITS.ratio, {
        expr: ratio(rate(M.producerEventsAcked), gauge(M.runTargetRate, 'sum')),
        legend: 'achieved / target',
      }, { w: 4 }),
    )
    .withPanel(statPanel('Unacknowledged sends', 'Sends that failed after retries over the range (reported apart from lost or delivered).', UNITS.count, { expr: increaseOverRange(M.producerEventsFailed), legend: 'failed' }, { w: 4 }, MUST_BE_ZERO))
    .withPanel(statPanel('Exactly-once violations', 'Events violating I1 (ingest), I2 (processing) or I3 (delivery), per the verifier.', UNITS.count, { expr: gauge(M.verifierViolations, 'sum'), legend: 'violations' }, { w: 4 }, MUST_BE_ZERO))
    .withPanel(statPanel('Windows emitted', 'Window results written to processed-events over the range.', UNITS.count, { expr: increaseOverRange(M.processorWindowsEmitted), legend: 'windows' }, { w: 4 }))
    .withPanel(
      timeseriesPanel('Event rates', 'Each stage of the path, events per second. Gaps between lines are events in flight (or stuck).', UNITS.eventsPerSecond, [
        { expr: gauge(M.runTargetRate, 'sum'), legend: 'target' },
        { expr: rate(M.producerEventsScheduled), legend: 'scheduled' },
        { expr: rate(M.producerEventsSent), legend: 'sent' },
        { expr: rate(M.producerEventsAcked), legend: 'acked' },
        { expr: rate(M.ingestEventsVisible), legend: 'visible in raw-events' },
        { expr: rate(M.processorEventsIn), legend: 'processed' },
      ], { w: 12 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Failures and rejects', 'Everything that did not take the happy path, per second.', UNITS.perSecond, [
        { expr: rate(M.producerEventsFailed), legend: 'send failed' },
        { expr: rate(M.producerEventsMalformed), legend: 'malformed sent' },
        { expr: rate(M.processorDlqEvents), legend: 'to DLQ' },
        { expr: rate(M.processorLateEvents), legend: 'late' },
        { expr: rate(M.deliveryRecordsFailed), legend: 'Firehose failed' },
      ], { w: 12 }, { min: 0 }),
    );

  d.withRow(new dashboard.RowBuilder('Latency by stage'))
    .withPanel(
      timeseriesPanel('p99 by stage', 'Live p99 from the classic buckets (interpolated); exact percentiles are in the run result.', UNITS.seconds,
        LATENCY_STAGES.map((s) => ({ expr: quantile(0.99, s.histogram), legend: s.label })), { w: 12 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('p50 by stage', 'Live median per stage.', UNITS.seconds,
        LATENCY_STAGES.map((s) => ({ expr: quantile(0.5, s.histogram), legend: s.label })), { w: 12 }, { min: 0 }),
    );
  for (const stage of LATENCY_STAGES) {
    d.withPanel(heatmapPanel(stage.title, stage.description, stage.histogram, { w: 8 }));
  }

  d.withRow(new dashboard.RowBuilder('Lag'))
    .withPanel(
      timeseriesPanel('Schedule lag (send − intended)', 'How far the sender is behind its open-loop schedule.', UNITS.seconds, [
        { expr: quantile(0.5, M.producerScheduleLag), legend: 'p50' },
        { expr: quantile(0.99, M.producerScheduleLag), legend: 'p99' },
      ], { w: 8 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Watermark lag', 'Wall clock minus event-time watermark, per processor.', UNITS.seconds, [
        { expr: gauge(M.processorWatermarkLag, 'max', ['instance_role']), legend: '{{instance_role}}' },
      ], { w: 8 }),
    )
    .withPanel(
      timeseriesPanel('Consumer lag', 'Messages behind the end of raw-events, per processor.', UNITS.count, [
        { expr: gauge(M.processorConsumerLag, 'sum', ['instance_role']), legend: '{{instance_role}}' },
      ], { w: 8 }, { min: 0 }),
    );

  d.withRow(new dashboard.RowBuilder('Exactly-once'))
    .withPanel(
      timeseriesPanel('Violations by invariant', 'Must stay at 0. I1: acked events in raw-events exactly once; I2: each event counted once (window, late or DLQ); I3: each result in S3.', UNITS.count, [
        { expr: gauge(M.verifierViolations, 'max', ['invariant']), legend: '{{invariant}}' },
      ], { w: 12 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Late and DLQ', 'Events routed away from windows, inside the same transaction.', UNITS.perSecond, [
        { expr: rate(M.processorLateEvents), legend: 'late-events' },
        { expr: rate(M.processorDlqEvents), legend: 'DLQ' },
      ], { w: 12 }, { min: 0 }),
    );

  d.withRow(new dashboard.RowBuilder('Transactions and windows'))
    .withPanel(
      timeseriesPanel('Transactions', 'Processor transactions per second.', UNITS.perSecond, [
        { expr: rate(M.processorTransactionsCommitted), legend: 'committed' },
        { expr: rate(M.processorTransactionsAborted), legend: 'aborted' },
      ], { w: 6 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Transaction duration', 'Begin to commit or abort.', UNITS.seconds, [
        { expr: quantile(0.5, M.processorTransactionDuration), legend: 'p50' },
        { expr: quantile(0.99, M.processorTransactionDuration), legend: 'p99' },
      ], { w: 6 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Open windows', 'Windows held in processor state.', UNITS.count, [
        { expr: gauge(M.processorOpenWindows, 'sum', ['instance_role']), legend: '{{instance_role}}' },
      ], { w: 6 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Windows emitted', 'Window results written per second.', UNITS.perSecond, [
        { expr: rate(M.processorWindowsEmitted), legend: 'emitted' },
      ], { w: 6 }, { min: 0 }),
    );

  d.withRow(new dashboard.RowBuilder('Delivery'))
    .withPanel(
      timeseriesPanel('Firehose records', 'Records per second put, failed and retried.', UNITS.perSecond, [
        { expr: rate(M.deliveryRecordsPut), legend: 'put' },
        { expr: rate(M.deliveryRecordsFailed), legend: 'failed' },
        { expr: rate(M.deliveryRecordsRetried), legend: 'retried' },
      ], { w: 6 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('S3 objects', 'Objects appearing under the delivery prefix, per second.', UNITS.perSecond, [
        { expr: rate(M.deliveryS3ObjectsSeen), legend: 'objects' },
      ], { w: 6 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('PutRecordBatch latency', 'Firehose call duration.', UNITS.seconds, [
        { expr: quantile(0.5, M.deliveryPutLatency), legend: 'p50' },
        { expr: quantile(0.99, M.deliveryPutLatency), legend: 'p99' },
      ], { w: 6 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Batch size', 'Records per PutRecordBatch call (max 500).', UNITS.records, [
        { expr: quantile(0.5, M.deliveryPutBatchSize), legend: 'p50' },
        { expr: quantile(0.99, M.deliveryPutBatchSize), legend: 'p99' },
      ], { w: 6 }, { min: 0 }),
    );

  // On a shared machine CPU is the first thing to look at: the harness (runner) and each processor, from prom-client's default metrics.
  d.withRow(new dashboard.RowBuilder('Resources (harness and processors)'))
    .withPanel(
      timeseriesPanel('CPU', 'CPU time per second of each harness process: 1 = one core busy all along.', UNITS.count, [
        { expr: rate(PM.cpuSeconds, ['instance_role']), legend: '{{instance_role}}' },
      ], { w: 8 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Memory (RSS)', 'Resident memory of each harness process.', UNITS.bytes, [
        { expr: gauge(PM.residentMemory, 'max', ['instance_role']), legend: '{{instance_role}} rss' },
        { expr: gauge(PM.heapUsed, 'max', ['instance_role']), legend: '{{instance_role}} heap' },
      ], { w: 8 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Event-loop delay p99', 'How late timers fire in each process: a busy loop delays sends (schedule lag) and acks alike.', UNITS.seconds, [
        { expr: gauge(PM.eventLoopLagP99, 'max', ['instance_role']), legend: '{{instance_role}}' },
      ], { w: 8 }, { min: 0 }),
    );

  // The brokers' own view (JMX exporter agent): is Kafka the slow or unhealthy part? No run
  // labels here: the dashboard's time range picks the run.
  d.withRow(new dashboard.RowBuilder('Brokers'))
    .withPanel(
      timeseriesPanel('Request latency p99', 'Total time of requests inside each broker (queue + local + remote + send), p99 of its recent requests. Fetches include their long-poll wait (fetch.max.wait.ms, replica.fetch.wait.max.ms: up to 500 ms) when there is nothing new; Produce with acks=all includes the wait for the followers.', UNITS.milliseconds, [
        { expr: brokerGauge(BM.requestTimeP99Ms, 'max', ['broker', 'request']), legend: '{{broker}} {{request}}' },
      ], { w: 6 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('ISR shrinks / expands', 'Followers dropped from (by a leader, for lagging) and rejoining the in-sync replicas, per second. A broker that stops or is fenced is taken out of the ISRs by the KRaft controller, which no leader counts as a shrink: under-replicated partitions shows that case.', UNITS.perSecond, [
        { expr: brokerRate(BM.isrShrinks), legend: '{{broker}} shrinks' },
        { expr: brokerRate(BM.isrExpands), legend: '{{broker}} expands' },
      ], { w: 6 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Under-replicated partitions', 'Partitions each broker leads with a replica out of sync; should be 0 outside a fault.', UNITS.count, [
        { expr: brokerGauge(BM.underReplicatedPartitions, 'max'), legend: '{{broker}}' },
      ], { w: 6 }, { min: 0 }),
    )
    .withPanel(
      timeseriesPanel('Bytes in / out', 'Client bytes produced to and fetched from each broker, all topics (replication traffic excluded).', UNITS.bytesPerSecond, [
        { expr: brokerRate(BM.bytesIn), legend: '{{broker}} in' },
        { expr: brokerRate(BM.bytesOut), legend: '{{broker}} out' },
      ], { w: 6 }, { min: 0 }),
    );

  return finalize(d);
}
