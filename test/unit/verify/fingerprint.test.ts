import { describe, expect, it } from 'vitest';
import { Fingerprint, hashEventId, hashEventIdHex } from '../../../src/verify/fingerprint.js';
import { createRandom } from '../../../src/workload/random.js';

// BigInt reference implementation (test only): FNV-1a-64 over UTF-8, then MurmurHash3 fmix64.
const MASK_64 = (1n << 64n) - 1n;
function fnv1a64Reference(text: string): bigint {
  let h = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(text)) {
    h ^= BigInt(byte);
    h = (h * 0x100000001b3n) & MASK_64;
  }
  return h;
}
function fmix64Reference(value: bigint): bigint {
  let k = value;
  k ^= k >> 33n;
  k = (k * 0xff51afd7ed558ccdn) & MASK_64;
  k ^= k >> 33n;
  k = (k * 0xc4ceb9fe1a85ec53n) & MASK_64;
  k ^= k >> 33n;
  return k;
}
function referenceHex(text: string): string {
  return fmix64Reference(fnv1a64Reference(text)).toString(16).padStart(16, '0');
}

describe('hashEventId', () => {
  it('uses a reference FNV-1a-64 that matches the published test vectors', () => {
    expect(fnv1a64Reference('').toString(16)).toBe('cbf29ce484222325');
    expect(fnv1a64Reference('a').toString(16)).toBe('af63dc4c8601ec8c');
    expect(fnv1a64Reference('foobar').toString(16)).toBe('85944171f73967e8');
  });

  it('equals the BigInt reference for ASCII, non-ASCII and lone-surrogate ids', () => {
    const ids = ['', 'a', 'gen-1:0', 'gen-1:9007199254740991', 'héllo:1', '日本:2', '😀:3', 'x\ud800y', '\u007f\u0080'];
    const random = createRandom(7);
    for (let i = 0; i < 2000; i += 1) ids.push(`g${random.nextInt(50)}:${random.nextInt(1_000_000_000)}`);
    for (const id of ids) expect(hashEventIdHex(id), id).toBe(referenceHex(id));
  });

  it('returns the same value as lanes and as hex', () => {
    const { hi, lo } = hashEventId('gen-1:42');
    expect(hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0')).toBe(hashEventIdHex('gen-1:42'));
    expect(hi).toBeGreaterThanOrEqual(0);
    expect(lo).toBeGreaterThanOrEqual(0);
  });

  it('has no collisions and balanced bits over 200k sequential ids', () => {
    const seen = new Set<string>();
    const ones = new Array<number>(64).fill(0);
    const total = 200_000;
    for (let seq = 0; seq < total; seq += 1) {
      const { hi, lo } = hashEventId(`gen-${seq % 3}:${seq}`);
      seen.add(`${hi}/${lo}`);
      for (let bit = 0; bit < 32; bit += 1) {
        ones[bit] = (ones[bit] as number) + ((lo >>> bit) & 1);
        ones[bit + 32] = (ones[bit + 32] as number) + ((hi >>> bit) & 1);
      }
    }
    expect(seen.size).toBe(total);
    for (const count of ones) {
      expect(count / total).toBeGreaterThan(0.49);
      expect(count / total).toBeLessThan(0.51);
    }
  });
});

describe('Fingerprint', () => {
  const ids = Array.from({ length: 1000 }, (_, seq) => `gen-a:${seq}`);

  it('is independent of order', () => {
    const shuffled = [...ids];
    const random = createRandom(42);
    for (let i = shuffled.length - 1; i > 0; i -= 1) {
      const j = random.nextInt(i + 1);
      [shuffled[i], shuffled[j]] = [shuffled[j] as string, shuffled[i] as string];
    }
    expect(Fingerprint.of(shuffled).equals(Fingerprint.of(ids))).toBe(true);
    expect(Fingerprint.of(shuffled).toJSON()).toEqual(Fingerprint.of(ids).toJSON());
  });

  it('equals the BigInt sum of hashes mod 2^64', () => {
    let sum = 0n;
    for (const id of ids) sum = (sum + BigInt(`0x${referenceHex(id)}`)) & MASK_64;
    expect(Fingerprint.of(ids).toJSON()).toEqual({ count: 1000, hashSum: sum.toString(16).padStart(16, '0') });
  });

  it('carries from the low lane into the high lane and wraps at 2^64', () => {
    const fingerprint = new Fingerprint().addHash(0, 0xffffffff).addHash(0, 0xffffffff);
    expect(fingerprint.hashSum).toBe('00000001fffffffe');
    fingerprint.addHash(0xfffffffe, 2);
    expect(fingerprint.hashSum).toBe('0000000000000000');
    expect(fingerprint.count).toBe(3);
  });

  it('merges like adding every id, and minus undoes merge', () => {
    const left = Fingerprint.of(ids.slice(0, 400));
    const right = Fingerprint.of(ids.slice(400));
    const merged = left.clone().merge(right);
    expect(merged.equals(Fingerprint.of(ids))).toBe(true);
    expect(merged.minus(right).equals(left)).toBe(true);
    const negative = left.minus(merged);
    expect(negative.count).toBe(-600);
    expect(negative.merge(merged).equals(left)).toBe(true);
    expect(merged.minus(merged).isEmpty()).toBe(true);
  });

  it('tells apart sets of the same size that differ in one id, and a duplicate from a distinct id', () => {
    const base = Fingerprint.of(ids);
    const swapped = Fingerprint.of([...ids.slice(0, 999), 'gen-a:1000']);
    expect(swapped.count).toBe(base.count);
    expect(swapped.equals(base)).toBe(false);
    const duplicated = Fingerprint.of([...ids.slice(0, 999), 'gen-a:0']);
    expect(duplicated.equals(base)).toBe(false);
  });

  it('round-trips through JSON and rejects malformed values', () => {
    const fingerprint = Fingerprint.of(ids);
    const parsed = Fingerprint.parse(JSON.parse(JSON.stringify(fingerprint)));
    expect(parsed.equals(fingerprint)).toBe(true);
    expect(fingerprint.hashSum).toMatch(/^[0-9a-f]{16}$/);
    expect(new Fingerprint().toJSON()).toEqual({ count: 0, hashSum: '0000000000000000' });
    for (const bad of [null, {}, { count: -1, hashSum: '0000000000000000' }, { count: 1.5, hashSum: '0000000000000000' }, { count: 1, hashSum: 'ABCDEF0123456789' }, { count: 1, hashSum: '123' }]) {
      expect(() => Fingerprint.parse(bad)).toThrowError(expect.objectContaining({ code: 'SP_INVALID_ARGUMENT' }));
    }
  });
});

describe('Fingerprint.addEvent (generator prefix state cached)', () => {
  it('adds exactly what addEventId of `generatorId:seq` adds, for any generator and seq', () => {
    const generators = ['g', 'sp2612011043520329a-main', 'sp2612011043520329a-warmup', 'gen.1_x-Y', 'ünï'];
    const byParts = new Fingerprint();
    const byId = new Fingerprint();
    for (let round = 0; round < 3; round += 1) {
      for (const generatorId of generators) {
        for (const seq of [0, 1, 9, 10, 99, 12_345, 2 ** 31 - 1, 2 ** 53 - 1]) {
          byParts.addEvent(generatorId, seq);
          byId.addEventId(`${generatorId}:${seq}`);
          expect(new Fingerprint().addEvent(generatorId, seq).equals(new Fingerprint().addEventId(`${generatorId}:${seq}`))).toBe(true);
        }
      }
    }
    expect(byParts.equals(byId)).toBe(true);
    expect(byParts.count).toBe(3 * generators.length * 8);
  });

  it('stays right when more generators pass than the cache keeps', () => {
    const a = new Fingerprint();
    const b = new Fingerprint();
    for (let i = 0; i < 2_500; i += 1) {
      a.addEvent(`gen-${i % 1_300}`, i);
      b.addEventId(`gen-${i % 1_300}:${i}`);
    }
    expect(a.equals(b)).toBe(true);
  });
});
