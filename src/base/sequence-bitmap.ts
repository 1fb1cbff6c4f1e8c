import { ERROR_CODES, StreamproofError } from './errors.js';

/**
 * Growable bitmap over non-negative integer sequence numbers: one bit per seq, Uint32Array words,
 * capacity doubling. Generators number their events 0, 1, 2, ..., so 10M events cost 1.25 MB
 * (≤ 2.5 MB with doubling slack): far under the verifier's 2 bytes/event budget, where a Set of
 * id strings would cost ~100 bytes/event.
 *
 * Invariant: `setCount` equals the number of 1 bits in `words`.
 */

/** Default largest trackable seq: 2^31 - 1 bits is a 256 MB bitmap, the most we accept. */
export const MAX_TRACKED_SEQ = 2 ** 31 - 1;

const INITIAL_WORDS = 32;

function popcount32(value: number): number {
  let v = value - ((value >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

export function isTrackableSeq(seq: number, maxSeq = MAX_TRACKED_SEQ): boolean {
  return Number.isInteger(seq) && seq >= 0 && seq <= maxSeq;
}

export class SequenceBitmap {
  private words: Uint32Array;
  private setCount = 0;
  private readonly maxSeq: number;

  constructor(options: { initialCapacity?: number; maxSeq?: number } = {}) {
    this.maxSeq = options.maxSeq ?? MAX_TRACKED_SEQ;
    const initialWords = Math.max(1, Math.ceil((options.initialCapacity ?? INITIAL_WORDS * 32) / 32));
    this.words = new Uint32Array(initialWords);
  }

  /** Number of seqs set. */
  get count(): number {
    return this.setCount;
  }

  /** Bytes held by the bitmap (for memory reports). */
  get byteLength(): number {
    return this.words.byteLength;
  }

  /** One past the highest seq set; 0 when empty. */
  get upperBound(): number {
    for (let w = this.words.length - 1; w >= 0; w -= 1) {
      const word = this.words[w] as number;
      if (word !== 0) return w * 32 + (32 - Math.clz32(word));
    }
    return 0;
  }

  private check(seq: number): void {
    if (!isTrackableSeq(seq, this.maxSeq)) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `sequence ${seq} is not an integer in [0, ${this.maxSeq}]`, {
        hint: 'event seqs count up from 0 per generator; check isTrackableSeq() before set() for untrusted input',
      });
    }
  }

  private grow(wordIndex: number): void {
    let length = this.words.length;
    while (length <= wordIndex) length *= 2;
    const grown = new Uint32Array(length);
    grown.set(this.words);
    this.words = grown;
  }

  /** Sets `seq`; true if it was not set before. */
  set(seq: number): boolean {
    this.check(seq);
    const w = seq >>> 5;
    if (w >= this.words.length) this.grow(w);
    const mask = 1 << (seq & 31);
    const word = this.words[w] as number;
    if ((word & mask) !== 0) return false;
    this.words[w] = word | mask;
    this.setCount += 1;
    return true;
  }

  has(seq: number): boolean {
    if (!isTrackableSeq(seq, this.maxSeq)) return false;
    const w = seq >>> 5;
    if (w >= this.words.length) return false;
    return ((this.words[w] as number) & (1 << (seq & 31))) !== 0;
  }

  /** Clears `seq`; true if it was set. */
  clear(seq: number): boolean {
    if (!this.has(seq)) return false;
    const w = seq >>> 5;
    this.words[w] = (this.words[w] as number) & ~(1 << (seq & 31));
    this.setCount -= 1;
    return true;
  }

  /** Number of seqs in [0, limitExclusive) that are not set. */
  countMissing(limitExclusive: number): number {
    return Math.max(0, limitExclusive) - this.countBelow(limitExclusive);
  }

  /** Number of set seqs in [0, limitExclusive). */
  countBelow(limitExclusive: number): number {
    if (limitExclusive <= 0) return 0;
    const fullWords = Math.min(this.words.length, Math.floor(limitExclusive / 32));
    let total = 0;
    for (let w = 0; w < fullWords; w += 1) total += popcount32(this.words[w] as number);
    const rest = limitExclusive - fullWords * 32;
    if (fullWords < this.words.length && rest > 0 && rest < 32) {
      total += popcount32((this.words[fullWords] as number) & ((1 << rest) - 1));
    }
    return total;
  }

  /** Unset seqs in [0, limitExclusive), ascending, at most `maxItems` of them. */
  *missing(limitExclusive: number, maxItems = Infinity): Generator<number> {
    let yielded = 0;
    for (let seq = 0; seq < limitExclusive && yielded < maxItems; seq += 1) {
      const w = seq >>> 5;
      const word = w < this.words.length ? (this.words[w] as number) : 0;
      if (word === 0xffffffff && (seq & 31) === 0 && seq + 32 <= limitExclusive) {
        seq += 31; // whole word present: skip it
        continue;
      }
      if ((word & (1 << (seq & 31))) === 0) {
        yielded += 1;
        yield seq;
      }
    }
  }

  /** Set seqs, ascending. */
  *values(): Generator<number> {
    for (let w = 0; w < this.words.length; w += 1) {
      let word = this.words[w] as number;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        yield w * 32 + bit;
        word &= word - 1;
      }
    }
  }

  clone(): SequenceBitmap {
    const copy = new SequenceBitmap({ initialCapacity: this.words.length * 32, maxSeq: this.maxSeq });
    copy.words.set(this.words);
    copy.setCount = this.setCount;
    return copy;
  }

  /** Number of seqs set here and not in `other`. */
  countNotIn(other: SequenceBitmap): number {
    let total = 0;
    for (let w = 0; w < this.words.length; w += 1) {
      const mine = this.words[w] as number;
      if (mine === 0) continue;
      const theirs = w < other.words.length ? (other.words[w] as number) : 0;
      total += popcount32(mine & ~theirs);
    }
    return total;
  }

  /** A new bitmap: seqs set here and not in `other`. */
  difference(other: SequenceBitmap): SequenceBitmap {
    return this.combine(other, (mine, theirs) => mine & ~theirs);
  }

  /** A new bitmap: seqs set here and in `other`. */
  intersection(other: SequenceBitmap): SequenceBitmap {
    return this.combine(other, (mine, theirs) => mine & theirs);
  }

  /** A new bitmap: seqs set here or in `other`. */
  union(other: SequenceBitmap): SequenceBitmap {
    const result = new SequenceBitmap({
      initialCapacity: Math.max(this.words.length, other.words.length) * 32,
      maxSeq: Math.max(this.maxSeq, other.maxSeq),
    });
    for (let w = 0; w < result.words.length; w += 1) {
      const word = ((this.words[w] ?? 0) | (other.words[w] ?? 0)) >>> 0;
      result.words[w] = word;
      result.setCount += popcount32(word);
    }
    return result;
  }

  private combine(other: SequenceBitmap, op: (mine: number, theirs: number) => number): SequenceBitmap {
    const result = new SequenceBitmap({ initialCapacity: this.words.length * 32, maxSeq: this.maxSeq });
    for (let w = 0; w < this.words.length; w += 1) {
      const word = op(this.words[w] as number, other.words[w] ?? 0) >>> 0;
      result.words[w] = word;
      result.setCount += popcount32(word);
    }
    return result;
  }
}
