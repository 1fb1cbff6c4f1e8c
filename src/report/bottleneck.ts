import type { TimeSeriesRow } from './result-schema.js';

/**
 * Who the bottleneck was (docs/results.md, bottleneck). A load generator must not report its own
 * lateness as the pipeline's latency: when the sender fell behind its schedule while the
 * processors kept up with what it did send, the run was bound by the harness, and the rate the
 * harness sustained is the figure to read, not the target.
 *
 *  - `kept-up`: at most 1 % of the events were sent late (schedule lag > run.onTimeMs).
 *  - `harness-bound`: more were late, and the processors' consumer lag stayed small
 *    (its 90th percentile over the seconds in which late events were sent ≤ one second of the
 *    sustained rate, at least 1,000 events): schedule lag grew, consumer lag did not.
 *  - `pipeline-bound`: late, and the consumer lag grew too: the pipeline backed up as well (on a
 *    shared machine the two can starve each other; this says both were behind).
 *  - `behind-schedule`: late, with no consumer lag sampled (no processors): the cause is not known.
 *
 * `sustainedEventsPerS` is the median events sent per second over the seconds in which late
 * events were sent, i.e. while the sender was going as fast as it could.
 */
export type BottleneckVerdict = 'kept-up' | 'harness-bound' | 'pipeline-bound' | 'behind-schedule';

export interface Bottleneck {
  verdict: BottleneckVerdict;
  /** sentLate ÷ sent. */
  lateShare: number;
  /** Median sent per second while late events were being sent; null when nothing was late. */
  sustainedEventsPerS: number | null;
  /** 90th percentile of the consumer lag sampled while late events were sent (else over the run), events; null when never sampled. */
  consumerLagP90Events: number | null;
  /** One sentence for the report. */
  summary: string;
}

export const LATE_SHARE_KEPT_UP = 0.01;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

/**
 * Which part of the harness held the late events back: the load workers that build them
 * (counter sentLateAwaitingGenerator: due before they were built), for HTTP ingest the
 * connections (sentLateAwaitingConnection: due while every connection awaited an answer, so the
 * offered load was capped at connections ÷ response time), or else the sending thread (the
 * producer, acks, ledger). Empty when the counters are absent (inline generation).
 */
function harnessLimit(counters: Readonly<Record<string, number>>): string {
  const waiting = counters.sentLateAwaitingGenerator;
  const late = counters.sentLate ?? 0;
  if (waiting === undefined || late === 0) return '';
  const share = waiting / late;
  const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;
  if (share >= 0.5) return `, limited by the load worker building events (${pct(share)} of late events were due before it had built them)`;
  const connectionShare = (counters.sentLateAwaitingConnection ?? 0) / late;
  if (connectionShare >= 0.5) {
    return `, limited by the HTTP connections (${pct(connectionShare)} of late events were due while every connection awaited the collector's answer: raise ingest.connections, or the collector's response time is the limit)`;
  }
  return `, limited by the sending thread (producer and acknowledgements; ${pct(share)} of late events waited for the load worker)`;
}

export function judgeBottleneck(counters: Readonly<Record<string, number>>, timeSeries: readonly TimeSeriesRow[]): Bottleneck | null {
  const sent = counters.sent ?? 0;
  if (sent === 0 || counters.sentLate === undefined) return null;
  const lateShare = counters.sentLate / sent;
  const lateSeconds = timeSeries.filter((r) => (r.lateEventsPerS ?? 0) > 0).map((r) => (r.onTimeEventsPerS ?? 0) + (r.lateEventsPerS ?? 0));
  const sustainedEventsPerS = lateSeconds.length > 0 ? quantile(lateSeconds, 0.5) : null;
  // Consumer lag while the sender was late: a backlog the processors cleared earlier (the warm-up's, say) says nothing about this.
  const lateRows = timeSeries.filter((r) => (r.lateEventsPerS ?? 0) > 0);
  const lags = (lateRows.length > 0 ? lateRows : timeSeries).map((r) => r.consumerLagEvents).filter((v): v is number => v !== null);
  const consumerLagP90Events = lags.length > 0 ? quantile(lags, 0.9) : null;
  const unsent = counters.cutOffUnsent ?? 0;
  const cutNote = unsent > 0 ? `; ${unsent.toLocaleString('en-US')} events never sent: the sender stopped 30 s past the schedule's end` : '';
  const pct = `${(lateShare * 100).toFixed(2)} % of sent events late${cutNote}`;
  if (lateShare <= LATE_SHARE_KEPT_UP) {
    return { verdict: 'kept-up', lateShare, sustainedEventsPerS, consumerLagP90Events, summary: `the load generator kept its schedule (${pct})` };
  }
  const rate = `${Math.round(sustainedEventsPerS ?? 0).toLocaleString('en-US')} events/s`;
  const limit = harnessLimit(counters);
  if (consumerLagP90Events === null) {
    return { verdict: 'behind-schedule', lateShare, sustainedEventsPerS, consumerLagP90Events, summary: `the load generator fell behind its schedule (${pct}; ${rate} sustained${limit}); no consumer lag was sampled, so the cause is not known` };
  }
  const smallLag = Math.max(1_000, sustainedEventsPerS ?? 0);
  if (consumerLagP90Events <= smallLag) {
    return {
      verdict: 'harness-bound',
      lateShare,
      sustainedEventsPerS,
      consumerLagP90Events,
      summary: `HARNESS-BOUND: the load generator fell behind its schedule (${pct}) while the processors kept up (consumer lag p90 ${Math.round(consumerLagP90Events)} events); it sustained ${rate}${limit}. Latencies measured from intended times include the generator's own lateness: read the "from send" figures`,
    };
  }
  return {
    verdict: 'pipeline-bound',
    lateShare,
    sustainedEventsPerS,
    consumerLagP90Events,
    summary: `the load generator fell behind (${pct}; ${rate} sustained${limit}) and the processors fell behind too (consumer lag p90 ${Math.round(consumerLagP90Events)} events)`,
  };
}
