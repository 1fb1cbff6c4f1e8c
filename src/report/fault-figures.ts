import type { FaultOutcome, TimeSeriesRow } from './result-schema.js';

/**
 * What each fault did to the run, from the per-second series the run keeps (docs/faults.md):
 *  - progress during the fault: events acknowledged and window results committed in the seconds
 *    the fault window overlaps;
 *  - time to recover: from the heal to the first second from which, over 3 seconds, the achieved
 *    rate is within ±5 % of the target and the consumer lag is back at its pre-fault level (the
 *    highest of the 5 samples before the strike, plus 100 events of allowance — the lag moves
 *    in whole transactions); null when that never happened before the schedule ended;
 *  - events at risk: in flight when it struck (sent and not yet acknowledged, plus consumer lag).
 * Pure: tested on synthetic series.
 */
export const RECOVERY_RATE_TOLERANCE = 0.05;
export const RECOVERY_WINDOW_S = 3;
export const LAG_ALLOWANCE_EVENTS = 100;
const BASELINE_SAMPLES = 5;

/** A fault as the scheduler recorded it (src/runner/fault-scheduler.ts). */
export interface FaultRecord {
  kind: string;
  target: string;
  label: string;
  /** Index in the scenario's `faults` and occurrence of that entry. */
  source: number;
  occurrence: number;
  plannedStartEpochMs: number;
  durationMs: number;
  /** Null when it never struck (the run ended first, or injecting it failed). */
  injectedAtEpochMs: number | null;
  /** Null while active, when it never struck, or when healing failed. */
  healedAtEpochMs: number | null;
  /** What was in flight the moment it struck. */
  atRisk: AtRisk | null;
  details: Record<string, string | number | boolean | null>;
  /** Why injecting or healing failed; null when both went fine. */
  error: string | null;
}

export interface AtRisk {
  /** Events sent and not yet acknowledged (or failed). */
  inFlightEvents: number;
  /** The processors' consumer lag (events not yet committed by a transaction), from the last sample. */
  consumerLagEvents: number;
}

/** What the scheduler hands the report (the same record). */
export type FaultRecordInput = FaultRecord;

/** Rows of the seconds that overlap [fromMs, toMs). */
function rowsOverlapping(rows: readonly TimeSeriesRow[], fromMs: number, toMs: number): TimeSeriesRow[] {
  return rows.filter((r) => r.tEpochS * 1000 + 1000 > fromMs && r.tEpochS * 1000 < toMs);
}

/** The pre-fault lag: highest of the last samples before the strike second (0 with none). */
export function preFaultLag(rows: readonly TimeSeriesRow[], struckAtMs: number): number {
  const before = rows.filter((r) => r.tEpochS * 1000 + 1000 <= struckAtMs && r.consumerLagEvents !== null).slice(-BASELINE_SAMPLES);
  return before.length ? Math.max(...before.map((r) => r.consumerLagEvents!)) : 0;
}

/** Lag at second t: that second's sample, else the latest before it (samples can miss a second). */
function lagAt(rows: readonly TimeSeriesRow[], index: number): number | null {
  for (let i = index; i >= 0; i -= 1) if (rows[i]!.consumerLagEvents !== null) return rows[i]!.consumerLagEvents;
  return null;
}

/** Seconds from `healedAtMs` until rate and lag are back; null when not within the schedule. */
export function recoverySeconds(rows: readonly TimeSeriesRow[], healedAtMs: number, baselineLag: number): number | null {
  const healS = Math.floor(healedAtMs / 1000);
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i]!;
    if (row.tEpochS < healS) continue;
    const window = rows.slice(i, i + RECOVERY_WINDOW_S);
    // Recovery is judged inside the schedule only: after it the target is 0 and the sender idles.
    if (window.length < RECOVERY_WINDOW_S || window.some((r) => r.targetEventsPerS <= 0)) return null;
    const target = window.reduce((sum, r) => sum + r.targetEventsPerS, 0);
    const achieved = window.reduce((sum, r) => sum + r.achievedEventsPerS, 0);
    const rateBack = Math.abs(achieved - target) <= RECOVERY_RATE_TOLERANCE * target;
    const lag = lagAt(rows, i);
    const lagBack = lag !== null && lag <= baselineLag + LAG_ALLOWANCE_EVENTS;
    if (rateBack && lagBack) return Math.max(0, (row.tEpochS * 1000 - healedAtMs) / 1000);
  }
  return null;
}

export function faultOutcome(record: FaultRecordInput, rows: readonly TimeSeriesRow[]): FaultOutcome {
  const struck = record.injectedAtEpochMs;
  const healed = record.healedAtEpochMs;
  const base: FaultOutcome = {
    kind: record.kind,
    target: record.target,
    label: record.label,
    source: record.source,
    occurrence: record.occurrence,
    plannedStartEpochMs: record.plannedStartEpochMs,
    durationMs: record.durationMs,
    injectedAtEpochMs: struck,
    healedAtEpochMs: healed,
    eventsAtRisk: record.atRisk ? record.atRisk.inFlightEvents + record.atRisk.consumerLagEvents : null,
    inFlightAtStrike: record.atRisk?.inFlightEvents ?? null,
    consumerLagAtStrike: record.atRisk?.consumerLagEvents ?? null,
    ackedInWindow: null,
    resultsInWindow: null,
    preFaultLagEvents: null,
    recoveryS: null,
    details: record.details,
    error: record.error,
  };
  if (struck === null) return base;
  const inWindow = rowsOverlapping(rows, struck, healed ?? struck + record.durationMs);
  const baseline = preFaultLag(rows, struck);
  return {
    ...base,
    ackedInWindow: inWindow.reduce((sum, r) => sum + r.achievedEventsPerS, 0),
    resultsInWindow: inWindow.some((r) => r.resultsPerS !== undefined) ? inWindow.reduce((sum, r) => sum + (r.resultsPerS ?? 0), 0) : null,
    preFaultLagEvents: baseline,
    recoveryS: healed === null ? null : recoverySeconds(rows, healed, baseline),
  };
}

/** The run-wide fault counters gates read (result-schema FAULT_COUNTERS); none without faults that struck. */
export function faultCounters(outcomes: readonly FaultOutcome[]): Record<string, number> {
  const struck = outcomes.filter((o) => o.injectedAtEpochMs !== null);
  if (struck.length === 0) return {};
  const counters: Record<string, number> = {};
  const recoveries = struck.map((o) => o.recoveryS);
  // The slowest recovery; absent when one never recovered, so `recoveryS < 30` fails as not measured.
  if (recoveries.every((r) => r !== null)) counters.recoveryS = Math.max(...(recoveries as number[]));
  counters.eventsAtRisk = struck.reduce((sum, o) => sum + (o.eventsAtRisk ?? 0), 0);
  counters.minAckedInFault = Math.min(...struck.map((o) => o.ackedInWindow ?? 0));
  const results = struck.map((o) => o.resultsInWindow).filter((r) => r !== null);
  if (results.length > 0) counters.minResultsInFault = Math.min(...results);
  return counters;
}
