/**
 * Splits records into PutRecordBatch calls within Firehose's limits.
 *
 * Framing: Firehose concatenates record data with no delimiter, so each record is sent as its
 * bytes + '\n' and S3 objects are newline-delimited JSON. Invariant that makes this safe: a
 * record's own bytes contain no '\n' (such records are rejected, as are empty ones — an empty
 * line cannot be told apart from framing noise).
 *
 * Limits (Firehose quotas): ≤ 500 records and ≤ 4 MiB of data per call, ≤ 1,000 KiB per record,
 * all counted on the framed bytes (the '\n' included) before base64 encoding.
 */

export interface FirehoseLimits {
  maxRecordsPerCall: number;
  maxBytesPerCall: number;
  maxRecordBytes: number;
}

export const FIREHOSE_LIMITS: Readonly<FirehoseLimits> = {
  maxRecordsPerCall: 500,
  maxBytesPerCall: 4 * 1024 * 1024,
  maxRecordBytes: 1000 * 1024,
};

const NEWLINE = 0x0a;

export interface FramedRecord<R> {
  record: R;
  /** value + '\n': exactly the bytes sent to Firehose. */
  payload: Uint8Array;
}

export interface PlannedCall<R> {
  entries: FramedRecord<R>[];
  /** Sum of payload lengths. */
  bytes: number;
}

export interface RejectedRecord<R> {
  record: R;
  reason: string;
}

export interface BatchPlan<R> {
  /** In source order; every accepted record appears in exactly one call. */
  calls: PlannedCall<R>[];
  rejected: RejectedRecord<R>[];
}

export function frameRecord(value: Uint8Array): Uint8Array {
  const framed = new Uint8Array(value.length + 1);
  framed.set(value, 0);
  framed[value.length] = NEWLINE;
  return framed;
}

/** Why a record cannot be sent as one NDJSON line, or null when it can. */
export function rejectionReason(value: Uint8Array, limits: FirehoseLimits = FIREHOSE_LIMITS): string | null {
  if (value.length === 0) return 'empty record: an empty line cannot be delivered as NDJSON';
  const framedBytes = value.length + 1;
  if (framedBytes > limits.maxRecordBytes) {
    return `record is ${framedBytes} bytes with its newline; Firehose accepts at most ${limits.maxRecordBytes} bytes per record`;
  }
  if (value.includes(NEWLINE)) return 'record contains a newline byte: it would split into several NDJSON lines in S3';
  return null;
}

/** Greedy, order-preserving packing: a call is closed when the next record would break a limit. */
export function planPutBatches<R extends { value: Uint8Array }>(
  records: readonly R[],
  limits: FirehoseLimits = FIREHOSE_LIMITS,
): BatchPlan<R> {
  if (limits.maxRecordBytes > limits.maxBytesPerCall) {
    throw new RangeError('maxRecordBytes must not exceed maxBytesPerCall: a legal record must fit in a call');
  }
  const calls: PlannedCall<R>[] = [];
  const rejected: RejectedRecord<R>[] = [];
  let current: PlannedCall<R> = { entries: [], bytes: 0 };
  for (const record of records) {
    const reason = rejectionReason(record.value, limits);
    if (reason !== null) {
      rejected.push({ record, reason });
      continue;
    }
    const payload = frameRecord(record.value);
    const full =
      current.entries.length >= limits.maxRecordsPerCall || current.bytes + payload.length > limits.maxBytesPerCall;
    if (full) {
      calls.push(current);
      current = { entries: [], bytes: 0 };
    }
    current.entries.push({ record, payload });
    current.bytes += payload.length;
  }
  if (current.entries.length > 0) calls.push(current);
  return { calls, rejected };
}
