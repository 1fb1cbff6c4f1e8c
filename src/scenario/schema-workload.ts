import { z } from 'zod';
import { generatorConfigSchema, MAX_SHIFT_MS } from '../workload/generator-config.js';
import { durationMs } from '../base/duration.js';

/**
 * The scenario's `workload` section: the generator config of src/workload/generator-config.ts
 * (fields, defaults and descriptions taken from there) without `generatorId`, which the runner
 * assigns per generator. The seed gets a default so runs are reproducible unless told otherwise,
 * and the two time shifts accept human durations. The generator's cross-field rules (fractions
 * summing to ≤ 1, ...) are applied by validate.ts by parsing the result with the generator's schema.
 */

const generator = generatorConfigSchema.shape;

export const DEFAULT_SEED = 1;

export const workloadSchema = z
  .object({
    seed: generator.seed.default(DEFAULT_SEED).describe(generator.seed.description ?? 'random seed'),
    users: generator.users,
    keyDistribution: generator.keyDistribution,
    sessionsPerUser: generator.sessionsPerUser,
    mix: generator.mix,
    payloadBytes: generator.payloadBytes,
    outOfOrderFraction: generator.outOfOrderFraction,
    outOfOrderMaxMs: durationMs({ maxMs: MAX_SHIFT_MS })
      .prefault(0)
      .describe(
        'largest out-of-order shift of event time (ms or a duration); shifts ≤ processor.outOfOrdernessMs count on time, up to + allowedLatenessMs they update fired windows, beyond that they are late',
      ),
    lateFraction: generator.lateFraction,
    lateDelayMs: durationMs({ maxMs: MAX_SHIFT_MS })
      .prefault(0)
      .describe('how far in the past late events lie (ms or a duration); must exceed processor.outOfOrdernessMs + allowedLatenessMs for them to be late'),
    malformedFraction: generator.malformedFraction,
  })
  .strict()
  .prefault({})
  .describe('synthetic traffic: users, key skew, event mix, and how much of it is out of order, late or malformed');

export type WorkloadInput = z.input<typeof workloadSchema>;
export type Workload = z.output<typeof workloadSchema>;
