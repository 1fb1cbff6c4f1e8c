import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { SLO_CANDIDATE_SECONDS } from '../metrics/buckets.js';
import { METRICS as M } from '../metrics/catalog.js';
import { finalize, newDashboard } from './base.js';
import { UNITS, heatmapPanel, timeseriesPanel } from './panels.js';
import { fractionWithin, gauge, mean, observationRate, quantile, rate } from './promql.js';
import { LATENCY_STAGES, type LatencyStage } from './stages.js';

export const STAGE_DRILLDOWN_UID = 'streamproof-stage-drilldown';

type PanelBuilder = ReturnType<typeof timeseriesPanel> | ReturnType<typeof heatmapPanel>;

const PERCENTILES = [0.5, 0.9, 0.99, 0.999] as const;

/** 0.5 -> p50, 0.999 -> p99.9 (rounded to a tenth to shed floating-point noise). */
function percentileLegend(q: number): string {
  return `p${Math.round(q * 1000) / 10}`;
}

/** The same five views for every stage: distribution, shape, SLO shares, per process, volume. */
function stagePanels(stage: LatencyStage): PanelBuilder[] {
  const h = stage.histogram;
  return [
    timeseriesPanel(`${stage.label}: percentiles`, `${stage.description} Interpolated from the classic buckets.`, UNITS.seconds,
      [...PERCENTILES.map((q) => ({ expr: quantile(q, h), legend: percentileLegend(q) })), { expr: mean(h), legend: 'mean' }],
      { w: 12 }, { min: 0 }),
    heatmapPanel(`${stage.label}: distribution`, 'Observations per second in each latency bucket.', h, { w: 12 }),
    timeseriesPanel(`${stage.label}: share within SLO`, 'Fraction of observations at or below each SLO candidate (exact: each is a bucket boundary).', UNITS.ratio,
      SLO_CANDIDATE_SECONDS.map((slo) => ({ expr: fractionWithin(h, slo), legend: `≤ ${slo < 1 ? `${slo * 1000} ms` : `${slo} s`}` })),
      { w: 8 }, { min: 0, max: 1 }),
    timeseriesPanel(`${stage.label}: p99 by process`, 'Is one process slower than the others?', UNITS.seconds,
      [{ expr: quantile(0.99, h, ['instance_role']), legend: '{{instance_role}}' }], { w: 8 }, { min: 0 }),
    timeseriesPanel(`${stage.label}: observations`, 'Latency samples recorded per second (one per event or result).', UNITS.perSecond,
      [{ expr: observationRate(h), legend: 'observations' }], { w: 8 }, { min: 0 }),
  ];
}

