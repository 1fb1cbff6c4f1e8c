import { isStreamproofError } from '../../base/errors.js';
import { LatencyHistogram } from '../../metrics/histogram.js';
import type { LatencySeries } from '../../metrics/latency-series.js';
import { evaluateGates, parseGates } from '../../report/gates.js';
import {
  RESULT_SCHEMA_VERSION,
  type Environment,
  type Marker,
  type RunResult,
  type StageName,
  type StageStats,
  type TimeSeriesRow,
} from '../../report/result-schema.js';
import type { StackEndpoints } from '../../base/endpoints.js';
import { listPhases, rateAt, totalDurationMs } from '../../workload/schedule.js';
import type { Scenario } from '../schema.js';
import type { DrainOutcome } from './drain.js';
import { environmentFingerprint } from './environment.js';
import type { LagSample } from './lag-sampler.js';
import { lagRecoverySeconds } from './lag-sampler.js';
import type { IngestSummary, LoadOutcome } from './load.js';
import type { ObservedLatencies } from './observers.js';
import type { PipelineVerification } from './verification.js';

/**
 * Turns everything a run measured into the versioned result (src/report/result-schema.ts).
 * The state says what kind of result it is: completed (verified), incomplete (Ctrl-C), failed
 * (harness or stack error, nothing proven) — a partial run can never read as a pass.
 */
export interface AssembleInput {
  runId: string;
  scenario: Scenario;
  startedAt: Date;
  endedAt: Date;
  endpoints: StackEndpoints | null;
  interrupted: boolean;
  failure: unknown;
  load: LoadOutcome | null;
  observers: ObservedLatencies | null;
  l4: LatencySeries | null;
  lagSamples: readonly LagSample[];
  drain: DrainOutcome | null;
  verification: PipelineVerification | null;
  errors: Array<{ code: string; message: string; hint?: string }>;
}

function stage(h: LatencyHistogram | undefined): StageStats | undefined {
  if (!h || h.count === 0) return undefined;
  return { histogram: h.encode(), ...h.summary() };
}

function collectStages(main: IngestSummary | null, observed: ObservedLatencies | null, l4: LatencySeries | null): Partial<Record<StageName, StageStats>> {
  const stages: Partial<Record<StageName, StageStats>> = {};
  const put = (name: StageName, h: LatencyHistogram | undefined) => {
    const s = stage(h);
    if (s) stages[name] = s;
  };
  if (main?.transport === 'kafka') {
    put('l1_produce', main.histograms.ackLatency);
    put('schedule_lag', main.histograms.scheduleLag);
  } else if (main?.transport === 'http') {
    put('http_ingest', main.histograms.ingestLatency);
    put('schedule_lag', main.histograms.sendLag);
  }
  if (observed) {
    put('l2_ingest', observed.l2.total());
    put('l3_window', observed.l3.total());
    put('l3_freshness', observed.freshness.total());
  }
  if (l4) put('l4_delivery', l4.total());
  return stages;
}

function ingestCounters(main: IngestSummary | null, batchSize: number): Record<string, number> {
  if (!main) return {};
  if (main.transport === 'kafka') {
    const c = main.counts;
    return { scheduled: c.scheduled, sent: c.sent, acked: c.acked, failed: c.failed, malformed: c.malformed, unresolved: c.unresolved };
  }
  const ledger = main.ledger.counts();
  const d = main.driver;
  return {
    sent: ledger.sent,
    acked: ledger.acked,
    failed: ledger.failed + ledger.unresolved,
    malformed: ledger.malformed,
    refused: ledger.refused,
    scheduled: d.events.sent + d.events.unacknowledged['not-sent'] + d.events.ungenerated,
    // 400s for the deliberately malformed requests are the expected answer, not errors; a 400 for
    // valid events (counted as `rejected`) is.
    httpErrors: d.requests.status5xx + d.requests.statusOther + d.requests.noResponse + Math.ceil(d.events.unacknowledged.rejected / Math.max(1, batchSize)),
    httpMalformedRejected: d.events.rejectedMalformed,
  };
}

