import { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';

/** Windowing settings of the processor core: one schema = validation + defaults + docs. */
export const processorCoreConfigSchema = z
  .object({
    windowMs: z.number().int().positive().default(60_000).describe('tumbling event-time window length, ms'),
    outOfOrdernessMs: z
      .number()
      .int()
      .nonnegative()
      .default(5_000)
      .describe('watermark = max event time seen − this; events this much out of order are still on time'),
    allowedLatenessMs: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe('a fired window stays open this long (in watermark time); late events in it re-emit the result'),
    idleTimeoutMs: z
      .number()
      .int()
      .positive()
      .default(10_000)
      .describe('a partition with no record for this long (processing time) stops holding the watermark back'),
    maxEventTimeAheadMs: z
      .number()
      .int()
      .positive()
      .nullable()
      .default(null)
      .describe('events with eventTime further than this ahead of processing time go to the DLQ (null: off)'),
  })
  .strict();

export type ProcessorCoreConfigInput = z.input<typeof processorCoreConfigSchema>;
export type ProcessorCoreConfig = z.output<typeof processorCoreConfigSchema>;

export function parseProcessorCoreConfig(input: ProcessorCoreConfigInput = {}): ProcessorCoreConfig {
  const parsed = processorCoreConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `invalid processor config: ${problems}`, {
    hint: 'windowMs > 0, outOfOrdernessMs ≥ 0, allowedLatenessMs ≥ 0, idleTimeoutMs > 0, all integers in ms',
  });
}
