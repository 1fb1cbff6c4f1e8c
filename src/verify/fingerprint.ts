import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { FingerprintJson } from '../contract/fingerprint.js';
import { EVENT_ID_SEPARATOR } from '../contract/identity.js';

/**
 * The verifier's implementation of the window fingerprint (src/contract/fingerprint.ts,
 * docs/contract.md "Fingerprint"): `count` and `hashSum`, the sum mod 2^64 of
 * h(id) = fmix64(fnv1a64(utf8(id))) over a multiset of event ids. Adding is commutative and
 * associative, so the processor (which sees events in arrival order, across batches and
 * restarts) and the verifier (which recomputes from raw-events) get the same value for the same
 * multiset. Two different multisets collide with probability ~2^-64 per comparison.
 *
 * Written independently of the processor's implementation (which works in two 32-bit lanes with
 * Math.imul): here a 64-bit value is four 16-bit limbs, multiplied schoolbook-style in exact
 * double arithmetic (every partial sum stays below 2^53). The contract's test vectors hold both
 * to the same values. The sum itself is kept in two unsigned 32-bit halves.
 */

export type { FingerprintJson };

const TWO_POW_32 = 4294967296;
const HEX_16 = /^[0-9a-f]{16}$/;

/** A 64-bit value as two unsigned 32-bit halves. */
export interface Hash64 {
  hi: number;
  lo: number;
}

/** 64-bit constants as 16-bit limbs, least significant first. */
type Limbs = [number, number, number, number];
const FNV_OFFSET: Limbs = [0x2325, 0x8422, 0x9ce4, 0xcbf2]; // 0xcbf29ce484222325
const FMIX_C1: Limbs = [0x8ccd, 0xed55, 0xafd7, 0xff51]; // 0xff51afd7ed558ccd
const FMIX_C2: Limbs = [0xec53, 0x1a85, 0xb9fe, 0xc4ce]; // 0xc4ceb9fe1a85ec53
const LIMB = 65536;

// The hash state; module scope so that the hot path allocates nothing.
const k: Limbs = [0, 0, 0, 0];

/**
 * k = k · c mod 2^64. Each r_i sums at most four products < 2^32 plus a carry, so it is an exact
 * integer below 2^35; `& 0xffff` takes its low limb (ToInt32 is modular) and the rest carries.
 */
function multiply(c: Limbs): void {
  const k0 = k[0];
  const k1 = k[1];
  const k2 = k[2];
  const k3 = k[3];
  const r0 = k0 * c[0];
  const l0 = r0 & 0xffff;
  const r1 = k0 * c[1] + k1 * c[0] + (r0 - l0) / LIMB;
  const l1 = r1 & 0xffff;
  const r2 = k0 * c[2] + k1 * c[1] + k2 * c[0] + (r1 - l1) / LIMB;
  const l2 = r2 & 0xffff;
  const r3 = k0 * c[3] + k1 * c[2] + k2 * c[1] + k3 * c[0] + (r2 - l2) / LIMB;
  k[0] = l0;
  k[1] = l1;
  k[2] = l2;
  k[3] = r3 & 0xffff;
}

/** k ^= k >>> 33: bits 33..63 land on bits 0..30, i.e. limbs 2..3 shifted right by one bit. */
function xorShift33(): void {
  k[0] ^= (k[2] >>> 1) | ((k[3] & 1) << 15);
  k[1] ^= k[3] >>> 1;
}

const encoder = new TextEncoder();

/** One FNV-1a-64 byte step over the state (k0..k3) in `state`. */
function fnvStep(state: Limbs, byte: number): void {
  const k0 = state[0] ^ byte;
  const r0 = k0 * 0x1b3;
  const r1 = state[1] * 0x1b3 + (r0 >>> 16);
  const r2 = k0 * 0x100 + state[2] * 0x1b3 + (r1 >>> 16);
  const r3 = state[1] * 0x100 + state[3] * 0x1b3 + (r2 >>> 16);
  state[0] = r0 & 0xffff;
  state[1] = r1 & 0xffff;
  state[2] = r2 & 0xffff;
  state[3] = r3 & 0xffff;
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) >= 0x80) return false;
  return true;
}

/**
 * FNV-1a-64 of `text`'s UTF-8 bytes into k, continuing from `from` (the offset basis for a whole
 * id). The prime 2^40 + 0x1b3 has limbs (0x1b3, 0, 0x100, 0), so every partial sum stays below
 * 2^28 and a step can use 32-bit operations.
 */
