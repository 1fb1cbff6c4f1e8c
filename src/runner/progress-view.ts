import type { RunContext } from './context.js';
import type { LagSampler } from './lag-sampler.js';
import type { LoadStep } from './load.js';
import type { ObservedLatencies } from './observers.js';
import { ProgressReporter, RateMeter } from './progress.js';

function activeFault(ctx: RunContext): string {
  const fault = ctx.timeline.current(['fault']);
  return fault ? ` · FAULT ${fault.label}` : '';
}

/** The live line of a run: the open span of the timeline, rates, p99s, lag, violations so far. */
export function startProgress(ctx: RunContext, load: LoadStep, observed: ObservedLatencies, lag: LagSampler): { stop(): void } {
  const startedAtMs = ctx.startedAt.getTime();
  const rawRate = new RateMeter();
  const { allowedLatenessMs } = ctx.scenario.processor;
  const progress = new ProgressReporter(() => ({
    // An active fault is named beside the phase (its window is on the timeline as a `fault` span).
    phase: `${ctx.timeline.current(['warm-up', 'phase', 'drain', 'verify'])?.label ?? 'starting'}${activeFault(ctx)}`,
    elapsedMs: ctx.clock.epochMs() - startedAtMs,
    totalMs: load.startEpochMs - startedAtMs + load.totalDurationMs - ctx.warmUpMs,
    targetEventsPerS: load.targetRateNow(),
    achievedEventsPerS: rawRate.perSecond(observed.rawRecords),
    p99Ms: { l2: observed.l2.total().percentileMs(99), l3: observed.l3.total().percentileMs(99) },
    consumerLagEvents: lag.latest?.lagEvents ?? null,
    // With no allowed lateness a window has exactly one result: a second is a duplicate.
    violationsSoFar: observed.maxResultsPerKey > 1 && allowedLatenessMs === 0 ? 1 : 0,
  }));
  progress.start();
  return { stop: () => progress.stop() };
}
