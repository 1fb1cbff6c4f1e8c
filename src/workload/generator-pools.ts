import { hash32, type Random, type Seed, deriveSeed32 } from './random.js';

/**
 * Realistic values from faker, computed once per generator: faker is far too slow for the hot path
 * (≥ 100k events/s), so the generator only indexes into these pools.
 *
 * Pools and per-user attributes depend on the seed only (not on generatorId), so several generators
 * sharing a seed agree on every user's country and device. All strings are ASCII, so a string's
 * length is its UTF-8 byte size (payload padding relies on it).
 */

export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export type Device = (typeof DEVICES)[number];

export const PAGE_POOL_SIZE = 256;
export const COUNTRY_POOL_SIZE = 64;
const PAD_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/**
 * Pads are slices of one random block at random offsets. With 1 MiB of offsets, pads in the same
 * producer batch (tens of KB) almost never share bytes, so batch compression sees random data and
 * payloadBytes stays an honest measure of what crosses the wire.
 */
export const PAD_OFFSETS = 1 << 20;

export interface Pools {
  /** Product pages, e.g. `/garden/tasty-plastic-pants`. */
  readonly pages: readonly string[];
  countryOf(userIndex: number): string;
  deviceOf(userIndex: number): Device;
}

/** The faker-drawn values of the pools (pool-data.ts builds them): plain data, so a load worker gets them without loading faker. */
export interface PoolData {
  readonly pages: readonly string[];
  readonly countries: readonly string[];
}

export function poolsFrom(data: PoolData, seed: Seed): Pools {
  const { pages, countries } = data;
  const countrySalt = deriveSeed32(seed, 'user-country');
  const deviceSalt = deriveSeed32(seed, 'user-device');
  return {
    pages,
    countryOf: (userIndex) => countries[hash32(countrySalt, userIndex) % countries.length]!,
    // 45 % desktop, 45 % mobile, 10 % tablet.
    deviceOf: (userIndex) => {
      const bucket = hash32(deviceSalt, userIndex) % 20;
      return bucket < 9 ? 'desktop' : bucket < 18 ? 'mobile' : 'tablet';
    },
  };
}

/** Filler block: `length + PAD_OFFSETS` random URL-safe characters ('' when no padding is asked for). */
export function createPadBlock(random: Random, length: number): string {
  if (length <= 0) return '';
  const bytes = Buffer.allocUnsafe(length + PAD_OFFSETS);
  // Five 6-bit characters per 32-bit draw.
  for (let i = 0; i < bytes.length; i += 5) {
    let bits = random.nextUint32();
    for (let j = i; j < Math.min(i + 5, bytes.length); j += 1) {
      bytes[j] = PAD_ALPHABET.charCodeAt(bits & 63);
      bits >>>= 6;
    }
  }
  return bytes.toString('latin1');
}
