/**
 * The small interfaces the delivery sink works against. The Kafka side (ResultSource on
 * `processed-events`) and the Firehose side (FirehosePutPort in src/aws/firehose-put.ts) are
 * implemented elsewhere; the sink takes every timing itself so no adapter can bias it.
 */

/** One window result as read from `processed-events`. Sources may extend it (partition, offset). */
export interface SourceRecord {
  /** The result's JSON bytes, exactly as they must appear in S3 (the sink appends '\n'). */
  readonly value: Uint8Array;
  /** Epoch ms when the result became visible in `processed-events` (read_committed): start of L4. */
  readonly visibleAtMs: number;
}

export interface ResultSource<R extends SourceRecord = SourceRecord> {
  /** Up to maxRecords records, waiting at most timeoutMs; [] when nothing arrived. */
  poll(maxRecords: number, timeoutMs: number): Promise<R[]>;
  /** Marks these records (all of one poll) as delivered; called only after every one was accepted or dead-lettered. */
  commit(records: readonly R[]): Promise<void>;
}

/** Where records that Firehose can never accept go (oversize, framing-unsafe). */
export interface DlqPort<R extends SourceRecord = SourceRecord> {
  send(record: R, reason: string): Promise<void>;
}

/** Per-entry answer of one PutRecordBatch call, in request order. */
export type EntryOutcome = { ok: true } | { ok: false; errorCode: string; errorMessage?: string };

/** What is known about a call that produced no per-entry answer. Plain facts; retry.ts classifies. */
export interface CallErrorInfo {
  /** Error name, e.g. ThrottlingException, TimeoutError, Error. */
  name: string;
  message: string;
  /** HTTP status when the service answered. */
  httpStatus?: number;
  /** Node system error code when the transport failed, e.g. ECONNREFUSED, ECONNRESET. */
  networkCode?: string;
}

export type PutBatchOutcome =
  | { kind: 'response'; entries: EntryOutcome[] }
  | { kind: 'error'; error: CallErrorInfo };

export interface FirehosePutPort {
  /** Where calls go (endpoint URL or "AWS <region>"), for error messages. */
  readonly target: string;
  /** One PutRecordBatch call. Never throws for service or transport failures: they come back as `kind: 'error'`. */
  putBatch(streamName: string, records: readonly Uint8Array[]): Promise<PutBatchOutcome>;
}


/** Waits ms; resolves early (without throwing) when the signal aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;