function timeSeries(load: LoadOutcome | null, observed: ObservedLatencies | null, l4: LatencySeries | null, lag: readonly LagSample[]): TimeSeriesRow[] {
  const main = load?.main();
  if (!load || !main) return [];
  const startS = Math.floor(load.startEpochMs / 1000);
  const seconds = Math.ceil(totalDurationMs(load.schedule) / 1000);
  const lastS = Math.max(startS + seconds, Math.floor((lag[lag.length - 1]?.atEpochMs ?? 0) / 1000));
  const byS = (series: LatencySeries | undefined | null) => new Map((series?.points() ?? []).map((p) => [p.epochS, p.p99Ms]));
  const l2 = byS(observed?.l2);
  const l3 = byS(observed?.l3);
  const fr = byS(observed?.freshness);
  const l4s = byS(l4);
  const lagByS = new Map(lag.map((s) => [Math.floor(s.atEpochMs / 1000), s.lagEvents]));
  const achieved = new Map((main.transport === 'kafka' ? main.rate : []).map((p) => [startS + p.second, p.ackedEvents]));
  const rows: TimeSeriesRow[] = [];
  for (let t = startS; t <= lastS; t += 1) {
    const offsetMs = (t - startS) * 1000;
    const inSchedule = offsetMs < totalDurationMs(load.schedule);
    rows.push({
      tEpochS: t,
      targetEventsPerS: inSchedule ? rateAt(load.schedule, offsetMs) : 0,
      achievedEventsPerS: achieved.get(t) ?? 0,
      p99Ms: { l2_ingest: l2.get(t) ?? null, l3_window: l3.get(t) ?? null, l3_freshness: fr.get(t) ?? null, l4_delivery: l4s.get(t) ?? null },
      consumerLagEvents: lagByS.get(t) ?? null,
      phase: inSchedule ? null : 'drain',
    });
  }
  for (const phase of listPhases(load.schedule)) {
    for (const row of rows) {
      const offsetMs = (row.tEpochS - startS) * 1000;
      if (offsetMs >= phase.startMs && offsetMs < phase.endMs) row.phase = phase.name;
    }
  }
  return rows;
}

function markers(load: LoadOutcome | null): Marker[] {
  if (!load) return [];
  return listPhases(load.schedule).map((p) => ({ tEpochMs: Math.round(load.startEpochMs + p.startMs), kind: 'phase' as const, label: p.name }));
}

/** Peak end = end of the phase with the highest rate; baseline = just before the peak began. */
function lagRecovery(load: LoadOutcome | null, lag: readonly LagSample[]): number | undefined {
  if (!load || lag.length === 0) return undefined;
  const phases = listPhases(load.schedule);
  let peak = phases[0];
  let peakRate = -1;
  for (const p of phases) {
    const r = rateAt(load.schedule, (p.startMs + p.endMs) / 2);
    if (r > peakRate) [peak, peakRate] = [p, r];
  }
  if (!peak) return undefined;
  const recovered = lagRecoverySeconds(lag, load.startEpochMs + peak.endMs, load.startEpochMs + peak.startMs);
  return recovered ?? undefined;
}

export function assembleResult(input: AssembleInput): RunResult {
  const { scenario, load, verification } = input;
  const main = load?.main() ?? null;
  const stages = collectStages(main, input.observers, input.l4);
  const counters: Record<string, number> = { ...ingestCounters(main, scenario.ingest.http.batchSize), ...(verification?.counters ?? {}) };
  const recovery = lagRecovery(load, input.lagSamples);
  if (recovery !== undefined) counters.lagRecoveryS = recovery;
  if (input.drain && !input.drain.complete) counters.drainIncomplete = 1;
  const durationS = load ? totalDurationMs(load.schedule) / 1000 : 0;
  const rates = {
    targetEventsPerS: durationS > 0 && main ? (main.transport === 'kafka' ? main.counts.scheduled : main.ledger.counts().sent) / durationS : 0,
    achievedEventsPerS: durationS > 0 ? (counters.acked ?? 0) / durationS : 0,
  };
  const environment: Environment = input.endpoints
    ? environmentFingerprint(input.endpoints, scenario.workload.seed)
    : { ...environmentFingerprint({ provider: 'native', kafka: { bootstrapServers: [], brokers: scenario.stack.brokers, tls: false }, aws: { region: 'us-east-1', forcePathStyle: true, firehoseBehaviour: 'emulator-immediate' } }, scenario.workload.seed), kafkaVersion: null };
  const base = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    runId: input.runId,
    scenario: { name: scenario.name, resolved: scenario as unknown as Record<string, unknown> },
    startedAt: input.startedAt.toISOString(),
    endedAt: input.endedAt.toISOString(),
    environment,
    stages,
    counters,
    rates,
    timeSeries: timeSeries(load, input.observers, input.l4, input.lagSamples),
    markers: markers(load),
    delivery: verification?.delivery ?? { observed: null, modelled: null },
    errors: input.errors,
  };
  const subject = { state: 'completed' as const, stages, counters, rates, verdict: verification?.verdict ?? null };
  const gates = evaluateGates(parseGates(scenario.thresholds), subject as Parameters<typeof evaluateGates>[1], {
    percentileMs: (encoded: string, p: number) => LatencyHistogram.decode(encoded).percentileMs(p),
  });
  if (input.interrupted) return { ...base, gates, state: 'incomplete', reason: 'interrupted by the user (Ctrl-C): load stopped early, nothing verified', verdict: null };
  if (input.failure || !verification) {
    const reason = isStreamproofError(input.failure) ? input.failure.message : (input.failure as Error | null)?.message ?? 'the run stopped before verification';
    return { ...base, gates: [], state: 'failed', reason, verdict: null };
  }
  return { ...base, gates, state: 'completed', verdict: verification.verdict };
}

