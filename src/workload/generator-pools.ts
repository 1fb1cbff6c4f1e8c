import { Faker, base, en } from '@faker-js/faker';
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

const PAGE_POOL_SIZE = 256;
const COUNTRY_POOL_SIZE = 64;
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

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function createPools(seed: Seed): Pools {
  const faker = new Faker({ locale: [en, base] });
  faker.seed(deriveSeed32(seed, 'faker-pools'));

  const pages: string[] = [];
  for (let i = 0; i < PAGE_POOL_SIZE; i += 1) {
    const department = slug(faker.commerce.department()) || 'shop';
    const product = slug(faker.commerce.productName()) || `item-${i}`;
    pages.push(`/${department}/${product}`);
  }
  // Countries drawn with repetition: a few codes appear several times, a mild natural skew.
  const countries: string[] = [];
  for (let i = 0; i < COUNTRY_POOL_SIZE; i += 1) {
    const code = faker.location.countryCode('alpha-2').toUpperCase();
    countries.push(/^[A-Z]{2}$/.test(code) ? code : 'US');
  }

  const countrySalt = deriveSeed32(seed, 'user-country');
  const deviceSalt = deriveSeed32(seed, 'user-device');
  return {
    pages,
    countryOf: (userIndex) => countries[hash32(countrySalt, userIndex) % COUNTRY_POOL_SIZE]!,
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