/** What explains each stage's latency. */
function contextPanels(stage: LatencyStage): PanelBuilder[] {
  switch (stage.id) {
    case 'L1':
      return [
        timeseriesPanel('Producer: schedule lag', 'Actual send minus intended time: the part of L1 spent waiting to be sent.', UNITS.seconds,
          PERCENTILES.map((q) => ({ expr: quantile(q, M.producerScheduleLag), legend: percentileLegend(q) })), { w: 12 }, { min: 0 }),
        timeseriesPanel('Producer: events', 'Per second, through the producer.', UNITS.eventsPerSecond, [
          { expr: rate(M.producerEventsScheduled), legend: 'scheduled' },
          { expr: rate(M.producerEventsSent), legend: 'sent' },
          { expr: rate(M.producerEventsAcked), legend: 'acked' },
          { expr: rate(M.producerEventsFailed), legend: 'failed' },
          { expr: rate(M.producerEventsMalformed), legend: 'malformed' },
        ], { w: 12 }, { min: 0 }),
      ];
    case 'L2':
      return [
        timeseriesPanel('Ingest: acked vs visible', 'Acknowledged events and events visible to read_committed consumers, per second.', UNITS.eventsPerSecond, [
          { expr: rate(M.producerEventsAcked), legend: 'acked' },
          { expr: rate(M.ingestEventsVisible), legend: 'visible' },
        ], { w: 24 }, { min: 0 }),
      ];
    case 'HTTP':
      return [
        timeseriesPanel('HTTP: requests by status', 'Collector responses per second.', UNITS.perSecond, [
          { expr: rate(M.httpRequests, ['status']), legend: '{{status}}' },
        ], { w: 12 }, { min: 0 }),
        timeseriesPanel('HTTP: events accepted', 'Events in 2xx responses, per second.', UNITS.eventsPerSecond, [
          { expr: rate(M.httpEventsAccepted), legend: 'accepted' },
        ], { w: 12 }, { min: 0 }),
      ];
    case 'L3':
      return [
        timeseriesPanel('Processor: watermark lag', 'Wall clock minus event-time watermark; windows close only as the watermark passes them.', UNITS.seconds, [
          { expr: gauge(M.processorWatermarkLag, 'max', ['instance_role']), legend: '{{instance_role}}' },
        ], { w: 8 }),
        timeseriesPanel('Processor: consumer lag by partition', 'Messages behind the end of raw-events.', UNITS.count, [
          { expr: gauge(M.processorConsumerLag, 'sum', ['partition']), legend: 'partition {{partition}}' },
        ], { w: 8 }, { min: 0 }),
        timeseriesPanel('Processor: transaction duration', 'Results become visible only when their transaction commits.', UNITS.seconds,
          PERCENTILES.map((q) => ({ expr: quantile(q, M.processorTransactionDuration), legend: percentileLegend(q) })), { w: 8 }, { min: 0 }),
      ];
    case 'FRESHNESS':
      return [
        timeseriesPanel('Processor: windows', 'Windows open and results emitted per second.', UNITS.count, [
          { expr: gauge(M.processorOpenWindows, 'sum'), legend: 'open' },
          { expr: rate(M.processorWindowsEmitted), legend: 'emitted /s' },
        ], { w: 24 }, { min: 0 }),
      ];
    case 'L4':
      return [
        timeseriesPanel('Delivery: PutRecordBatch latency', 'Firehose call duration.', UNITS.seconds,
          PERCENTILES.map((q) => ({ expr: quantile(q, M.deliveryPutLatency), legend: percentileLegend(q) })), { w: 8 }, { min: 0 }),
        timeseriesPanel('Delivery: batch size', 'Records per PutRecordBatch call.', UNITS.records, [
          { expr: quantile(0.5, M.deliveryPutBatchSize), legend: 'p50' },
          { expr: quantile(0.99, M.deliveryPutBatchSize), legend: 'p99' },
          { expr: mean(M.deliveryPutBatchSize), legend: 'mean' },
        ], { w: 8 }, { min: 0 }),
        timeseriesPanel('Delivery: records and objects', 'Per second: Firehose records and S3 objects seen.', UNITS.perSecond, [
          { expr: rate(M.deliveryRecordsPut), legend: 'put' },
          { expr: rate(M.deliveryRecordsFailed), legend: 'failed' },
          { expr: rate(M.deliveryRecordsRetried), legend: 'retried' },
          { expr: rate(M.deliveryS3ObjectsSeen), legend: 'S3 objects' },
        ], { w: 8 }, { min: 0 }),
      ];
  }
}

export function buildStageDrilldown(): dashboard.Dashboard {
  const d = newDashboard(
    STAGE_DRILLDOWN_UID,
    'streamproof — stage drill-down',
    'One row per latency stage (docs/results.md, measurement model): percentiles, distribution, share within SLO candidates, per-process p99, and what drives the stage.',
  );
  for (const stage of LATENCY_STAGES) {
    d.withRow(new dashboard.RowBuilder(stage.title));
    for (const panel of [...stagePanels(stage), ...contextPanels(stage)]) d.withPanel(panel);
  }
  return finalize(d);
}
