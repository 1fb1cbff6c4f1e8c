import { SIDE_OUTPUT_SCHEMA_VERSION, type DlqReasonCode, type DlqValue, type LateValue } from '../../contract/side-outputs.js';

/**
 * What goes in and out of the processor core, and the encoding of its side outputs (late-events
 * and the DLQ) in the contract's format (src/contract/side-outputs.ts, docs/contract.md). The
 * verifier parses them with its own schemas.
 */

/** A raw-events record as the Kafka adapter hands it over. */
export interface SourceRecord {
  partition: number;
  offset: bigint;
  /** Kafka key (the producer sets userId); null when the record had none. */
  key: string | null;
  /** UTF-8 value; null for a record without a value. */
  value: string | null;
}

/** An event whose window was already finally closed; goes to late-events keyed by `key`. */
export interface LateRecord {
  key: string | null;
  /** The raw-events value, unchanged. */
  value: string;
  partition: number;
  offset: bigint;
  reason: string;
  eventId: string;
  generatorId: string;
  seq: number;
  windowKey: string;
  windowEndMs: number;
  /** The partition's watermark when the event was judged late. */
  watermarkMs: number;
}

/** A record that is not a valid event (or could not be processed); goes to the DLQ keyed by `key`. */
export interface DlqRecord {
  key: string | null;
  /** The raw-events value, unchanged (null if it had none). */
  value: string | null;
  partition: number;
  offset: bigint;
  code: DlqReasonCode;
  reason: string;
  /** Best-effort identity from the raw text, so the verifier can account for the event. */
  generatorId: string | null;
  seq: number | null;
}

export function encodeLateValue(record: LateRecord): string {
  const value: LateValue = {
    schemaVersion: SIDE_OUTPUT_SCHEMA_VERSION,
    reason: record.reason,
    sourcePartition: record.partition,
    sourceOffset: record.offset.toString(),
    eventId: record.eventId,
    generatorId: record.generatorId,
    seq: record.seq,
    windowKey: record.windowKey,
    windowEndMs: record.windowEndMs,
    watermarkMs: record.watermarkMs,
    raw: record.value,
  };
  return JSON.stringify(value);
}

export function encodeDlqValue(record: DlqRecord): string {
  const value: DlqValue = {
    schemaVersion: SIDE_OUTPUT_SCHEMA_VERSION,
    reasonCode: record.code,
    reason: record.reason,
    sourcePartition: record.partition,
    sourceOffset: record.offset.toString(),
    generatorId: record.generatorId,
    seq: record.seq,
    raw: record.value,
  };
  return JSON.stringify(value);
}
