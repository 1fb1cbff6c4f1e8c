import { describe, expect, it } from 'vitest';
import { StreamproofError } from '../../../src/base/errors.js';
import { createKeySampler } from '../../../src/workload/key-distribution.js';
import { createRandom } from '../../../src/workload/random.js';

const SAMPLES = 200_000;

function histogram(sample: () => number, n: number, users: number): number[] {
  const counts = new Array<number>(users).fill(0);
  for (let i = 0; i < n; i += 1) counts[sample()]! += 1;
  return counts;
}

/** Each count is Binomial(n, p): 5σ bounds hold for any seed with overwhelming probability. */
function expectShare(count: number, p: number, n: number): void {
  const sigma = Math.sqrt((n * p * (1 - p)));
  expect(Math.abs(count - n * p)).toBeLessThanOrEqual(5 * sigma);
}

describe('uniform', () => {
  it('spreads keys evenly over all users', () => {
    const sampler = createKeySampler({ kind: 'uniform' }, 10);
    const random = createRandom(1);
    const counts = histogram(() => sampler.sample(random), SAMPLES, 10);
    for (const c of counts) expectShare(c, 0.1, SAMPLES);
    expect(sampler.probability(3)).toBe(0.1);
    expect(sampler.probability(10)).toBe(0);
  });
});

describe('zipf', () => {
  it('probabilities are ∝ 1/(k+1)^s and sum to 1', () => {
    const sampler = createKeySampler({ kind: 'zipf', skew: 1.2 }, 1000);
    let total = 0;
    for (let k = 0; k < 1000; k += 1) total += sampler.probability(k);
    expect(Math.abs(total - 1)).toBeLessThan(1e-12);
    expect(sampler.probability(0) / sampler.probability(9)).toBeCloseTo(10 ** 1.2, 9);
  });

  it('draws the hottest users at their zipf share (skew 1.1, 100k users)', () => {
    const users = 100_000;
    const sampler = createKeySampler({ kind: 'zipf', skew: 1.1 }, users);
    const random = createRandom('zipf');
    const counts = histogram(() => sampler.sample(random), SAMPLES, users);
    for (const k of [0, 1, 2, 9, 99]) expectShare(counts[k]!, sampler.probability(k), SAMPLES);
    // The top 100 users together: their summed share, same 5σ rule.
    let top = 0;
    let topP = 0;
    for (let k = 0; k < 100; k += 1) {
      top += counts[k]!;
      topP += sampler.probability(k);
    }
    expectShare(top, topP, SAMPLES);
    expect(counts.every((c, k) => c === 0 || k < users)).toBe(true);
  });

  it('a higher skew concentrates more traffic on user 0', () => {
    const mild = createKeySampler({ kind: 'zipf', skew: 0.5 }, 1000);
    const strong = createKeySampler({ kind: 'zipf', skew: 1.5 }, 1000);
    expect(strong.probability(0)).toBeGreaterThan(mild.probability(0) * 5);
  });

  it('is deterministic for a given PRNG and covers the last index', () => {
    const sampler = createKeySampler({ kind: 'zipf', skew: 0.01 }, 3);
    const a = createRandom(9);
    const b = createRandom(9);
    const xs = Array.from({ length: 1000 }, () => sampler.sample(a));
    expect(xs).toEqual(Array.from({ length: 1000 }, () => sampler.sample(b)));
    expect(new Set(xs)).toEqual(new Set([0, 1, 2]));
  });
});

describe('validation', () => {
  it('rejects bad user counts and skews', () => {
    expect(() => createKeySampler({ kind: 'uniform' }, 0)).toThrow(StreamproofError);
    expect(() => createKeySampler({ kind: 'uniform' }, 2.5)).toThrow(StreamproofError);
    expect(() => createKeySampler({ kind: 'zipf', skew: 0 }, 10)).toThrow(StreamproofError);
    expect(() => createKeySampler({ kind: 'zipf', skew: Number.NaN }, 10)).toThrow(StreamproofError);
  });
});
