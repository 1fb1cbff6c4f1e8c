import type { StackEndpoints } from '../base/endpoints.js';
import { judgeBottleneck } from '../report/bottleneck.js';
import { faultCounters, faultOutcome, type FaultRecordInput } from '../report/fault-figures.js';
import { isStreamproofError } from '../base/errors.js';
import type { TimelineEvent } from '../base/timeline.js';
import type { StageReport } from '../drivers/stage-report.js';
import { LatencyHistogram } from '../metrics/histogram.js';
import type { LatencySeries } from '../metrics/latency-series.js';
import { evaluateGates, parseGates } from '../report/gates.js';
import {
  RESULT_SCHEMA_VERSION,
  type Environment,
  type Marker,
  type Resources,
  type RunResult,
  type StageName,
  type StageStats,
  type TimeSeriesRow,
} from '../report/result-schema.js';
import type { Scenario } from '../scenario/schema.js';
import { rateAt, totalDurationMs, type Schedule } from '../workload/schedule.js';
import type { RunAbort, RunError } from './context.js';
import type { DrainOutcome } from './drain.js';
import { environmentFingerprint } from './environment.js';
import { lagRecoverySeconds, type LagSample } from './lag-sampler.js';
import type { ObservedLatencies } from './observers.js';
import { achievedEvents, onTimeShare } from './rates.js';
import type { PipelineVerification } from './verification.js';

/**
 * Turns everything a run measured into the versioned result (src/report/result-schema.ts). Stage
 * reports are merged as they are — which driver kind produced one is never asked. The state says
 * what kind of result it is: completed (verified), incomplete (Ctrl-C), aborted (an abortOnFail
 * gate), failed (harness or stack error, nothing proven) — a partial run can never read as a pass.
 */
export interface AssembleInput {
  runId: string;
  scenario: Scenario;
  startedAt: Date;
  endedAt: Date;
  endpoints: StackEndpoints | null;
  abort: RunAbort | null;
  failure: unknown;
  /** The measured load: schedule and its start; null when the load never started. */
  load: { schedule: Schedule; startEpochMs: number } | null;
  /** Reports of the measured stages (the warm-up's are verified, not measured, so not here). */
  reports: readonly StageReport[];
  observers: ObservedLatencies | null;
  l4: LatencySeries | null;
  lagSamples: readonly LagSample[];
  drain: DrainOutcome | null;
  verification: PipelineVerification | null;
  timeline: readonly TimelineEvent[];
  errors: readonly RunError[];
  /** The resource sampler's figures (src/runner/resources.ts); null when it never started. */
  resources: Resources | null;
  /** The fault scheduler's records ([] without faults). */
  faults?: readonly FaultRecordInput[];
}

function stageStats(h: LatencyHistogram | undefined): StageStats | undefined {
  if (!h || h.count === 0) return undefined;
  return { histogram: h.encode(), ...h.summary() };
}

function collectStages(input: AssembleInput): Partial<Record<StageName, StageStats>> {
  const histograms: Partial<Record<StageName, LatencyHistogram>> = {};
  for (const report of input.reports) Object.assign(histograms, report.latencies);
  if (input.observers) {
    histograms.l2_ingest = input.observers.l2.total();
    histograms.l3_window = input.observers.l3.total();
    histograms.l3_freshness = input.observers.freshness.total();
  }
  if (input.l4) histograms.l4_delivery = input.l4.total();
  const stages: Partial<Record<StageName, StageStats>> = {};
  for (const [name, h] of Object.entries(histograms) as Array<[StageName, LatencyHistogram]>) {
    const s = stageStats(h);
    if (s) stages[name] = s;
  }
  return stages;
}

/** The phase span a second of the time series belongs to (its start, or the load's start in its first second). */
function phaseOfSecond(phases: readonly TimelineEvent[], loadStartEpochMs: number, epochS: number): TimelineEvent | undefined {
  const atMs = Math.max(epochS * 1000, loadStartEpochMs);
  return phases.find((p) => p.startEpochMs <= atMs && (p.endEpochMs === null || atMs < p.endEpochMs));
}

/**
 * The stages per load phase, from the per-second series: each second goes to the phase its
 * time-series row names, so a phase's figures are exactly its rows'. What `{phase: NAME}` gates
 * read (a capacity probe judges its hold without its settle seconds).
 */
