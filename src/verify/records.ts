import { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { EVENT_TYPES, PURCHASE_TYPE } from '../contract/event.js';
import { DLQ_REASON_CODES, SIDE_OUTPUT_SCHEMA_VERSION, type DlqValue, type LateValue } from '../contract/side-outputs.js';
import { WINDOW_RESULT_SCHEMA_VERSION, type WindowResult } from '../contract/window-result.js';
import { splitWindowKey, windowKeyOf, windowStartOf } from './windows.js';
import type { ReadResult } from './values.js';

/**
 * The verifier's own reading of what the processor writes (docs/contract.md, "Window results",
 * "Late events", "Dead-letter queue"): strict schemas written from the contract, and the
 * consistency rules a window result must satisfy on its own (without the events behind it).
 */

const int = z.number().int();
const natural = int.nonnegative();
const offsetText = z.string().regex(/^\d+$/);
const fingerprint = z.object({ count: natural, hashSum: z.string().regex(/^[0-9a-f]{16}$/) }).strict();

const windowResultSchema = z
  .object({
    schemaVersion: z.literal(WINDOW_RESULT_SCHEMA_VERSION),
    key: z.string().min(1),
    userId: z.string().min(1),
    windowStartMs: int,
    windowEndMs: int,
    sourcePartition: natural,
    count: int.positive(),
    countsByType: z.object(Object.fromEntries(EVENT_TYPES.map((type) => [type, natural])) as Record<(typeof EVENT_TYPES)[number], typeof natural>).strict(),
    revenueCents: natural,
    distinctSessions: int.positive(),
    firstEventTimeMs: int,
    lastEventTimeMs: int,
    fingerprint,
    maxIntendedAtMs: int,
    revision: natural,
    closeAtMs: int,
    watermarkMs: z.number(),
  })
  .strict() satisfies z.ZodType<WindowResult>;

/** Values-only mode: a processor that emits no fingerprint (docs/verification.md). */
const valuesOnlyResultSchema = windowResultSchema.extend({ fingerprint: fingerprint.optional() }).strict();

const lateValueSchema = z
  .object({
    schemaVersion: z.literal(SIDE_OUTPUT_SCHEMA_VERSION),
    reason: z.string(),
    sourcePartition: natural,
    sourceOffset: offsetText,
    eventId: z.string(),
    generatorId: z.string(),
    seq: natural,
    windowKey: z.string(),
    windowEndMs: int,
    watermarkMs: z.number(),
    raw: z.string(),
  })
  .strict() satisfies z.ZodType<LateValue>;

const dlqValueSchema = z
  .object({
    schemaVersion: z.literal(SIDE_OUTPUT_SCHEMA_VERSION),
    reasonCode: z.enum(DLQ_REASON_CODES),
    reason: z.string(),
    sourcePartition: natural,
    sourceOffset: offsetText,
    generatorId: z.string().nullable(),
    seq: natural.nullable(),
    raw: z.string().nullable(),
  })
  .strict() satisfies z.ZodType<DlqValue>;

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
  return parseWith(windowResultSchema, text, 'window result');
}

/** A processed-events value whose fingerprint may be absent (values-only mode). */
export function parseWindowResultValues(text: string): ReadResult {
  return parseWith(valuesOnlyResultSchema, text, 'window result') as ReadResult;
}

export function parseLateValue(text: string): LateValue {
  return parseWith(lateValueSchema, text, 'late-events value');
}

export function parseDlqValue(text: string): DlqValue {
  return parseWith(dlqValueSchema, text, 'DLQ value');
}

/**
 * What is wrong with a well-formed result on its own terms (empty when nothing): its key, window
 * bounds and figures must agree with each other. With `windowMs`, the window must also be the
 * one the contract assigns. The fingerprint's agreement with the events is checked elsewhere.
 */
export function resultInconsistencies(result: ReadResult, windowMs?: number): string[] {
  const problems: string[] = [];
  const split = splitWindowKey(result.key);
  if (!split || split.userId !== result.userId || split.windowStartMs !== result.windowStartMs) {
    problems.push(`key ${JSON.stringify(result.key)} is not ${JSON.stringify(windowKeyOf(result.userId, result.windowStartMs))}`);
  }
  if (windowMs !== undefined) {
    if (windowStartOf(result.windowStartMs, windowMs) !== result.windowStartMs) problems.push(`windowStartMs ${result.windowStartMs} is not a multiple of ${windowMs}`);
    if (result.windowEndMs - result.windowStartMs !== windowMs) problems.push(`window [${result.windowStartMs}, ${result.windowEndMs}) is not ${windowMs} ms long`);
  } else if (result.windowEndMs <= result.windowStartMs) problems.push(`window [${result.windowStartMs}, ${result.windowEndMs}) is empty`);
  if (result.fingerprint && result.count !== result.fingerprint.count) problems.push(`count ${result.count} but fingerprint counts ${result.fingerprint.count}`);
  const byType = Object.values(result.countsByType).reduce((sum, n) => sum + n, 0);
  if (byType !== result.count) problems.push(`countsByType sum to ${byType}, count is ${result.count}`);
  if (result.countsByType[PURCHASE_TYPE] === 0 && result.revenueCents !== 0) problems.push(`revenue ${result.revenueCents} without a purchase`);
  if (result.distinctSessions > result.count) problems.push(`${result.distinctSessions} sessions among ${result.count} events`);
  const inWindow = (t: number) => t >= result.windowStartMs && t < result.windowEndMs;
  if (!inWindow(result.firstEventTimeMs) || !inWindow(result.lastEventTimeMs) || result.firstEventTimeMs > result.lastEventTimeMs) {
    problems.push(`event times [${result.firstEventTimeMs}, ${result.lastEventTimeMs}] are not inside the window`);
  }
  if (result.watermarkMs < result.windowEndMs) problems.push(`emitted at watermark ${result.watermarkMs}, before the window end ${result.windowEndMs}`);
  if (result.closeAtMs < result.windowEndMs) problems.push(`closeAtMs ${result.closeAtMs} is before the window end`);
  return problems;
}
