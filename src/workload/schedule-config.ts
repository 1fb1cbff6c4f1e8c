import { z } from 'zod';
import { parseOrThrow } from './issues.js';

/**
 * The load schedule as data: phases run one after another; an overlay runs several phase
 * sequences at once and sums their rates. Rates are events per second, times are milliseconds
 * from the start of the run. The scenario schema embeds `scheduleSchema`, so these descriptions
 * are also the scenario docs.
 */

const rate = (what: string) => z.number().nonnegative().describe(`${what}, events/s (≥ 0)`);
const durationMs = z.number().positive().describe('phase length in ms (> 0)');
const name = z.string().min(1).max(64).optional().describe('label for phase markers in reports and dashboards');

export const constantPhaseSchema = z
  .object({ kind: z.literal('constant'), name, rateEventsPerS: rate('rate for the whole phase'), durationMs })
  .strict()
  .describe('a constant rate');

export const rampPhaseSchema = z
  .object({
    kind: z.literal('ramp'),
    name,
    fromRateEventsPerS: rate('rate at the start'),
    toRateEventsPerS: rate('rate at the end'),
    durationMs,
  })
  .strict()
  .describe('a rate changing linearly from `from` to `to`');

export const stepPhaseSchema = z
  .object({
    kind: z.literal('step'),
    name,
    fromRateEventsPerS: rate('rate of the first step'),
    toRateEventsPerS: rate('rate of the last step'),
    steps: z.number().int().min(2).max(10_000).describe('number of equal-length levels, evenly spaced from `from` to `to` (≥ 2)'),
    durationMs,
  })
  .strict()
  .describe('a staircase: `steps` constant levels of durationMs/steps each');

export const spikePhaseSchema = z
  .object({
    kind: z.literal('spike'),
    name,
    baseRateEventsPerS: rate('rate outside the spike'),
    peakRateEventsPerS: rate('rate during the spike (replaces the base rate)'),
    durationMs,
    spikeAtMs: z.number().nonnegative().describe('spike start, ms from the phase start'),
    spikeDurationMs: z.number().positive().describe('spike length in ms'),
  })
  .strict()
  .refine((p) => p.spikeAtMs + p.spikeDurationMs <= p.durationMs, {
    message: 'spikeAtMs + spikeDurationMs must not exceed durationMs',
    path: ['spikeDurationMs'],
  })
  .describe('a base rate with one rectangular spike at `peak`');

export const phaseSchema = z.discriminatedUnion('kind', [constantPhaseSchema, rampPhaseSchema, stepPhaseSchema, spikePhaseSchema]);

export const phaseSequenceSchema = z
  .object({ phases: z.array(phaseSchema).min(1).max(10_000).describe('phases, run one after another') })
  .strict();

export const scheduleSchema = z
  .object({
    phases: phaseSequenceSchema.shape.phases.optional(),
    overlay: z.array(phaseSequenceSchema).min(1).max(64).optional().describe('phase sequences run concurrently; rates add up'),
  })
  .strict()
  .refine((s) => (s.phases === undefined) !== (s.overlay === undefined), {
    message: 'give exactly one of `phases` or `overlay`',
  })
  .transform((s): Schedule => (s.overlay !== undefined ? { overlay: s.overlay } : { phases: s.phases ?? [] }))
  .describe('load schedule: `phases` (one after another) or `overlay` (sequences summed)');

export type ConstantPhase = z.output<typeof constantPhaseSchema>;
export type RampPhase = z.output<typeof rampPhaseSchema>;
export type StepPhase = z.output<typeof stepPhaseSchema>;
export type SpikePhase = z.output<typeof spikePhaseSchema>;
export type Phase = z.output<typeof phaseSchema>;
export type PhaseKind = Phase['kind'];
export interface PhaseSequence {
  readonly phases: readonly Phase[];
}
export type Schedule = PhaseSequence | { readonly overlay: readonly PhaseSequence[] };

/** Validates a schedule, reporting every problem at once (StreamproofError INVALID_ARGUMENT). */
export function parseSchedule(input: unknown): Schedule {
  return parseOrThrow(scheduleSchema, input, 'schedule', 'fix the listed fields of the load schedule (see docs/workload.md)');
}

/** The `--rate/--duration` shortcut: one constant phase. */
export function constantSchedule(rateEventsPerS: number, durationMs: number, phaseName?: string): Schedule {
  const phase: Phase = { kind: 'constant', rateEventsPerS, durationMs, ...(phaseName === undefined ? {} : { name: phaseName }) };
  return parseSchedule({ phases: [phase] });
}
