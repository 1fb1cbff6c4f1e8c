import { z } from 'zod';
import {
  DEVICES,
  EVENT_LIMITS,
  EVENT_SCHEMA_VERSION,
  EVENT_TYPES,
  PURCHASE_TYPE,
  type AnalyticsEvent,
} from '../contract/event.js';
import { EVENT_ID_SEPARATOR } from '../contract/identity.js';

/**
 * The analytics event (src/contract/event.ts, docs/contract.md "Events") as a zod schema, for
 * the system under test: the generator checks what it builds, the HTTP collector what it
 * receives, the processor what its fast validator declines. The verifier does not use it: it
 * checks events with its own reading of the contract.
 */
export { EVENT_SCHEMA_VERSION, EVENT_TYPES, type AnalyticsEvent, type EventType } from '../contract/event.js';

export const eventSchema = z
  .object({
    schemaVersion: z.literal(EVENT_SCHEMA_VERSION),
    eventId: z.string().min(EVENT_LIMITS.eventId.min).max(EVENT_LIMITS.eventId.max),
    generatorId: z
      .string()
      .min(EVENT_LIMITS.generatorId.min)
      .max(EVENT_LIMITS.generatorId.max)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    seq: z.number().int().nonnegative(),
    userId: z.string().min(EVENT_LIMITS.userId.min).max(EVENT_LIMITS.userId.max),
    sessionId: z.string().min(EVENT_LIMITS.sessionId.min).max(EVENT_LIMITS.sessionId.max),
    type: z.enum(EVENT_TYPES),
    page: z.string().max(EVENT_LIMITS.page.max),
    device: z.enum(DEVICES),
    country: z.string().length(EVENT_LIMITS.country.exactly),
    /** Purchase amount in currency units; null for every other type. */
    value: z.number().nonnegative().nullable(),
    /** Event time, epoch ms: when the user did it (may be earlier than intendedAt: out-of-order/late). */
    eventTime: z.number().int().nonnegative(),
    /** Scheduled send time, epoch ms: latency is measured from here (no coordinated omission). */
    intendedAt: z.number().int().nonnegative(),
    /** Filler to reach the configured payload size; ignored by the pipeline. */
    pad: z.string().optional(),
  })
  .strict()
  .refine((e) => e.eventId === `${e.generatorId}${EVENT_ID_SEPARATOR}${e.seq}`, {
    message: 'eventId must equal `${generatorId}:${seq}`',
    path: ['eventId'],
  })
  .refine((e) => (e.type === PURCHASE_TYPE) === (e.value !== null), {
    message: 'value is required for purchase events and must be null otherwise',
    path: ['value'],
  }) satisfies z.ZodType<AnalyticsEvent>;

export function eventIdOf(generatorId: string, seq: number): string {
  return `${generatorId}${EVENT_ID_SEPARATOR}${seq}`;
}

export type EventParseResult =
  | { ok: true; event: AnalyticsEvent }
  | { ok: false; reason: string };

/** Validates an already-decoded JSON value; the reason names every failing field. */
export function validateEvent(value: unknown): EventParseResult {
  const parsed = eventSchema.safeParse(value);
  if (parsed.success) return { ok: true, event: parsed.data };
  const reason = parsed.error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
  return { ok: false, reason };
}

/** Parses a serialized event (Kafka value or NDJSON line). Never throws. */
export function parseEvent(text: string): EventParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  return validateEvent(value);
}
