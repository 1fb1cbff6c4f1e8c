/**
 * Bucket boundaries of the live (Prometheus) histograms. Exact percentiles come from the HDR
 * histograms in result files; these buckets only need to make live views and SLO fractions
 * honest.
 *
 * LATENCY_BUCKETS_SECONDS: 1 ms .. 60 s, roughly 1-2.5-5 per decade, made denser around the
 * SLO candidates below. Every SLO candidate is itself a boundary (so "share of events within
 * the SLO" is an exact bucket ratio, not an interpolation) and has a neighbouring boundary
 * within 25% on each side (so histogram_quantile() near the SLO is interpolated over a narrow
 * bucket):
 *
 *   0.001 0.0025 0.005 0.0075 0.01 0.025 0.05 0.075 [0.1] 0.125 0.15 0.2 [0.25] 0.3 0.4 [0.5]
 *   0.6 0.75 [1] 1.25 1.5 [2] 2.5 3 4 [5] 6 7.5 [10] 12.5 15 20 30 45 60     (+Inf implied)
 */
export const SLO_CANDIDATE_SECONDS = [0.1, 0.25, 0.5, 1, 2, 5, 10] as const;

export const LATENCY_BUCKETS_SECONDS = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.025, 0.05, 0.075, 0.1, 0.125, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.75, 1,
  1.25, 1.5, 2, 2.5, 3, 4, 5, 6, 7.5, 10, 12.5, 15, 20, 30, 45, 60,
] as const;

/**
 * L4 delivery and freshness can legitimately exceed a minute: real Firehose buffers up to 300 s
 * (docs/stack.md, topology) and freshness includes the allowed out-of-orderness. Same boundaries as
 * latency, extended to 10 min with extra ones around the 300 s buffer interval.
 */
export const LONG_LATENCY_BUCKETS_SECONDS = [...LATENCY_BUCKETS_SECONDS, 90, 120, 180, 240, 270, 300, 330, 360, 450, 600] as const;

/** Firehose PutRecordBatch takes at most 500 records. */
export const BATCH_SIZE_BUCKETS_RECORDS = [1, 2, 5, 10, 25, 50, 100, 200, 300, 400, 500] as const;
