import { z } from 'zod';
import { durationMs } from '../base/duration.js';

/**
 * Fault injection, minimal for now (a later issue fills in the behaviour): what to break, when,
 * and for how long. Times are from the start of the load schedule.
 */

const atMs = durationMs().describe('when the fault starts, from the start of the load (ms or a duration)');
const outageMs = durationMs()
  .optional()
  .describe('how long the target stays down before it is restarted; omit to keep it down for the rest of the run');

export const FAULT_KINDS = ['kill-processor', 'stop-broker', 'stop-aws'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export const faultSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('kill-processor'),
      atMs,
      durationMs: outageMs,
      instance: z.number().int().nonnegative().optional().describe('processor instance to kill (0-based); omit to let the runner pick'),
    })
    .strict()
    .describe('SIGKILL a processor instance (tests transaction fencing and state restore)'),
  z
    .object({
      kind: z.literal('stop-broker'),
      atMs,
      durationMs: outageMs,
      broker: z.number().int().nonnegative().optional().describe('broker node to stop (0-based); omit to let the runner pick'),
    })
    .strict()
    .describe('stop one Kafka broker (tests leader election and min ISR)'),
  z
    .object({ kind: z.literal('stop-aws'), atMs, durationMs: outageMs })
    .strict()
    .describe('stop the Firehose/S3 endpoint (tests delivery retries)'),
]);

export type Fault = z.output<typeof faultSchema>;
