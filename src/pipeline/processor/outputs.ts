import { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { windowResultSchema, type WindowResult } from './aggregate.js';

/**
 * What goes in and out of the processor core, and the wire format of its side outputs
 * (late-events and the DLQ) so that the verifier can read them back.
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
  reason: string;
  /** Best-effort identity from the raw text, so the verifier can account for the event. */
  generatorId: string | null;
  seq: number | null;
}

export const SIDE_OUTPUT_SCHEMA_VERSION = 1 as const;

const offsetText = z.string().regex(/^\d+$/);

/** Value of a late-events record. */
export const lateValueSchema = z
  .object({
    schemaVersion: z.literal(SIDE_OUTPUT_SCHEMA_VERSION),
    reason: z.string(),
    sourcePartition: z.number().int().nonnegative(),
    sourceOffset: offsetText,
    eventId: z.string(),
    generatorId: z.string(),
    seq: z.number().int().nonnegative(),
    windowKey: z.string(),
    windowEndMs: z.number().int(),
    watermarkMs: z.number(),
    raw: z.string(),
  })
  .strict();
export type LateValue = z.infer<typeof lateValueSchema>;

/** Value of a DLQ record. */
export const dlqValueSchema = z
  .object({
    schemaVersion: z.literal(SIDE_OUTPUT_SCHEMA_VERSION),
    reason: z.string(),
    sourcePartition: z.number().int().nonnegative(),
    sourceOffset: offsetText,
    generatorId: z.string().nullable(),
    seq: z.number().int().nonnegative().nullable(),
    raw: z.string().nullable(),
  })
  .strict();
export type DlqValue = z.infer<typeof dlqValueSchema>;

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
    reason: record.reason,
    sourcePartition: record.partition,
    sourceOffset: record.offset.toString(),
    generatorId: record.generatorId,
    seq: record.seq,
    raw: record.value,
  };
  return JSON.stringify(value);
}

function parseWith<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch (error) {
    throw new StreamproofError(ERROR_CODES.INVALID_RESULT, `${what} is not JSON: ${(error as Error).message}`, {
      hint: `was this ${what} written by the streamproof processor?`,
      cause: error,
    });
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) {
    const reason = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
    throw new StreamproofError(ERROR_CODES.INVALID_RESULT, `invalid ${what}: ${reason}`, {
      hint: `was this ${what} written by this version of the streamproof processor?`,
    });
  }
  return parsed.data;
}

/** Parses a processed-events value; throws SP_INVALID_RESULT naming every bad field. */
export function parseWindowResult(text: string): WindowResult {
  return parseWith(windowResultSchema, text, 'window result') as WindowResult;
}

export function parseLateValue(text: string): LateValue {
  return parseWith(lateValueSchema, text, 'late-events value');
}

export function parseDlqValue(text: string): DlqValue {
  return parseWith(dlqValueSchema, text, 'DLQ value');
}