function collectPhaseStages(input: AssembleInput): Record<string, Partial<Record<StageName, StageStats>>> | undefined {
  const { load } = input;
  const phases = input.timeline.filter((e) => e.kind === 'phase');
  if (!load || phases.length === 0) return undefined;
  const series: Partial<Record<StageName, LatencySeries>> = {};
  for (const report of input.reports) Object.assign(series, report.latencySeries ?? {});
  if (input.observers) Object.assign(series, { l2_ingest: input.observers.l2, l3_window: input.observers.l3, l3_freshness: input.observers.freshness });
  if (input.l4) series.l4_delivery = input.l4;
  // As the time series: seconds before the load's first are not the load's.
  const startS = Math.floor(load.startEpochMs / 1000);
  const out: Record<string, Partial<Record<StageName, StageStats>>> = {};
  for (const name of new Set(phases.map((p) => p.label))) {
    const stages: Partial<Record<StageName, StageStats>> = {};
    for (const [stage, s] of Object.entries(series) as Array<[StageName, LatencySeries]>) {
      const stats = stageStats(s.totalOf((t) => t >= startS && phaseOfSecond(phases, load.startEpochMs, t)?.label === name));
      if (stats) stages[stage] = stats;
    }
    out[name] = stages;
  }
  return out;
}

function mergeCounters(reports: readonly StageReport[]): Record<string, number> {
  const counters: Record<string, number> = {};
  for (const report of reports) Object.assign(counters, report.counters);
  return counters;
}

function timeSeries(input: AssembleInput): TimeSeriesRow[] {
  const { load, observers, l4, lagSamples: lag } = input;
  if (!load || input.reports.every((r) => r.stage !== 'ingest')) return [];
  const durationMs = totalDurationMs(load.schedule);
  const startS = Math.floor(load.startEpochMs / 1000);
  // Through the schedule, the last lag sample, and the last second an ingest stage sent or was
  // acknowledged in: a sender behind its schedule keeps sending after its end, and those seconds show it.
  let lastIngestS = 0;
  for (const report of input.reports) {
    if (report.stage !== 'ingest') continue;
    for (const p of report.ratePerSecond) if (p.events > 0) lastIngestS = Math.max(lastIngestS, p.epochS);
    for (const p of report.sendsPerSecond ?? []) if (p.onTime + p.late > 0) lastIngestS = Math.max(lastIngestS, p.epochS);
  }
  const lastS = Math.max(startS + Math.ceil(durationMs / 1000), Math.floor((lag[lag.length - 1]?.atEpochMs ?? 0) / 1000), lastIngestS);
  const byS = (series: LatencySeries | undefined | null) => new Map((series?.points() ?? []).map((p) => [p.epochS, p.p99Ms]));
  const l2 = byS(observers?.l2);
  const l3 = byS(observers?.l3);
  const fr = byS(observers?.freshness);
  const l4s = byS(l4);
  const resultsByS = new Map((observers?.l3.points() ?? []).map((p) => [p.epochS, p.count]));
  const lagByS = new Map(lag.map((s) => [Math.floor(s.atEpochMs / 1000), s.lagEvents]));
  // The ingest stages' own per-second curves (L1 or HTTP, and schedule lag), by the second each completed.
  const ingestSeries = new Map<StageName, Map<number, number>>();
  for (const report of input.reports) {
    if (report.stage !== 'ingest') continue;
    for (const [stage, series] of Object.entries(report.latencySeries ?? {}) as Array<[StageName, LatencySeries]>) ingestSeries.set(stage, byS(series));
  }
  const achieved = new Map<number, number>();
  for (const report of input.reports) if (report.stage === 'ingest') for (const p of report.ratePerSecond) achieved.set(p.epochS, (achieved.get(p.epochS) ?? 0) + p.events);
  // On-time and late sends by the second of sending; only when an ingest report has them (every kind today).
  const sends = new Map<number, { onTime: number; late: number }>();
  const hasSends = input.reports.some((r) => r.stage === 'ingest' && r.sendsPerSecond !== undefined);
  for (const report of input.reports) {
    if (report.stage !== 'ingest') continue;
    for (const p of report.sendsPerSecond ?? []) {
      const at = sends.get(p.epochS) ?? { onTime: 0, late: 0 };
      sends.set(p.epochS, { onTime: at.onTime + p.onTime, late: at.late + p.late });
    }
  }
  const phases = input.timeline.filter((e) => e.kind === 'phase');
  const rows: TimeSeriesRow[] = [];
  for (let t = startS; t <= lastS; t += 1) {
    const offsetMs = (t - startS) * 1000;
    const inSchedule = offsetMs < durationMs;
    const phase = phaseOfSecond(phases, load.startEpochMs, t);
    rows.push({
      tEpochS: t,
      targetEventsPerS: inSchedule ? rateAt(load.schedule, offsetMs) : 0,
      achievedEventsPerS: achieved.get(t) ?? 0,
      ...(hasSends ? { onTimeEventsPerS: sends.get(t)?.onTime ?? 0, lateEventsPerS: sends.get(t)?.late ?? 0 } : {}),
      p99Ms: { ...Object.fromEntries([...ingestSeries].map(([stage, byT]) => [stage, byT.get(t) ?? null])), l2_ingest: l2.get(t) ?? null, l3_window: l3.get(t) ?? null, l3_freshness: fr.get(t) ?? null, l4_delivery: l4s.get(t) ?? null },
      ...(observers ? { resultsPerS: resultsByS.get(t) ?? 0 } : {}),
      consumerLagEvents: lagByS.get(t) ?? null,
      phase: phase?.label ?? (inSchedule ? null : 'drain'),
    });
  }
  return rows;
}

