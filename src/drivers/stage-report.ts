import type { IngestLedger } from '../pipeline/ingest/ingest-ledger.js';
import type { LatencyHistogram } from '../metrics/histogram.js';
import type { LatencySeries } from '../metrics/latency-series.js';
import type { StageName } from '../report/result-schema.js';

/**
 * The one report shape every stage driver returns, whatever its kind: result assembly merges
 * reports and never asks which kind produced one. Figures only; the timings were all taken by
 * the harness's own recorders, so a driver cannot bias them.
 */
export interface StageReport {
  /** Which part of the pipeline: ingest, processor, delivery. */
  stage: 'ingest' | 'processor' | 'delivery';
  /** The driver kind that produced it (kafka, http, builtin ...), for the record only. */
  kind: string;
  latencies: Partial<Record<StageName, LatencyHistogram>>;
  /** The same latencies per second of completion, for the report's curves (ingest: L1 or HTTP, and schedule lag). */
  latencySeries?: Partial<Record<StageName, LatencySeries>>;
  /** Named counters (scheduled, sent, acked, failed, malformed, onTime, sentLate, onTimeAcked, ...; docs/results.md). */
  counters: Record<string, number>;
  /** Events the stage completed per epoch second (ingest: acknowledged events). */
  ratePerSecond: RatePerSecond[];
  /** Ingest only: events sent per epoch second (by the second of sending), on time and late against run.onTimeMs. */
  sendsPerSecond?: SendsPerSecond[];
  /** The stage's ledger of event outcomes (ingest), the verifier's evidence; null otherwise. */
  ledger: IngestLedger | null;
}

export interface RatePerSecond {
  epochS: number;
  events: number;
}

export interface SendsPerSecond {
  epochS: number;
  onTime: number;
  late: number;
}

/** Figures of a stage while it runs, for the live view and abortOnFail gates. */
export interface LiveFigures {
  latencies: Partial<Record<StageName, LatencyHistogram>>;
  counters: Record<string, number>;
}

/**
 * Reports of the same stage merged (warm-up and main load, or probes): counters add, rates add
 * per second, histograms are added into fresh copies. Ledgers are not merged here: distinct
 * generator ids make them disjoint, and the verifier unites them.
 */
export function sumCounters(reports: readonly Pick<StageReport, 'counters'>[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const report of reports) for (const [name, value] of Object.entries(report.counters)) out[name] = (out[name] ?? 0) + value;
  return out;
}
