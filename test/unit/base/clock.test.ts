import { describe, expect, it } from 'vitest';
import { StreamproofError } from '../../../src/base/errors.js';
import { FakeClock, createSystemClock, systemClock } from '../../../src/base/clock.js';

describe('FakeClock', () => {
  it('moves only when told, mono and epoch together', () => {
    const clock = new FakeClock(1_700_000_000_000, 10);
    expect([clock.monoMs(), clock.epochMs()]).toEqual([10, 1_700_000_000_000]);
    clock.advance(2.5);
    expect([clock.monoMs(), clock.epochMs()]).toEqual([12.5, 1_700_000_000_002.5]);
  });

  it('skews the wall clock without touching the monotonic one', () => {
    const clock = new FakeClock(1_000, 0);
    clock.skewEpoch(-500);
    expect([clock.monoMs(), clock.epochMs()]).toEqual([0, 500]);
  });

  it('refuses to go backwards', () => {
    expect(() => new FakeClock().advance(-1)).toThrow(StreamproofError);
    expect(() => new FakeClock().advance(Number.NaN)).toThrow(StreamproofError);
  });
});

describe('system clock', () => {
  it('is one instance per process', () => {
    expect(systemClock()).toBe(systemClock());
  });

  it('never goes backwards, and its epoch is anchored to the wall clock', () => {
    const clock = createSystemClock();
    let previousMono = clock.monoMs();
    let previousEpoch = clock.epochMs();
    for (let i = 0; i < 1000; i++) {
      const mono = clock.monoMs();
      const epoch = clock.epochMs();
      expect(mono).toBeGreaterThanOrEqual(previousMono);
      expect(epoch).toBeGreaterThanOrEqual(previousEpoch);
      previousMono = mono;
      previousEpoch = epoch;
    }
    // Not a speed assertion: only that epochMs() is an epoch (same day as Date.now()).
    expect(Math.abs(clock.epochMs() - Date.now())).toBeLessThan(60_000);
  });
});
