import { describe, expect, it } from 'vitest';
import { bootstrapMedianDifference, hashSeed, mannWhitneyU, median, seededRandom, spread } from '../../../src/report/stats.js';

describe('median and spread', () => {
  it('odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(spread([5, 1, 9])).toEqual({ n: 3, median: 5, min: 1, max: 9 });
    expect(() => median([])).toThrow();
  });
});

describe('seededRandom', () => {
  it('is deterministic and uniform-ish in [0, 1)', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const xs = Array.from({ length: 10_000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((s, x) => s + x, 0) / xs.length).toBeCloseTo(0.5, 1);
    expect(hashSeed('p99(l1_produce)', 1)).not.toBe(hashSeed('p50(l1_produce)', 1));
  });
});

describe('bootstrapMedianDifference', () => {
  const options = { resamples: 2_000, level: 0.95, seed: 1 };

  it('is deterministic for a seed', () => {
    const x = [10, 12, 11, 13, 9];
    const y = [11, 12, 14, 10, 13];
    expect(bootstrapMedianDifference(x, y, options)).toEqual(bootstrapMedianDifference(x, y, options));
  });

  it('excludes 0 when every current value is shifted up, includes it for overlapping samples', () => {
    const x = [10, 12, 11, 13, 9];
    const shifted = bootstrapMedianDifference(x, x.map((v) => v + 50), options);
    expect(shifted.lo).toBeGreaterThan(0);
    expect(shifted.lo).toBeLessThanOrEqual(50);
    expect(shifted.hi).toBeGreaterThanOrEqual(50);
    const same = bootstrapMedianDifference(x, [11, 9, 13, 10, 12], options);
    expect(same.lo).toBeLessThan(0);
    expect(same.hi).toBeGreaterThan(0);
    expect(same).toMatchObject({ level: 0.95, resamples: 2_000 });
  });

  it('constant sides give a point interval', () => {
    expect(bootstrapMedianDifference([5, 5, 5], [7, 7, 7], options)).toMatchObject({ lo: 2, hi: 2 });
  });
});

describe('mannWhitneyU', () => {
  it('exact two-sided p for small samples without ties', () => {
    // Fully separated 5 vs 5: 2 of the C(10,5) = 252 arrangements are as extreme.
    const separated = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
    expect(separated).toMatchObject({ u: 25, exact: true });
    expect(separated.p).toBeCloseTo(2 / 252, 6);
    // 3 vs 3 can never get below p = 0.1: the reason compare does not decide on it.
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6]).p).toBeCloseTo(0.1, 6);
    expect(mannWhitneyU([1, 3, 5], [2, 4, 6]).p).toBe(0.7);
  });

  it('normal approximation with ties', () => {
    const tied = mannWhitneyU([1, 1, 2, 2, 3], [2, 3, 3, 4, 4]);
    expect(tied.exact).toBe(false);
    expect(tied.p).toBeGreaterThan(0.01);
    expect(tied.p).toBeLessThan(0.2);
    expect(mannWhitneyU([1, 1, 1], [1, 1, 1])).toMatchObject({ p: 1, exact: false });
  });
});
