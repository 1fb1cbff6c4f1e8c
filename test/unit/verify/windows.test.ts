import { describe, expect, it } from 'vitest';
import { assertWindowLength, eventWindowKey, splitWindowKey, windowKeyOf, windowStartOf } from '../../../src/verify/windows.js';

/** Reference: the largest multiple of w ≤ t, in BigInt (exact by construction). */
function referenceStart(t: number, w: number): number {
  const bt = BigInt(t);
  const bw = BigInt(w);
  const r = ((bt % bw) + bw) % bw;
  return Number(bt - r);
}

describe('verifier window assignment (docs/contract.md "Windows")', () => {
  it('assigns [start, start + w), epoch-aligned, start inclusive and end exclusive', () => {
    expect(windowStartOf(0, 60_000)).toBe(0);
    expect(windowStartOf(59_999, 60_000)).toBe(0);
    expect(windowStartOf(60_000, 60_000)).toBe(60_000);
    expect(windowStartOf(1_700_000_059_999, 60_000)).toBe(1_700_000_040_000);
    expect(windowStartOf(1_000, 333)).toBe(999);
  });

  it('floors negative times and never returns -0', () => {
    expect(windowStartOf(-1, 60_000)).toBe(-60_000);
    expect(windowStartOf(-60_000, 60_000)).toBe(-60_000);
    expect(windowStartOf(-60_001, 60_000)).toBe(-120_000);
    expect(Object.is(windowStartOf(-0, 60_000), 0)).toBe(true);
    expect(Object.is(windowStartOf(-5, 10) + 10, 5)).toBe(false);
  });

  it('agrees with an exact BigInt reference, near ±2^53 too', () => {
    const times = [2 ** 53 - 1, 2 ** 53 - 2, -(2 ** 53) + 1, 1_700_000_000_123, -1_700_000_000_123];
    for (let i = 0; i < 2_000; i += 1) times.push(Math.round((Math.sin(i) * 2 ** 53) / (1 + (i % 5))));
    for (const w of [1, 7, 333, 60_000, 2 ** 40 + 3, 2 ** 53 - 2]) {
      for (const t of times) expect(windowStartOf(t, w), `${t} / ${w}`).toBe(referenceStart(t, w) + 0);
    }
  });

  it('builds and splits keys at the last |', () => {
    expect(windowKeyOf('user-1', 1_700_000_040_000)).toBe('user-1|1700000040000');
    expect(eventWindowKey('a|b', -1, 60_000)).toBe('a|b|-60000');
    expect(splitWindowKey('a|b|-60000')).toEqual({ userId: 'a|b', windowStartMs: -60_000 });
    for (const bad of ['nokey', '|123', 'u|', 'u|12x', 'u|1.5', 'u|01', 'u|-0x1']) expect(splitWindowKey(bad), bad).toBeNull();
  });

  it('rejects window lengths that are not positive integers', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => assertWindowLength(bad)).toThrowError(expect.objectContaining({ code: 'SP_INVALID_ARGUMENT' }));
    }
  });
});
