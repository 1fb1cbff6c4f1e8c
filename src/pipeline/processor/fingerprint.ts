import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { FingerprintJson } from '../../contract/fingerprint.js';

/**
 * The processor's implementation of the window fingerprint (src/contract/fingerprint.ts,
 * docs/contract.md "Fingerprint"): `count` and `hashSum`, the sum mod 2^64 of a 64-bit hash of
 * every counted event id. The verifier recomputes it with its own implementation; the contract's
 * test vectors pin the values both must produce.
 *
 * Hash: FNV-1a-64 over the id's UTF-8 bytes, then MurmurHash3's fmix64 finalizer (FNV alone
 * leaves its low bits weakly mixed, and the low bits carry into everything in a sum).
 *
 * All 64-bit arithmetic runs in two unsigned 32-bit lanes (hi, lo) with Math.imul and exact
 * double products: no BigInt on the hot path (one hash per event).
 */

const TWO_POW_32 = 4294967296;
const FNV_OFFSET_HI = 0xcbf29ce4;
const FNV_OFFSET_LO = 0x84222325;
/** FNV-64 prime 0x100000001b3 = 2^40 + 0x1b3. */
const FNV_PRIME_LO = 0x1b3;
const FMIX_C1_HI = 0xff51afd7;
const FMIX_C1_LO = 0xed558ccd;
const FMIX_C2_HI = 0xc4ceb9fe;
const FMIX_C2_LO = 0x1a85ec53;
const HEX_16 = /^[0-9a-f]{16}$/;

// Output lanes of the last hash; module scope so that the hot path allocates nothing.
let outHi = 0;
let outLo = 0;

/** High 32 bits of the unsigned 64-bit product a*b (a, b unsigned 32-bit), via 16-bit limbs. */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = ((a0 * b0) >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/** High 32 bits of (x as unsigned) * 0x1b3: both 16-bit limb products stay below 2^25. */
function carryOfPrimeLo(x: number): number {
  return ((x >>> 16) * FNV_PRIME_LO + (((x & 0xffff) * FNV_PRIME_LO) >>> 16)) >>> 16;
}

/** MurmurHash3 fmix64 on (hi, lo); writes outHi/outLo. */
function fmix64(hi: number, lo: number): void {
  lo = (lo ^ (hi >>> 1)) >>> 0; // k ^= k >>> 33 (the high half of k >>> 33 is zero)
  let nextHi = (Math.imul(hi, FMIX_C1_LO) + Math.imul(lo, FMIX_C1_HI) + mulHigh32(lo, FMIX_C1_LO)) >>> 0;
  lo = Math.imul(lo, FMIX_C1_LO) >>> 0;
  hi = nextHi;
  lo = (lo ^ (hi >>> 1)) >>> 0;
  nextHi = (Math.imul(hi, FMIX_C2_LO) + Math.imul(lo, FMIX_C2_HI) + mulHigh32(lo, FMIX_C2_LO)) >>> 0;
  lo = Math.imul(lo, FMIX_C2_LO) >>> 0;
  hi = nextHi;
  outLo = (lo ^ (hi >>> 1)) >>> 0;
  outHi = hi;
}

const encoder = new TextEncoder();

/** Slow path for ids with non-ASCII characters: hash the UTF-8 bytes (TextEncoder semantics). */
function hashBytesInto(bytes: Uint8Array): void {
  let hi = FNV_OFFSET_HI | 0;
  let lo = FNV_OFFSET_LO | 0;
  for (let i = 0; i < bytes.length; i += 1) {
    const x = lo ^ (bytes[i] as number);
    hi = (Math.imul(hi, FNV_PRIME_LO) + (x << 8) + carryOfPrimeLo(x)) | 0;
    lo = Math.imul(x, FNV_PRIME_LO);
  }
  fmix64(hi >>> 0, lo >>> 0);
}

/** Hashes `id` into outHi/outLo. ASCII (every generated event id) never leaves the fast loop. */
function hashInto(id: string): void {
  // Lanes stay int32 inside the loop (V8 keeps them in registers); reinterpreted as unsigned at the end.
  let hi = FNV_OFFSET_HI | 0;
  let lo = FNV_OFFSET_LO | 0;
  for (let i = 0; i < id.length; i += 1) {
    const c = id.charCodeAt(i);
    if (c >= 0x80) {
      hashBytesInto(encoder.encode(id));
      return;
    }
    // (hi, lo) *= 2^40 + 0x1b3 (mod 2^64): hi gets hi*0x1b3, lo*2^40>>32 = lo<<8, and the carry of lo*0x1b3.
    const x = lo ^ c;
    hi = (Math.imul(hi, FNV_PRIME_LO) + (x << 8) + carryOfPrimeLo(x)) | 0;
    lo = Math.imul(x, FNV_PRIME_LO);
  }
  fmix64(hi >>> 0, lo >>> 0);
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function invalidFingerprint(message: string): StreamproofError {
  return new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, message, {
    hint: 'a fingerprint is { count: non-negative integer, hashSum: 16 lowercase hex digits }; was the changelog written by this processor version?',
  });
}

/** A window's fingerprint accumulator: the processor only ever adds (events, or a restored state). */
export class Fingerprint {
  count: number;
  hashHi: number;
  hashLo: number;

  constructor(count = 0, hashHi = 0, hashLo = 0) {
    this.count = count;
    this.hashHi = hashHi >>> 0;
    this.hashLo = hashLo >>> 0;
  }

  /** Parses the JSON form; throws SP_INVALID_ARGUMENT on anything else. */
  static parse(value: unknown): Fingerprint {
    if (typeof value !== 'object' || value === null) throw invalidFingerprint(`fingerprint is not an object: ${String(value)}`);
    const { count, hashSum } = value as Record<string, unknown>;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) {
      throw invalidFingerprint(`fingerprint count must be a non-negative integer, got ${String(count)}`);
    }
    if (typeof hashSum !== 'string' || !HEX_16.test(hashSum)) {
      throw invalidFingerprint(`fingerprint hashSum must be 16 lowercase hex digits, got ${JSON.stringify(hashSum)}`);
    }
    return new Fingerprint(count, parseInt(hashSum.slice(0, 8), 16), parseInt(hashSum.slice(8), 16));
  }

  addEventId(id: string): this {
    hashInto(id);
    return this.addHash(outHi, outLo);
  }

  /** Adds one element whose hash is (hi, lo). */
  addHash(hi: number, lo: number): this {
    const sumLo = this.hashLo + (lo >>> 0);
    const carry = sumLo >= TWO_POW_32 ? 1 : 0;
    this.hashLo = sumLo - carry * TWO_POW_32;
    this.hashHi = (this.hashHi + (hi >>> 0) + carry) >>> 0;
    this.count += 1;
    return this;
  }

  /** Adds every element of `other` (multiset union with multiplicities). */
  merge(other: Fingerprint): this {
    const sumLo = this.hashLo + other.hashLo;
    const carry = sumLo >= TWO_POW_32 ? 1 : 0;
    this.hashLo = sumLo - carry * TWO_POW_32;
    this.hashHi = (this.hashHi + other.hashHi + carry) >>> 0;
    this.count += other.count;
    return this;
  }

  get hashSum(): string {
    return hex32(this.hashHi) + hex32(this.hashLo);
  }

  toJSON(): FingerprintJson {
    return { count: this.count, hashSum: this.hashSum };
  }
}
