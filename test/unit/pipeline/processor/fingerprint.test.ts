import { describe, expect, it } from 'vitest';
import { FINGERPRINT_HASH } from '../../../../src/contract/fingerprint.js';
import { Fingerprint } from '../../../../src/pipeline/processor/fingerprint.js';

// The contract's definition (src/contract/fingerprint.ts) in BigInt: the reference both sides must match.
const MASK = (1n << 64n) - 1n;
function referenceHash(id: string): bigint {
  const { fnvOffsetBasis, fnvPrime, fmixC1, fmixC2, fmixShift } = FINGERPRINT_HASH;
  let h: bigint = fnvOffsetBasis;
  for (const byte of new TextEncoder().encode(id)) h = ((h ^ BigInt(byte)) * fnvPrime) & MASK;
  h ^= h >> fmixShift;
  h = (h * fmixC1) & MASK;
  h ^= h >> fmixShift;
  h = (h * fmixC2) & MASK;
  return h ^ (h >> fmixShift);
}

describe('processor fingerprint (docs/contract.md "Fingerprint")', () => {
  const ids = ['', 'gen-1:0', 'gen-1:1', 'gén:5', '😀:1', '\ud800', 'x'.repeat(200)];
  for (let i = 0; i < 500; i += 1) ids.push(`g${i % 7}:${i * 104_729}`);

  it('sums the contract hash of every id mod 2^64, in hex', () => {
    let sum = 0n;
    const fingerprint = new Fingerprint();
    for (const id of ids) {
      sum = (sum + referenceHash(id)) & MASK;
      fingerprint.addEventId(id);
    }
    expect(fingerprint.toJSON()).toEqual({ count: ids.length, hashSum: sum.toString(16).padStart(16, '0') });
  });

  it('is order-free and survives a round trip through its JSON form (changelog restore)', () => {
    const forward = ids.reduce((f, id) => f.addEventId(id), new Fingerprint());
    const half = ids.slice(0, 100).reduce((f, id) => f.addEventId(id), new Fingerprint());
    const rest = [...ids.slice(100)].reverse().reduce((f, id) => f.addEventId(id), new Fingerprint());
    expect(Fingerprint.parse(half.toJSON()).merge(rest).toJSON()).toEqual(forward.toJSON());
    for (const bad of [null, { count: -1, hashSum: '0'.repeat(16) }, { count: 1, hashSum: 'ABCDEF0123456789' }]) {
      expect(() => Fingerprint.parse(bad)).toThrowError(expect.objectContaining({ code: 'SP_INVALID_ARGUMENT' }));
    }
  });
});
