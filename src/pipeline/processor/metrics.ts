import type { CatalogMetrics } from '../../metrics/registry.js';

/**
 * What the processor runtime reports, as a small port: the runtime calls it, the metrics module
 * (prom-client) implements it through the catalog, tests can count calls. Counts are of committed
 * transactions only, so in a clean run they equal what the verifier finds in the topics.
 */
export interface ProcessorMetricsRecorder {
  /** raw-events records applied (events, invalid records and control records) and committed. */
  eventsIn(count: number): void;
  windowsEmitted(count: number): void;
  lateEvents(count: number): void;
  dlqEvents(count: number): void;
  openWindows(count: number): void;
  transaction(outcome: 'committed' | 'aborted', durationMs: number): void;
  /** Wall clock − event-time watermark; null when no watermark yet. */
  watermarkLagMs(lagMs: number | null): void;
  /** Messages behind the end of raw-events per assigned partition; partitions not listed are dropped. */
  consumerLag(lagByPartition: ReadonlyMap<number, number>): void;
}

export const NO_METRICS: ProcessorMetricsRecorder = {
  eventsIn: () => undefined,
  windowsEmitted: () => undefined,
  lateEvents: () => undefined,
  dlqEvents: () => undefined,
  openWindows: () => undefined,
  transaction: () => undefined,
  watermarkLagMs: () => undefined,
  consumerLag: () => undefined,
};

type ProcessorCatalog = Pick<
  CatalogMetrics,
  | 'processorEventsIn'
  | 'processorOpenWindows'
  | 'processorWindowsEmitted'
  | 'processorLateEvents'
  | 'processorDlqEvents'
  | 'processorTransactionsCommitted'
  | 'processorTransactionsAborted'
  | 'processorTransactionDuration'
  | 'processorWatermarkLag'
  | 'processorConsumerLag'
>;

/** The recorder over the metrics catalog (streamproof_processor_*). Takes every handle now, so all series exist from start. */
export function catalogProcessorMetrics(metrics: ProcessorCatalog): ProcessorMetricsRecorder {
  const m = {
    eventsIn: metrics.processorEventsIn,
    openWindows: metrics.processorOpenWindows,
    emitted: metrics.processorWindowsEmitted,
    late: metrics.processorLateEvents,
    dlq: metrics.processorDlqEvents,
    committed: metrics.processorTransactionsCommitted,
    aborted: metrics.processorTransactionsAborted,
    duration: metrics.processorTransactionDuration,
    watermarkLag: metrics.processorWatermarkLag,
    consumerLag: metrics.processorConsumerLag,
  };
  let lagPartitions = new Set<number>();
  return {
    eventsIn: (count) => m.eventsIn.inc(count),
    windowsEmitted: (count) => m.emitted.inc(count),
    lateEvents: (count) => m.late.inc(count),
    dlqEvents: (count) => m.dlq.inc(count),
    openWindows: (count) => m.openWindows.set(count),
    transaction: (outcome, durationMs) => {
      (outcome === 'committed' ? m.committed : m.aborted).inc();
      m.duration.observeMs(durationMs);
    },
    watermarkLagMs: (lagMs) => m.watermarkLag.set(lagMs === null ? 0 : lagMs / 1000),
    consumerLag: (lagByPartition) => {
      for (const partition of lagPartitions) if (!lagByPartition.has(partition)) m.consumerLag.remove({ partition: String(partition) });
      for (const [partition, lag] of lagByPartition) m.consumerLag.set({ partition: String(partition) }, lag);
      lagPartitions = new Set(lagByPartition.keys());
    },
  };
}