/** Phase starts and faults, from the timeline: the report's vertical markers. */
function markers(timeline: readonly TimelineEvent[]): Marker[] {
  return timeline.filter((e) => e.kind === 'phase' || e.kind === 'fault').map((e) => ({ tEpochMs: e.startEpochMs, kind: e.kind as 'phase' | 'fault', label: e.label }));
}

/** Peak end = end of the phase with the highest rate; baseline = just before the peak began. */
function lagRecovery(input: AssembleInput): number | undefined {
  const { load, lagSamples } = input;
  if (!load || lagSamples.length === 0) return undefined;
  let peak: TimelineEvent | undefined;
  let peakRate = -1;
  for (const p of input.timeline.filter((e) => e.kind === 'phase' && e.endEpochMs !== null)) {
    const r = rateAt(load.schedule, (p.startEpochMs + p.endEpochMs!) / 2 - load.startEpochMs);
    if (r > peakRate) [peak, peakRate] = [p, r];
  }
  if (!peak) return undefined;
  return lagRecoverySeconds(lagSamples, peak.endEpochMs!, peak.startEpochMs) ?? undefined;
}

function environment(input: AssembleInput): Environment {
  const { scenario } = input;
  if (input.endpoints) return environmentFingerprint(input.endpoints, scenario.workload.seed);
  const assumed: StackEndpoints = { provider: 'native', kafka: { bootstrapServers: [], brokers: scenario.stack.brokers, tls: false }, aws: { region: 'us-east-1', forcePathStyle: true, firehoseBehaviour: 'emulator-immediate' } };
  return { ...environmentFingerprint(assumed, scenario.workload.seed), kafkaVersion: null };
}

export function assembleResult(input: AssembleInput): RunResult {
  const { scenario, verification } = input;
  const stages = collectStages(input);
  const phaseStages = collectPhaseStages(input);
  const counters: Record<string, number> = { ...mergeCounters(input.reports), ...(verification?.counters ?? {}) };
  const recovery = lagRecovery(input);
  if (recovery !== undefined) counters.lagRecoveryS = recovery;
  if (input.drain && !input.drain.complete) counters.drainIncomplete = 1;
  const share = onTimeShare(counters);
  if (share !== undefined) counters.onTimeShare = share;
  const durationS = input.load ? totalDurationMs(input.load.schedule) / 1000 : 0;
  const rates = {
    targetEventsPerS: durationS > 0 ? (counters.scheduled ?? 0) / durationS : 0,
    achievedEventsPerS: durationS > 0 ? achievedEvents(counters) / durationS : 0,
  };
  const series = timeSeries(input);
  const faults = (input.faults ?? []).map((record) => faultOutcome(record, series));
  Object.assign(counters, faultCounters(faults));
  const bottleneck = judgeBottleneck(counters, series);
  const base = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    runId: input.runId,
    scenario: { name: scenario.name, resolved: scenario as unknown as Record<string, unknown> },
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    environment: environment(input),
    stages,
    ...(phaseStages ? { phaseStages } : {}),
    counters,
    rates,
    timeSeries: series,
    markers: markers(input.timeline),
    delivery: verification?.delivery ?? { observed: null, modelled: null },
    timeline: [...input.timeline],
    errors: [...input.errors],
    faults,
    ...(input.resources ? { resources: input.resources } : {}),
    ...(bottleneck ? { bottleneck } : {}),
  };
  const state = input.abort?.kind === 'gate' ? 'aborted' : 'completed';
  const subject = { state, stages, ...(phaseStages ? { phaseStages } : {}), counters, rates, verdict: verification?.verdict ?? null } as const;
  const gates = evaluateGates(parseGates(scenario.thresholds), subject, {
    percentileMs: (encoded: string, p: number) => LatencyHistogram.decode(encoded).percentileMs(p),
  });
  if (input.abort?.kind === 'interrupted') return { ...base, gates, state: 'incomplete', reason: 'interrupted by the user (Ctrl-C): load stopped early, nothing verified', verdict: null };
  if (input.abort?.kind === 'gate') {
    const failed = input.abort.outcome;
    return { ...base, gates, state: 'aborted', abortedBy: failed.expression, reason: `gate \`${failed.expression}\` failed during the run and is marked abortOnFail: ${failed.message}; load stopped early, nothing verified`, verdict: null };
  }
  if (input.failure || !verification) {
    const reason = isStreamproofError(input.failure) ? input.failure.message : (input.failure as Error | null)?.message ?? 'the run stopped before verification';
    return { ...base, gates: [], state: 'failed', reason, verdict: null };
  }
  return { ...base, gates, state: 'completed', verdict: verification.verdict };
}
