import { LatencyHistogram } from '../metrics/histogram.js';
import type { StageStats } from './result-schema.js';

/**
 * Percentiles that result.json does not precompute (p95) and the percentile distribution of
 * the HTML report, read from the stage's encoded HdrHistogram. Decoding is cached per stage
 * object: a report asks for several figures of the same stage.
 */
const cache = new WeakMap<StageStats, LatencyHistogram | null>();

function histogramOf(stats: StageStats): LatencyHistogram | null {
  if (!cache.has(stats)) {
    let decoded: LatencyHistogram | null = null;
    try {
      decoded = stats.count > 0 ? LatencyHistogram.decode(stats.histogram) : null;
    } catch {
      decoded = null;
    }
    cache.set(stats, decoded);
  }
  return cache.get(stats)!;
}

/** The stage's value at `percentile` (0..100] in ms; null when the stage is empty or its histogram unreadable. */
export function stagePercentileMs(stats: StageStats, percentile: number): number | null {
  return histogramOf(stats)?.percentileMs(percentile) ?? null;
}

/**
 * Points of the HdrHistogram percentile plot: x = 1/(1−p) (so 90% → 10, 99% → 100, 99.9% →
 * 1000, read on a log axis), y = latency in ms. From 0% to the highest percentile the count
 * resolves (one event in N resolves 1 − 1/N), on a log-spaced grid of `perDecade` points.
 */
export function percentileDistribution(stats: StageStats, perDecade = 12): Array<{ percentile: number; x: number; ms: number }> {
  const histogram = histogramOf(stats);
  if (histogram === null) return [];
  const maxX = Math.max(1, stats.count);
  const points: Array<{ percentile: number; x: number; ms: number }> = [];
  const steps = Math.max(1, Math.ceil(Math.log10(maxX) * perDecade));
  for (let i = 0; i <= steps; i += 1) {
    const x = Math.min(maxX, 10 ** (i / perDecade));
    const percentile = (1 - 1 / x) * 100;
    points.push({ percentile, x, ms: histogram.percentileMs(Math.max(percentile, 0.0001)) });
    if (x >= maxX) break;
  }
  points.push({ percentile: 100, x: maxX, ms: stats.maxMs });
  return points;
}
