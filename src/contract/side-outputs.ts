/**
 * Values of the processor's side outputs (docs/contract.md, "Late events" and "Dead-letter
 * queue"). Both are keyed by the raw record's Kafka key (empty when it had none) and carry the
 * raw value unchanged, its source position and the event's identity, so that every raw-events
 * record can be accounted for. JSON, no other fields.
 */

export const SIDE_OUTPUT_SCHEMA_VERSION = 1 as const;

/** Value of a late-events record: a valid event whose window was already finally closed. */
export interface LateValue {
  schemaVersion: typeof SIDE_OUTPUT_SCHEMA_VERSION;
  /** Human-readable; not part of the contract's checks. */
  reason: string;
  sourcePartition: number;
  /** The raw record's offset, decimal digits (a string: offsets are 64-bit). */
  sourceOffset: string;
  eventId: string;
  generatorId: string;
  seq: number;
  /** The window the event belongs to, `userId|windowStartMs`. */
  windowKey: string;
  windowEndMs: number;
  /** The partition's watermark when the event was judged late (≥ windowEndMs + allowedLatenessMs). */
  watermarkMs: number;
  /** The raw-events value, unchanged. */
  raw: string;
}

/**
 * Why a record went to the DLQ, in the order the processor checks (the first that applies):
 *   no-value           the record has no value (null)
 *   not-json           the value does not parse as JSON
 *   invalid-event      JSON, but not a valid v1 event (docs/contract.md, "Validity")
 *   key-mismatch       a valid event whose Kafka key is not its userId
 *   event-time-ahead   a valid event more than maxEventTimeAheadMs ahead of processing time
 *   partition-changed  a valid event whose window is open on another source partition
 */
export const DLQ_REASON_CODES = ['no-value', 'not-json', 'invalid-event', 'key-mismatch', 'event-time-ahead', 'partition-changed'] as const;
export type DlqReasonCode = (typeof DLQ_REASON_CODES)[number];

/** Codes that say the record is not a valid event at all (the others are valid events diverted). */
export const DLQ_NOT_AN_EVENT_CODES = ['no-value', 'not-json', 'invalid-event'] as const satisfies readonly DlqReasonCode[];

/** Value of a DLQ record: a record that is not a valid event, or a valid event that cannot be counted. */
export interface DlqValue {
  schemaVersion: typeof SIDE_OUTPUT_SCHEMA_VERSION;
  reasonCode: DlqReasonCode;
  /** Human-readable detail (e.g. which field is wrong); not part of the contract's checks. */
  reason: string;
  sourcePartition: number;
  sourceOffset: string;
  /** Best-effort identity found in the raw text (docs/contract.md, "Identities"); null when none. */
  generatorId: string | null;
  seq: number | null;
  /** The raw-events value, unchanged (null when it had none). */
  raw: string | null;
}
