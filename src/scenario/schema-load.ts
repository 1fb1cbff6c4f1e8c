import { z } from 'zod';
import { constantPhaseSchema, rampPhaseSchema, spikePhaseSchema, stepPhaseSchema, type Schedule } from '../workload/schedule.js';
import { durationMs } from '../base/duration.js';

/**
 * The scenario's `load` section: the workload schedule of src/workload/schedule-config.ts, field
 * for field (rates and descriptions are taken from there), except that times may be written as
 * human durations ('30s', '2m'). The output is a `Schedule` the schedule module accepts as is.
 */

const phaseLength = durationMs({ positive: true }).describe('phase length (ms, or a duration such as 30s, 2m)');

const constantPhase = z
  .object({ ...constantPhaseSchema.shape, durationMs: phaseLength })
  .strict()
  .describe(constantPhaseSchema.description ?? 'a constant rate');

const rampPhase = z
  .object({ ...rampPhaseSchema.shape, durationMs: phaseLength })
  .strict()
  .describe(rampPhaseSchema.description ?? 'a linear ramp');

const stepPhase = z
  .object({ ...stepPhaseSchema.shape, durationMs: phaseLength })
  .strict()
  .describe(stepPhaseSchema.description ?? 'a staircase');

const spikePhase = z
  .object({
    ...spikePhaseSchema.shape,
    durationMs: phaseLength,
    spikeAtMs: durationMs().describe('spike start, from the phase start (ms or a duration)'),
    spikeDurationMs: durationMs({ positive: true }).describe('spike length (ms or a duration)'),
  })
  .strict()
  .refine((p) => p.spikeAtMs + p.spikeDurationMs <= p.durationMs, {
    message: 'spikeAtMs + spikeDurationMs must not exceed durationMs',
    path: ['spikeDurationMs'],
  })
  .describe(spikePhaseSchema.description ?? 'a base rate with one spike');

export const scenarioPhaseSchema = z.discriminatedUnion('kind', [constantPhase, rampPhase, stepPhase, spikePhase]);

const phaseSequence = z
  .object({ phases: z.array(scenarioPhaseSchema).min(1).max(10_000).describe('phases, run one after another') })
  .strict();

export const loadSchema = z
  .object({
    phases: z.array(scenarioPhaseSchema).min(1).max(10_000).optional().describe('phases, run one after another'),
    overlay: z.array(phaseSequence).min(1).max(64).optional().describe('phase sequences run at the same time; their rates add up'),
  })
  .strict()
  .refine((s) => (s.phases === undefined) !== (s.overlay === undefined), { message: 'give exactly one of `phases` or `overlay`' })
  .transform((s): Schedule => (s.overlay !== undefined ? { overlay: s.overlay } : { phases: s.phases ?? [] }))
  .describe('load schedule: `phases` run one after another, or `overlay` sequences whose rates add up');

export type LoadInput = z.input<typeof loadSchema>;
export type ScenarioPhaseInput = z.input<typeof scenarioPhaseSchema>;
