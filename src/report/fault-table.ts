import { formatDurationMs } from '../base/duration.js';
import type { RunResult } from './result-schema.js';

/**
 * One row per fault occurrence for summary.md and report.html (plain strings; each renderer
 * escapes or formats them): its window, progress inside it, recovery, events at risk.
 */
export const FAULT_TABLE_HEADER = ['fault', 'struck at', 'healed after', 'acked in window', 'results in window', 'recovered after', 'events at risk', 'notes'];

function offset(result: RunResult, epochMs: number | null): string {
  if (epochMs === null) return '—';
  return `+${formatDurationMs(Math.max(0, Math.round((epochMs - Date.parse(result.startedAt)) / 100) * 100))}`;
}

export function faultTableRows(result: RunResult): string[][] {
  return result.faults.map((f) => {
    const notes = [
      ...Object.entries(f.details).map(([k, v]) => `${k} ${String(v)}`),
      ...(f.error ? [f.error] : []),
      ...(f.injectedAtEpochMs === null && !f.error ? ['never struck: the run ended first'] : []),
    ];
    return [
      `${f.kind} ${f.target}`,
      offset(result, f.injectedAtEpochMs),
      f.healedAtEpochMs !== null && f.injectedAtEpochMs !== null ? formatDurationMs(f.healedAtEpochMs - f.injectedAtEpochMs) : f.injectedAtEpochMs === null ? '—' : 'NOT HEALED',
      f.ackedInWindow === null ? '—' : String(f.ackedInWindow),
      f.resultsInWindow === null ? '—' : String(f.resultsInWindow),
      f.recoveryS === null ? (f.injectedAtEpochMs === null ? '—' : 'not within the load') : `${f.recoveryS.toFixed(1)} s`,
      f.eventsAtRisk === null ? '—' : `${f.eventsAtRisk} (${f.inFlightAtStrike} in flight, ${f.consumerLagAtStrike} lag)`,
      notes.join('; '),
    ];
  });
}

export const FAULT_TABLE_NOTE =
  'Struck at: from the run start. Acked / results in window: in the seconds the fault window overlaps. Recovered after: from the heal until the achieved rate is within ±5 % of target over 3 s and consumer lag is back at its pre-fault level (docs/faults.md).';
