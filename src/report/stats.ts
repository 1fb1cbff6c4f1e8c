/**
 * Small, deterministic statistics for comparing sets of runs (pure; no dependency).
 *
 *  - medians, min, max of one figure across the runs of a set;
 *  - a percentile-bootstrap confidence interval for median(current) − median(baseline): each
 *    side is resampled with replacement on its own, a fixed-seed PRNG (mulberry32) drives it,
 *    so the same inputs always give the same interval;
 *  - the Mann–Whitney U test (two-sided), printed as supporting evidence: exact when both sides
 *    are small and have no ties, else the normal approximation with tie and continuity correction.
 */

export interface Spread {
  n: number;
  median: number;
  min: number;
  max: number;
}

export interface ConfidenceInterval {
  /** Bounds of median(current) − median(baseline), in the figure's unit. */
  lo: number;
  hi: number;
  /** 0.95 for a 95 % interval. */
  level: number;
  resamples: number;
}

export interface MannWhitney {
  /** U of the current side (the number of (baseline, current) pairs where current is larger, ties ½). */
  u: number;
  /** Two-sided p-value. */
  p: number;
  exact: boolean;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spread(values: readonly number[]): Spread {
  return { n: values.length, median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** mulberry32: a tiny 32-bit PRNG; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a of a string: a seed per figure, so a row's interval does not depend on row order. */
export function hashSeed(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** Quantile of sorted values, linear interpolation between closest ranks (R type 7). */
function quantileSorted(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

function resampledMedian(values: readonly number[], random: () => number, scratch: number[]): number {
  for (let i = 0; i < values.length; i += 1) scratch[i] = values[Math.floor(random() * values.length)]!;
  return median(scratch);
}

/** Percentile-bootstrap interval of median(current) − median(baseline). */
export function bootstrapMedianDifference(
  baseline: readonly number[],
  current: readonly number[],
  options: { resamples: number; level: number; seed: number },
): ConfidenceInterval {
  if (baseline.length === 0 || current.length === 0) throw new Error('bootstrap needs values on both sides');
  const random = seededRandom(options.seed);
  const scratchB = new Array<number>(baseline.length);
  const scratchC = new Array<number>(current.length);
  const differences = new Array<number>(options.resamples);
  for (let i = 0; i < options.resamples; i += 1) {
    differences[i] = resampledMedian(current, random, scratchC) - resampledMedian(baseline, random, scratchB);
  }
  differences.sort((a, b) => a - b);
  const tail = (1 - options.level) / 2;
  return { lo: quantileSorted(differences, tail), hi: quantileSorted(differences, 1 - tail), level: options.level, resamples: options.resamples };
}

/** Ranks with ties averaged, 1-based. */
function ranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const result = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]![0] === order[i]![0]) j += 1;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k += 1) result[order[k]![1]] = rank;
    i = j + 1;
  }
  return result;
}

/** Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, |error| < 1.5e-7). */
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Number of arrangements of m baseline and n current values giving each U (no ties). */
function exactUCounts(m: number, n: number): number[] {
  // counts[i][j][u]: ways with i baseline and j current values; built up one value at a time.
  let previous: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i += 1) {
    const row: number[][] = [[1]];
    for (let j = 1; j <= n; j += 1) {
      const size = i * j + 1;
      const counts = new Array<number>(size).fill(0);
      // The largest value is a current one (adds i to U of the current side) or a baseline one.
      const withCurrent = row[j - 1]!;
      for (let u = 0; u < withCurrent.length; u += 1) counts[u + i] = counts[u + i]! + withCurrent[u]!;
      const withBaseline = previous[j]!;
      for (let u = 0; u < withBaseline.length; u += 1) counts[u] = counts[u]! + withBaseline[u]!;
      row.push(counts);
    }
    previous = row;
  }
  return previous[n]!;
}

const EXACT_LIMIT = 30;

export function mannWhitneyU(baseline: readonly number[], current: readonly number[]): MannWhitney {
  const m = baseline.length;
  const n = current.length;
  const all = [...baseline, ...current];
  const r = ranks(all);
  const rankSumCurrent = r.slice(m).reduce((a, b) => a + b, 0);
  const u = rankSumCurrent - (n * (n + 1)) / 2;
  const hasTies = new Set(all).size !== all.length;
  const meanU = (m * n) / 2;
  if (!hasTies && m + n <= EXACT_LIMIT) {
    const counts = exactUCounts(m, n);
    const total = counts.reduce((a, b) => a + b, 0);
    const distance = Math.abs(u - meanU);
    let extreme = 0;
    for (let k = 0; k < counts.length; k += 1) if (Math.abs(k - meanU) >= distance - 1e-9) extreme += counts[k]!;
    return { u, p: Math.min(1, extreme / total), exact: true };
  }
  const tieGroups = new Map<number, number>();
  for (const value of all) tieGroups.set(value, (tieGroups.get(value) ?? 0) + 1);
  const tieTerm = [...tieGroups.values()].reduce((sum, t) => sum + (t ** 3 - t), 0);
  const total = m + n;
  const variance = ((m * n) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  if (variance <= 0) return { u, p: 1, exact: false };
  const z = Math.max(0, Math.abs(u - meanU) - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, 2 * (1 - normalCdf(z))), exact: false };
}
