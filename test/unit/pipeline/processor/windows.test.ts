import { describe, expect, it } from 'vitest';
import { assertWindowMs, windowEndMs, windowKey, windowStartMs } from '../../../../src/pipeline/processor/windows.js';

describe('tumbling windows', () => {
  it('assigns an event to the window containing it, start inclusive and end exclusive', () => {
    expect(windowStartMs(0, 60_000)).toBe(0);
    expect(windowStartMs(59_999, 60_000)).toBe(0);
    expect(windowStartMs(60_000, 60_000)).toBe(60_000);
    expect(windowStartMs(1_700_000_059_999, 60_000)).toBe(1_700_000_040_000);
    expect(windowStartMs(1_700_000_100_000, 60_000)).toBe(1_700_000_100_000);
    expect(windowEndMs(1_700_000_040_000, 60_000)).toBe(1_700_000_100_000);
  });

  it('floors negative times (before the epoch) and never returns -0', () => {
    expect(windowStartMs(-1, 60_000)).toBe(-60_000);
    expect(windowStartMs(-60_000, 60_000)).toBe(-60_000);
    expect(windowStartMs(-60_001, 60_000)).toBe(-120_000);
    expect(Object.is(windowStartMs(-0, 60_000), 0)).toBe(true);
    expect(Object.is(windowStartMs(0, 1000), 0)).toBe(true);
  });

  it('is exact near 2^53, where floor(t / w) would round', () => {
    const windowMs = 7;
    const t = 2 ** 53 - 2; // 9007199254740990 = 7 * 1286742750677284 + 2
    expect(windowStartMs(t, windowMs)).toBe(t - 2);
    expect((t - windowStartMs(t, windowMs)) % windowMs).toBe(2);
  });

  it('handles windows that are not a divisor of a minute', () => {
    expect(windowStartMs(1_000, 333)).toBe(999);
    expect(windowStartMs(998, 333)).toBe(666);
  });

  it('builds window keys, | inside the user id included', () => {
    expect(windowKey('user-1', 1_700_000_040_000)).toBe('user-1|1700000040000');
    expect(windowKey('a|b', -60_000)).toBe('a|b|-60000');
  });

  it('rejects window lengths that are not positive integers', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Infinity]) {
      expect(() => assertWindowMs(bad)).toThrowError(expect.objectContaining({ code: 'SP_INVALID_ARGUMENT' }));
    }
    expect(() => assertWindowMs(60_000)).not.toThrow();
  });
});
