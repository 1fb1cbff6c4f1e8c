import type { MetricsRegistry } from '../metrics/registry.js';
import { LatencySeries } from '../metrics/latency-series.js';
import type { KafkaSourceRecord } from '../kafka/result-source.js';
import type { DeliveredRecordSample } from '../pipeline/delivery/buffering-model.js';
import type { DeliveryRecorder } from '../pipeline/delivery/stats.js';
import type { S3WatchOptions } from '../pipeline/delivery/run-sink.js';

/**
 * What the runner observes of the delivery stage while it runs: Prometheus metrics of every
 * put, L4 samples from the S3 watcher, and the (size, time) of every accepted record — the
 * input of the production-Firehose buffering model in the result.
 */
export class DeliveryObservation {
  readonly l4 = new LatencySeries();
  readonly accepted: DeliveredRecordSample[] = [];
  objectsSeen = 0;

  constructor(
    private readonly registry: MetricsRegistry,
    /** Results visible before this are warm-up: delivered and verified, not measured. Read late: the load start is fixed only once everything is up. */
    private readonly measureFromEpochMs: () => number,
  ) {}

  recorder(): DeliveryRecorder<KafkaSourceRecord> {
    const m = this.registry.metrics;
    return {
      putCall: (event) => {
        m.deliveryPutLatency.observeMs(event.latencyMs);
        m.deliveryPutBatchSize.observe(event.records);
        if (event.failedRecords > 0) m.deliveryRecordsFailed.inc(event.failedRecords);
      },
      recordsAccepted: (records, acceptedAtMs) => {
        m.deliveryRecordsPut.inc(records.length);
        for (const record of records) this.accepted.push({ sizeBytes: record.value.byteLength + 1, atMs: acceptedAtMs });
      },
      recordsResent: (records) => m.deliveryRecordsRetried.inc(records.length),
    };
  }

  watch(): S3WatchOptions {
    return {
      intervalMs: 1_000,
      onObject: () => {
        this.objectsSeen += 1;
        this.registry.metrics.deliveryS3ObjectsSeen.inc();
      },
      onSample: (sample) => {
        if (sample.visibleAtMs < this.measureFromEpochMs()) return;
        this.l4.record(sample.seenAtMs, sample.latencyMs);
        this.registry.metrics.deliveryS3VisibleLatency.observeMs(sample.latencyMs);
      },
    };
  }
}
