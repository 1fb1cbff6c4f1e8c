import { z } from 'zod';

/**
 * `processor.guarantee`: every kind states it, so a scenario asking for at-least-once from a kind
 * that cannot run it is refused before anything starts instead of silently running exactly-once.
 * Only the built-in processor has the at-least-once mode (the negative control, docs/processor.md):
 * the same loop without transactions, kept to show that the verifier tells the difference.
 */
export const GUARANTEES = ['exactly-once', 'at-least-once'] as const;
export type Guarantee = (typeof GUARANTEES)[number];

export const builtinGuarantee = z
  .enum(GUARANTEES)
  .default('exactly-once')
  .describe('exactly-once (one Kafka transaction per batch) or at-least-once: the negative control — the same code without transactions (send, then commit offsets), which double-counts a batch when an instance dies between the two');

/** The setting for a kind that runs exactly-once only: at-least-once is refused with its field path. */
export function exactlyOnceOnly(kind: string) {
  return z
    .enum(GUARANTEES)
    .default('exactly-once')
    .refine((value) => value === 'exactly-once', {
      error: `processor.kind=${kind} runs exactly-once only; the at-least-once negative control is the built-in processor's (set processor.kind=builtin)`,
    })
    .describe(`exactly-once only (at-least-once is the builtin kind's negative control)`);
}