function fnv1a64(text: string, from: Limbs = FNV_OFFSET): void {
  k[0] = from[0];
  k[1] = from[1];
  k[2] = from[2];
  k[3] = from[3];
  if (isAscii(text)) {
    for (let i = 0; i < text.length; i += 1) fnvStep(k, text.charCodeAt(i));
    return;
  }
  for (const byte of encoder.encode(text)) fnvStep(k, byte);
}

/**
 * FNV is a left fold over the bytes, so the state after `generatorId:` is the same for every
 * event of a generator: kept once per generator, each id then costs only its seq's digits.
 * A run has a handful of generators (warm-up, main load), so the cache stays tiny.
 */
const prefixStates = new Map<string, Limbs>();
const MAX_PREFIXES = 1_024;

function prefixState(generatorId: string): Limbs {
  let state = prefixStates.get(generatorId);
  if (state === undefined) {
    fnv1a64(`${generatorId}${EVENT_ID_SEPARATOR}`);
    state = [k[0], k[1], k[2], k[3]];
    if (prefixStates.size >= MAX_PREFIXES) prefixStates.clear();
    prefixStates.set(generatorId, state);
  }
  return state;
}

/** fmix64 of k, in place. */
function finish(): void {
  xorShift33();
  multiply(FMIX_C1);
  xorShift33();
  multiply(FMIX_C2);
  xorShift33();
}

/** h(id) = fmix64(fnv1a64(utf8(id))) into k. */
function hashInto(id: string): void {
  fnv1a64(id);
  finish();
}

function hashHi(): number {
  return k[3] * LIMB + k[2];
}

function hashLo(): number {
  return k[1] * LIMB + k[0];
}

/** The 64-bit hash of an event id (or of any text: result-ledger.ts hashes whole result values). */
export function hashEventId(id: string): Hash64 {
  hashInto(id);
  return { hi: hashHi(), lo: hashLo() };
}

/** The 64-bit hash of an event id as 16 lowercase hex digits. */
export function hashEventIdHex(id: string): string {
  hashInto(id);
  return hex32(hashHi()) + hex32(hashLo());
}

function hex32(value: number): string {
  return value.toString(16).padStart(8, '0');
}

function invalidFingerprint(message: string): StreamproofError {
  return new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, message, {
    hint: 'a fingerprint is { count: non-negative integer, hashSum: 16 lowercase hex digits }; was the record written by this processor version?',
  });
}

/**
 * Mutable fingerprint accumulator. `count` may go negative only as the result of `minus`, which
 * exists to describe a difference (expected vs actual); serialized fingerprints are never negative.
 */
export class Fingerprint {
  count: number;
  hashHi: number;
  hashLo: number;

  constructor(count = 0, hashHi = 0, hashLo = 0) {
    this.count = count;
    this.hashHi = hashHi >>> 0;
    this.hashLo = hashLo >>> 0;
  }

  static of(ids: Iterable<string>): Fingerprint {
    const fingerprint = new Fingerprint();
    for (const id of ids) fingerprint.addEventId(id);
    return fingerprint;
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
    return this.addHash(hashHi(), hashLo());
  }

  /** Adds the event `generatorId:seq` (the same hash as addEventId of that id, faster). */
  addEvent(generatorId: string, seq: number): this {
    fnv1a64(String(seq), prefixState(generatorId));
    finish();
    return this.addHash(hashHi(), hashLo());
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

  /** A new fingerprint `this − other`: what `this` has beyond `other` (count may be negative). */
  minus(other: Fingerprint): Fingerprint {
    let lo = this.hashLo - other.hashLo;
    const borrow = lo < 0 ? 1 : 0;
    lo += borrow * TWO_POW_32;
    const hi = (this.hashHi - other.hashHi - borrow) >>> 0;
    return new Fingerprint(this.count - other.count, hi, lo);
  }

  equals(other: Fingerprint): boolean {
    return this.count === other.count && this.hashHi === other.hashHi && this.hashLo === other.hashLo;
  }

  isEmpty(): boolean {
    return this.count === 0 && this.hashHi === 0 && this.hashLo === 0;
  }

  clone(): Fingerprint {
    return new Fingerprint(this.count, this.hashHi, this.hashLo);
  }

  get hashSum(): string {
    return hex32(this.hashHi) + hex32(this.hashLo);
  }

  toJSON(): FingerprintJson {
    return { count: this.count, hashSum: this.hashSum };
  }

  toString(): string {
    return `${this.count}/${this.hashSum}`;
  }
}
