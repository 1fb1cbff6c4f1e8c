import { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { STAGE_NAMES } from './result-schema.js';

/**
 * How much worse `current` may be than `baseline` before compare calls it a regression.
 * Defaults (documented in docs/gates.md, keep in step):
 *  - latency: a percentile regresses when it is more than +20% AND more than +5 ms above the
 *    baseline; the absolute floor keeps sub-millisecond jitter from failing CI;
 *  - achieved rate: regresses when more than 5% below the baseline;
 *  - invariant violations: any increase over the baseline is a regression;
 *  - a metric the baseline had and the current run lacks fails the comparison;
 *  - sets of runs: a figure changed significantly only when the 95 % bootstrap interval of the
 *    difference of medians (2,000 resamples, seed 1) excludes 0 AND the change of the medians
 *    is beyond the tolerance above; with fewer than 3 runs on a side there is no interval and
 *    the tolerance alone decides (labelled "tolerance only").
 */
export const LATENCY_FIELDS = ['p50', 'p90', 'p99', 'p999', 'max', 'mean'] as const;
export type LatencyField = (typeof LATENCY_FIELDS)[number];

const latencyRuleSchema = z
  .object({
    maxIncreasePct: z.number().nonnegative().default(20),
    noiseFloorMs: z.number().nonnegative().default(5),
  })
  .strict();

export const tolerancesSchema = z
  .object({
    latency: latencyRuleSchema
      .extend({ percentiles: z.array(z.enum(LATENCY_FIELDS)).min(1).default(['p50', 'p90', 'p99', 'p999']) })
      .strict()
      .prefault({}),
    /** Per-stage overrides of the latency rule, e.g. a loose l4_delivery under buffered Firehose. */
    stages: z.partialRecord(z.enum(STAGE_NAMES), latencyRuleSchema.partial().strict()).default({}),
    achievedRate: z.object({ maxDecreasePct: z.number().nonnegative().default(5) }).strict().prefault({}),
    invariants: z.object({ maxViolationIncrease: z.int().nonnegative().default(0) }).strict().prefault({}),
    failOnMissing: z.boolean().default(true),
    /** How a set of runs is judged against another (docs/gates.md, "Sets of runs"). */
    statistics: z
      .object({
        resamples: z.int().min(100).max(100_000).default(2_000),
        confidencePct: z.number().gt(50).lt(100).default(95),
        seed: z.int().nonnegative().default(1),
        /** Fewest runs per side for a confidence interval; below it, the tolerance alone decides. */
        minRuns: z.int().min(2).default(3),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type Tolerances = z.infer<typeof tolerancesSchema>;
export type TolerancesInput = z.input<typeof tolerancesSchema>;

export const DEFAULT_TOLERANCES: Tolerances = tolerancesSchema.parse({});

/** Validates tolerances from a JSON file or flags; unknown keys are errors, not silently ignored. */
export function parseTolerances(value: unknown, source = 'tolerances'): Tolerances {
  const parsed = tolerancesSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('; ');
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `${source} is not valid: ${issues}`, {
      hint: 'see "Compare tolerances" in docs/gates.md for the keys and defaults',
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** The latency rule for one stage: the global rule with that stage's overrides on top. */
export function latencyRuleFor(tolerances: Tolerances, stage: (typeof STAGE_NAMES)[number]): { maxIncreasePct: number; noiseFloorMs: number } {
  const override = tolerances.stages[stage] ?? {};
  return {
    maxIncreasePct: override.maxIncreasePct ?? tolerances.latency.maxIncreasePct,
    noiseFloorMs: override.noiseFloorMs ?? tolerances.latency.noiseFloorMs,
  };
}
