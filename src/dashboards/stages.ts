import { METRICS, type HistogramDef } from '../metrics/catalog.js';

/**
 * The latency stages of docs/results.md (measurement model), in pipeline order, as the dashboards show them. Each
 * stage is exactly one catalog histogram; freshness is shown beside L3.
 */
export interface LatencyStage {
  id: 'L1' | 'L2' | 'HTTP' | 'L3' | 'FRESHNESS' | 'L4';
  /** Short legend name. */
  label: string;
  title: string;
  description: string;
  histogram: HistogramDef<never, 'seconds'>;
}

export const LATENCY_STAGES: readonly LatencyStage[] = [
  {
    id: 'L1',
    label: 'L1 produce',
    title: 'L1 produce (ack − intended)',
    description: 'Broker ack minus the event\'s intended send time: includes any time the sender fell behind its schedule.',
    histogram: METRICS.producerAckLatency,
  },
  {
    id: 'L2',
    label: 'L2 ingest',
    title: 'L2 ingest (visible in raw-events − intended)',
    description: 'First seen by a read_committed consumer of raw-events minus intended time.',
    histogram: METRICS.ingestVisibleLatency,
  },
  {
    id: 'HTTP',
    label: 'HTTP ingest',
    title: 'HTTP ingest (2xx − intended)',
    description: 'Collector 2xx response minus intended time.',
    histogram: METRICS.httpIngestLatency,
  },
  {
    id: 'L3',
    label: 'L3 window result',
    title: 'L3 window result (visible − window close)',
    description: 'Result visible in processed-events minus the moment the window could close (window end + allowed out-of-orderness).',
    histogram: METRICS.processorWindowResultLatency,
  },
  {
    id: 'FRESHNESS',
    label: 'freshness',
    title: 'Freshness (result visible − newest event intended)',
    description: 'How old the newest counted event is when its window result becomes visible.',
    histogram: METRICS.processorResultFreshness,
  },
  {
    id: 'L4',
    label: 'L4 delivery',
    title: 'L4 delivery (S3 visible − result visible)',
    description: 'Object visible in S3 minus the window result visible in processed-events. Emulators deliver at once; real Firehose buffers up to 300 s.',
    histogram: METRICS.deliveryS3VisibleLatency,
  },
];
