import { z } from 'zod';
import { EVENT_TYPES, type EventType } from './event.js';
import { parseOrThrow } from './issues.js';
import { MAX_USERS } from './key-distribution.js';

/**
 * Generator settings as data. The scenario schema embeds (or picks from) this schema, so the
 * descriptions and defaults here are also the scenario docs for the workload.
 */

/** A plausible e-commerce funnel: most events are views and clicks, few reach a purchase. */
export const DEFAULT_MIX: Readonly<Record<EventType, number>> = {
  page_view: 60,
  click: 25,
  add_to_cart: 7,
  remove_from_cart: 2,
  checkout: 3,
  purchase: 3,
};

/** Kafka's default max.message.bytes is ~1 MB; a padded event must stay below it. */
export const MAX_PAYLOAD_BYTES = 1_000_000;
/** Shifts are drawn with 32-bit integers; a day is far beyond any window this harness uses. */
export const MAX_SHIFT_MS = 86_400_000;

const fraction = (what: string) => z.number().min(0).max(1).default(0).describe(`fraction of events that are ${what} (0..1)`);

export const keyDistributionSchema = z
  .discriminatedUnion('kind', [
    z.object({ kind: z.literal('uniform') }).strict(),
    z.object({ kind: z.literal('zipf'), skew: z.number().positive().describe('zipf exponent s > 0; P(user k) ∝ 1/(k+1)^s') }).strict(),
  ])
  .describe('how events spread over users (and so over Kafka keys)');

export const generatorConfigSchema = z
  .object({
    generatorId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . - only')
      .describe('identity of this generator; eventId is `${generatorId}:${seq}`'),
    seed: z.union([z.number().int().safe(), z.string().min(1)]).describe('same seed (and generatorId) → byte-identical stream'),
    users: z.number().int().min(1).max(MAX_USERS).default(10_000).describe('number of distinct users (Kafka keys)'),
    keyDistribution: keyDistributionSchema.default({ kind: 'uniform' }),
    sessionsPerUser: z.number().int().min(1).max(10_000).default(5).describe('distinct sessions per user; each event picks one uniformly'),
    mix: z
      .partialRecord(z.enum(EVENT_TYPES), z.number().nonnegative())
      .default({ ...DEFAULT_MIX })
      .refine((mix) => Object.values(mix).some((w) => w !== undefined && w > 0), { message: 'at least one event type needs a weight > 0' })
      .describe('relative weights of event types; missing types get 0'),
    payloadBytes: z
      .number()
      .int()
      .min(0)
      .max(MAX_PAYLOAD_BYTES)
      .default(0)
      .describe('target serialized size in bytes, reached with the `pad` field; 0 = no padding. Events larger than the target are not cut'),
    outOfOrderFraction: fraction('out of order (event time shifted back by 1..outOfOrderMaxMs)'),
    outOfOrderMaxMs: z.number().int().min(0).max(MAX_SHIFT_MS).default(0).describe('largest out-of-order shift, ms'),
    lateFraction: fraction('late (event time = intended − lateDelayMs)'),
    lateDelayMs: z.number().int().min(0).max(MAX_SHIFT_MS).default(0).describe('how far late events lie in the past, ms'),
    malformedFraction: fraction('malformed (fail validation; for DLQ tests)'),
  })
  .strict()
  .refine((c) => c.outOfOrderFraction + c.lateFraction + c.malformedFraction <= 1, {
    message: 'outOfOrderFraction + lateFraction + malformedFraction must not exceed 1',
    path: ['malformedFraction'],
  })
  .refine((c) => c.outOfOrderFraction === 0 || c.outOfOrderMaxMs >= 1, {
    message: 'outOfOrderMaxMs must be ≥ 1 when outOfOrderFraction > 0',
    path: ['outOfOrderMaxMs'],
  })
  .refine((c) => c.lateFraction === 0 || c.lateDelayMs >= 1, {
    message: 'lateDelayMs must be ≥ 1 when lateFraction > 0',
    path: ['lateDelayMs'],
  });

/** What callers write (defaults optional). */
export type GeneratorConfigInput = z.input<typeof generatorConfigSchema>;
/** After defaults. */
export type GeneratorConfig = z.output<typeof generatorConfigSchema>;
export type KeyDistribution = z.output<typeof keyDistributionSchema>;

export function parseGeneratorConfig(input: unknown): GeneratorConfig {
  return parseOrThrow(generatorConfigSchema, input, 'generator config', 'fix the listed workload fields (see docs/workload.md)');
}
