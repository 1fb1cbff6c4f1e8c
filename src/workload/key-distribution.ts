import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { Random } from './random.js';

/**
 * Which user an event belongs to. Users are indices 0..users-1; the generator turns an index into
 * a userId (and so a Kafka key). With zipf, index 0 is the hottest user: P(k) ∝ 1 / (k + 1)^skew.
 */
export type KeyDistributionConfig = { kind: 'uniform' } | { kind: 'zipf'; skew: number };

export interface KeySampler {
  readonly users: number;
  /** Draws one user index in [0, users). Consumes draws from `random` only. */
  sample(random: Random): number;
  /** The exact probability of user `index` (for tests and reports). */
  probability(index: number): number;
}

/** 1e7 users: a zipf CDF of Float64 is then 80 MB, the most we accept on a laptop. */
export const MAX_USERS = 10_000_000;

function invalid(message: string, hint: string): StreamproofError {
  return new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, message, { hint });
}

export function createKeySampler(config: KeyDistributionConfig, users: number): KeySampler {
  if (!Number.isInteger(users) || users < 1 || users > MAX_USERS) {
    throw invalid(`users must be an integer in [1, ${MAX_USERS}], got ${users}`, 'set workload users to a positive integer');
  }
  if (config.kind === 'uniform') return uniformSampler(users);
  if (!(Number.isFinite(config.skew) && config.skew > 0)) {
    throw invalid(`zipf skew must be a finite number > 0, got ${config.skew}`, 'typical skews are 0.8–1.2; use kind "uniform" for no skew');
  }
  return zipfSampler(users, config.skew);
}

function uniformSampler(users: number): KeySampler {
  return {
    users,
    sample: (random) => random.nextInt(users),
    probability: (index) => (Number.isInteger(index) && index >= 0 && index < users ? 1 / users : 0),
  };
}

/**
 * Zipf by inversion: a precomputed CDF (cdf[k] = P(index ≤ k)) and a binary search for the first
 * k with u < cdf[k]. Exact for any skew, O(log users) per draw, 8 bytes per user.
 */
function zipfSampler(users: number, skew: number): KeySampler {
  // Unnormalised running sums first, then one division pass: no second array of weights.
  const cdf = new Float64Array(users);
  let total = 0;
  for (let k = 0; k < users; k += 1) {
    total += Math.pow(k + 1, -skew);
    cdf[k] = total;
  }
  for (let k = 0; k < users; k += 1) cdf[k] = cdf[k]! / total;
  // Rounding can leave the last entry a hair below 1; u < 1 must always find an index.
  cdf[users - 1] = 1;

  function sample(random: Random): number {
    const u = random.nextFloat();
    let lo = 0;
    let hi = users - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u < cdf[mid]!) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  function probability(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= users) return 0;
    return Math.pow(index + 1, -skew) / total;
  }

  return { users, sample, probability };
}
