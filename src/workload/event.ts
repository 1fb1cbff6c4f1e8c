import { z } from 'zod';

/**
 * The analytics event, version 1. This schema is the contract between the generator, the
 * HTTP collector, the processor (which validates what it reads) and the verifier.
 *
 * Identity: `eventId` is `${generatorId}:${seq}`; `generatorId` and `seq` are also carried as
 * fields so the verifier can index bitmaps by sequence without parsing strings.
 */
export const EVENT_SCHEMA_VERSION = 1 as const;

export const EVENT_TYPES = ['page_view', 'click', 'add_to_cart', 'remove_from_cart', 'checkout', 'purchase'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export const eventSchema = z
  .object({
    schemaVersion: z.literal(EVENT_SCHEMA_VERSION),
    eventId: z.string().min(3).max(128),
    generatorId: z.string().min(1).max(64).regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only'),
    seq: z.number().int().nonnegative(),
    userId: z.string().min(1).max(128),
    sessionId: z.string().min(1).max(128),
    type: z.enum(EVENT_TYPES),
    page: z.string().max(512),
    device: z.enum(['desktop', 'mobile', 'tablet']),
    country: z.string().length(2),
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
  .refine((e) => e.eventId === `${e.generatorId}:${e.seq}`, {
    message: 'eventId must equal `${generatorId}:${seq}`',
    path: ['eventId'],
  })
  .refine((e) => (e.type === 'purchase') === (e.value !== null), {
    message: 'value is required for purchase events and must be null otherwise',
    path: ['value'],
  });

export type AnalyticsEvent = z.infer<typeof eventSchema>;

export function eventIdOf(generatorId: string, seq: number): string {
  return `${generatorId}:${seq}`;
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
