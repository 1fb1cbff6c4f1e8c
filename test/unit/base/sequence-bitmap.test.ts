import { describe, expect, it } from 'vitest';
import { SequenceBitmap, isTrackableSeq } from '../../../src/base/sequence-bitmap.js';

describe('SequenceBitmap', () => {
  it('sets, tests and clears seqs, counting each once', () => {
    const bitmap = new SequenceBitmap();
    expect(bitmap.set(0)).toBe(true);
    expect(bitmap.set(31)).toBe(true);
    expect(bitmap.set(32)).toBe(true);
    expect(bitmap.set(31)).toBe(false);
    expect(bitmap.count).toBe(3);
    expect([0, 1, 31, 32, 33].map((seq) => bitmap.has(seq))).toEqual([true, false, true, true, false]);
    expect(bitmap.clear(31)).toBe(true);
    expect(bitmap.clear(31)).toBe(false);
    expect(bitmap.clear(1_000_000)).toBe(false);
    expect(bitmap.count).toBe(2);
    expect(bitmap.has(-1)).toBe(false);
    expect(bitmap.has(1.5)).toBe(false);
  });

  it('grows by doubling and keeps earlier bits', () => {
    const bitmap = new SequenceBitmap({ initialCapacity: 64 });
    expect(bitmap.byteLength).toBe(8);
    bitmap.set(5);
    bitmap.set(64); // word 2: 2 words → 4
    expect(bitmap.byteLength).toBe(16);
    bitmap.set(1000); // word 31: 4 → 32 words
    expect(bitmap.byteLength).toBe(128);
    expect([...bitmap.values()]).toEqual([5, 64, 1000]);
    expect(bitmap.upperBound).toBe(1001);
  });

  it('stays under 2 bytes per seq for 10M sequential seqs', () => {
    const bitmap = new SequenceBitmap();
    const total = 10_000_000;
    for (let seq = 0; seq < total; seq += 1) bitmap.set(seq);
    expect(bitmap.count).toBe(total);
    expect(bitmap.byteLength / total).toBeLessThanOrEqual(0.25); // ≤ 2 bits with doubling slack
    expect(bitmap.countMissing(total)).toBe(0);
    expect(bitmap.upperBound).toBe(total);
  });

  it('rejects seqs it cannot hold, with a hint', () => {
    const bitmap = new SequenceBitmap({ maxSeq: 100 });
    for (const bad of [-1, 0.5, 101, Number.NaN]) {
      expect(() => bitmap.set(bad)).toThrowError(expect.objectContaining({ code: 'SP_INVALID_ARGUMENT' }));
    }
    expect(isTrackableSeq(2 ** 31 - 1)).toBe(true);
    expect(isTrackableSeq(2 ** 31)).toBe(false);
  });

  it('counts and lists missing seqs up to a limit', () => {
    const bitmap = new SequenceBitmap();
    for (let seq = 0; seq < 100; seq += 1) if (seq !== 3 && seq !== 64 && seq !== 99) bitmap.set(seq);
    expect(bitmap.countMissing(100)).toBe(3);
    expect(bitmap.countMissing(102)).toBe(5);
    expect(bitmap.countBelow(64)).toBe(63);
    expect(bitmap.countMissing(0)).toBe(0);
    expect([...bitmap.missing(100)]).toEqual([3, 64, 99]);
    expect([...bitmap.missing(200, 4)]).toEqual([3, 64, 99, 100]);
    expect([...bitmap.missing(64)]).toEqual([3]);
  });

  it('computes difference, intersection and union with counts', () => {
    const a = new SequenceBitmap();
    const b = new SequenceBitmap();
    [1, 2, 3, 100, 5000].forEach((seq) => a.set(seq));
    [2, 3, 4, 70_000].forEach((seq) => b.set(seq));
    expect([...a.difference(b).values()]).toEqual([1, 100, 5000]);
    expect(a.difference(b).count).toBe(3);
    expect(a.countNotIn(b)).toBe(3);
    expect(b.countNotIn(a)).toBe(2);
    expect([...a.intersection(b).values()]).toEqual([2, 3]);
    const union = a.union(b);
    expect([...union.values()]).toEqual([1, 2, 3, 4, 100, 5000, 70_000]);
    expect(union.count).toBe(7);
    const copy = a.clone();
    copy.set(6);
    expect(a.has(6)).toBe(false);
    expect(copy.count).toBe(6);
  });
});
