import type { LatencyHistogram } from '../metrics/histogram.js';
import { firstAbortingGate, parseGates, type Gate, type GateSubject } from '../report/gates.js';
import type { StageName, StageStats } from '../report/result-schema.js';
import type { RunContext } from './context.js';
import { achievedEvents, onTimeShare } from './rates.js';

/**
 * abortOnFail gates, checked once a second on the figures so far (k6's abortOnFail): the first
 * one that fails on measured data stops the run, which then writes an `aborted` result naming
 * it. Gates that cannot be evaluated yet (the verdict, a stage with no samples) wait for the end.
 */
export interface LiveSnapshot {
  /** A histogram, or a function that makes one (a copy of a series' total): called only for a stage a gate reads. */
  latencies: Partial<Record<StageName, LatencyHistogram | (() => LatencyHistogram)>>;
  counters: Record<string, number>;
  elapsedS: number;
  scheduledSoFar: number;
}

/**
 * The live figures as a gate subject; stage histograms are read in place, not encoded. Only the
 * stages in `stagesRead` (default: all) are summarised: a summary walks every bucket of the
 * histogram several times, and copying a series' total merges one — on the thread that sends the
 * load, every second (a probe's only live gate, `sentLate`, reads none of them).
 */
export function liveSubject(snapshot: LiveSnapshot, stagesRead?: ReadonlySet<StageName>): { subject: GateSubject; percentileMs: (key: string, p: number) => number } {
  const stages: Partial<Record<StageName, StageStats>> = {};
  const histograms: Partial<Record<StageName, LatencyHistogram>> = {};
  for (const [stage, source] of Object.entries(snapshot.latencies) as Array<[StageName, LatencyHistogram | (() => LatencyHistogram)]>) {
    if (stagesRead && !stagesRead.has(stage)) continue;
    const histogram = typeof source === 'function' ? source() : source;
    histograms[stage] = histogram;
    if (histogram.count > 0) stages[stage] = { histogram: stage, ...histogram.summary() };
  }
  const elapsedS = Math.max(1, snapshot.elapsedS);
  // The same definitions as the final result: on-time acked events for the rate, onTime ÷ due so far for the share.
  const share = onTimeShare(snapshot.counters, snapshot.scheduledSoFar);
  const counters = share === undefined ? snapshot.counters : { ...snapshot.counters, onTimeShare: share };
  return {
    subject: {
      state: 'incomplete',
      stages,
      counters,
      rates: { targetEventsPerS: snapshot.scheduledSoFar / elapsedS, achievedEventsPerS: achievedEvents(snapshot.counters) / elapsedS },
      verdict: null,
    },
    percentileMs: (key, p) => histograms[key as StageName]!.percentileMs(p),
  };
}

export function watchAbortGates(ctx: RunContext, snapshot: () => LiveSnapshot | null, intervalMs = 1_000): { stop(): void } {
  const gates: Gate[] = parseGates(ctx.scenario.thresholds).filter((g) => g.abortOnFail);
  if (gates.length === 0) return { stop: () => undefined };
  const stagesRead = new Set(gates.flatMap((g) => ('stage' in g.metric ? [g.metric.stage] : [])));
  const timer = setInterval(() => {
    const now = snapshot();
    if (!now || ctx.aborted) return;
    const { subject, percentileMs } = liveSubject(now, stagesRead);
    const failed = firstAbortingGate(gates, subject, { percentileMs });
    if (failed) {
      ctx.log(`gate \`${failed.expression}\` failed during the run (abortOnFail): ${failed.message}; stopping`);
      ctx.abortForGate(failed);
    }
  }, intervalMs);
  return { stop: () => clearInterval(timer) };
}
