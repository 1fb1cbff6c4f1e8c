import { ERROR_CODES, StreamproofError } from '../base/errors.js';

/**
 * Seeded pseudo-random numbers for the workload. Nothing in src/workload/ may call Math.random:
 * the same seed must give the same event stream, byte for byte, on every machine.
 *
 * Generator: xoshiro128** (Blackman & Vigna) on four 32-bit words, seeded through splitmix32 so
 * that nearby seeds give unrelated streams. 32-bit integer math (Math.imul, >>> 0) keeps it exact
 * in JavaScript numbers and fast in V8.
 */
export interface Random {
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform double in [0, 1) with 53 random bits. */
  nextFloat(): number;
  /** Uniform integer in [0, maxExclusive), unbiased; maxExclusive in [1, 2^32]. */
  nextInt(maxExclusive: number): number;
}

/** A seed is a safe integer (any sign) or a string; strings are hashed. */
export type Seed = number | string;

const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** splitmix32 step: a bijective 32-bit mixer; the state advances by the golden-ratio constant. */
function splitmix32(state: number): { state: number; value: number } {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  z ^= z >>> 16;
  return { state: next, value: z >>> 0 };
}

/** FNV-1a over UTF-16 code units, then mixed; used to turn strings and labels into 32-bit words. */
function hashString(text: string, basis = 0x811c9dc5): number {
  let h = basis >>> 0;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return splitmix32(h).value;
}

/** Folds a seed into two 32-bit words (low, high) without losing any bit of a safe integer. */
function seedWords(seed: Seed): [number, number] {
  if (typeof seed === 'string') return [hashString(seed), hashString(seed, 0x01000193)];
  if (!Number.isSafeInteger(seed)) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `seed ${seed} is not a safe integer`, {
      hint: 'use an integer seed between -(2^53-1) and 2^53-1, or a string',
    });
  }
  const negative = seed < 0;
  const magnitude = Math.abs(seed);
  const low = magnitude % TWO_POW_32;
  const high = Math.floor(magnitude / TWO_POW_32) + (negative ? 0x00200000 : 0);
  return [low >>> 0, high >>> 0];
}

/**
 * Derives an independent 32-bit seed from a parent seed and a label, so that sub-streams
 * (faker pools, per-event draws, padding) never share state and adding a draw to one of them
 * cannot shift the others.
 */
export function deriveSeed32(seed: Seed, label: string): number {
  const [low, high] = seedWords(seed);
  let state = hashString(label) ^ low;
  let step = splitmix32(state);
  state = step.state ^ high;
  step = splitmix32(state);
  return step.value;
}

/**
 * A stateless 32-bit hash of (salt, value): for attributes that must be a pure function of an id
 * (a user's country stays the same whichever generator, and whichever event, asks).
 */
export function hash32(salt: number, value: number): number {
  let h = Math.imul(salt ^ 0x27d4eb2f, 0x165667b1) ^ value;
  h = Math.imul(h ^ (h >>> 15), 0x85ebca77);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae3d);
  return (h ^ (h >>> 16)) >>> 0;
}

export function createRandom(seed: Seed): Random {
  const [low, high] = seedWords(seed);
  let sm = low ^ Math.imul(high, 0x9e3779b1);
  const words: number[] = [];
  for (let i = 0; i < 4; i += 1) {
    const step = splitmix32(sm);
    sm = step.state;
    words.push(step.value | 0);
  }
  let [s0, s1, s2, s3] = words as [number, number, number, number];
  // xoshiro's state must not be all zero; splitmix32 output makes that practically impossible,
  // but the invariant is cheap to enforce.
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  function nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result >>> 0;
  }

  function nextFloat(): number {
    const high27 = nextUint32() >>> 5;
    const low26 = nextUint32() >>> 6;
    return (high27 * 67108864 + low26) / TWO_POW_53;
  }

  function nextInt(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `nextInt bound ${maxExclusive} is out of range`, {
        hint: 'pass an integer between 1 and 2^32',
      });
    }
    // Rejection sampling: discard the top sliver of [0, 2^32) that would bias small values.
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
    for (;;) {
      const x = nextUint32();
      if (x < limit) return x % maxExclusive;
    }
  }

  return { nextUint32, nextFloat, nextInt };
}
