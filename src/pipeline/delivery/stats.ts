import type { FailureClass } from './retry.js';
import type { SourceRecord } from '../../base/delivery-ports.js';

/**
 * What the delivery sink reports. Metrics (prom-client, HDR) are wired by implementing
 * DeliveryRecorder; the sink also keeps plain counters (DeliveryStats) for results and tests.
 */

export interface PutCallEvent {
  /** Records in this call (a retry sends only the failed ones). */
  records: number;
  bytes: number;
  /** Monotonic duration of the call, ms. */
  latencyMs: number;
  acceptedRecords: number;
  failedRecords: number;
  /** Set when the call or some of its entries failed. */
  failure?: FailureClass;
  /** 1 for a planned batch's first call. */
  attempt: number;
}

export interface DeliveryRecorder<R extends SourceRecord = SourceRecord> {
  putCall?(event: PutCallEvent): void;
  /** Firehose accepted these records at acceptedAtMs (epoch): L4 = S3 visibility − record.visibleAtMs. */
  recordsAccepted?(records: readonly R[], acceptedAtMs: number): void;
  /** These records are about to be sent again; ambiguous = they may already be in Firehose. */
  recordsResent?(records: readonly R[], retry: { failure: FailureClass; ambiguous: boolean; attempt: number }): void;
  recordDeadLettered?(record: R, reason: string): void;
  /** A polled batch was committed to the source. */
  committed?(records: number): void;
}

export interface DeliveryStats {
  recordsPolled: number;
  /** Records Firehose reported as accepted (counting a record again each time it is accepted again). */
  recordsPut: number;
  /** Record-failures: failed entries plus every record of a failed call. */
  recordsFailed: number;
  /** Records sent again after a failure. */
  recordsRetried: number;
  /** Records sent again after an ambiguous failure: an upper bound on duplicates this sink created. */
  duplicateRiskRecords: number;
  recordsDeadLettered: number;
  recordsCommitted: number;
  calls: number;
  /** Calls that returned no per-entry answer. */
  failedCalls: number;
  /** Calls whose answer had some failed entries. */
  partialCalls: number;
  /** Times the stream was missing and the onStreamMissing hook re-created it. */
  streamRecoveries: number;
  maxCallRecords: number;
  maxCallBytes: number;
  totalPutLatencyMs: number;
  maxPutLatencyMs: number;
}

export function emptyDeliveryStats(): DeliveryStats {
  return {
    recordsPolled: 0,
    recordsPut: 0,
    recordsFailed: 0,
    recordsRetried: 0,
    duplicateRiskRecords: 0,
    recordsDeadLettered: 0,
    recordsCommitted: 0,
    calls: 0,
    failedCalls: 0,
    partialCalls: 0,
    streamRecoveries: 0,
    maxCallRecords: 0,
    maxCallBytes: 0,
    totalPutLatencyMs: 0,
    maxPutLatencyMs: 0,
  };
}
