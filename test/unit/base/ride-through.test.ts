import { describe, expect, it } from 'vitest';
import { FailureClock, rideThrough, rideThroughDelayMs } from '../../../src/base/ride-through.js';

const policy = { budgetMs: 10_000, baseDelayMs: 200, maxDelayMs: 2_000 };

describe('rideThroughDelayMs', () => {
  it('doubles from the base delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((r) => rideThroughDelayMs(r, 0, policy))).toEqual([200, 400, 800, 1600, 2000, 2000]);
  });

  it('never sleeps past the budget and stops once it is spent', () => {
    expect(rideThroughDelayMs(6, 9_500, policy)).toBe(500);
    expect(rideThroughDelayMs(1, 10_000, policy)).toBeNull();
    expect(rideThroughDelayMs(1, 12_000, policy)).toBeNull();
  });
});

function fakeTime() {
  let now = 0;
  return { nowMs: () => now, sleep: async (ms: number) => void (now += ms), advance: (ms: number) => void (now += ms) };
}

describe('rideThrough', () => {
  it('retries transient failures until the operation succeeds', async () => {
    const time = fakeTime();
    let calls = 0;
    const cleared: number[] = [];
    const value = await rideThrough(async () => {
      calls += 1;
      if (calls < 4) throw new Error('transient');
      return 'ok';
    }, { policy, isTransient: () => true, onGiveUp: () => new Error('gave up'), beforeRetry: (_e, retry) => void cleared.push(retry), ...time });
    expect(value).toBe('ok');
    expect(calls).toBe(4);
    expect(cleared).toEqual([1, 2, 3]);
  });

  it('gives up by time, not by count, with the error onGiveUp builds', async () => {
    const time = fakeTime();
    let calls = 0;
    const failure = await rideThrough(async () => {
      calls += 1;
      time.advance(1_000); // each attempt takes a second (a hung broker)
      throw new Error('still down');
    }, { policy, isTransient: () => true, onGiveUp: (last, forMs, attempts) => new Error(`${(last as Error).message} for ${forMs} ms after ${attempts}`), ...time }).catch((e: Error) => e);
    expect(failure).toBeInstanceOf(Error);
    expect((failure as Error).message).toMatch(/^still down for \d+ ms after \d+$/);
    const forMs = Number(/for (\d+) ms/.exec((failure as Error).message)?.[1]);
    expect(forMs).toBeGreaterThanOrEqual(policy.budgetMs);
    expect(calls).toBeLessThan(20); // backoff, not a busy loop
  });

  it('throws a failure that is not transient at once', async () => {
    let calls = 0;
    const error = new Error('fenced');
    await expect(rideThrough(async () => {
      calls += 1;
      throw error;
    }, { policy, isTransient: () => false, onGiveUp: () => new Error('gave up'), ...fakeTime() })).rejects.toBe(error);
    expect(calls).toBe(1);
  });
});

describe('FailureClock', () => {
  it('counts failing time from the first failure and starts over on success', () => {
    const time = fakeTime();
    const clock = new FailureClock(5_000, time.nowMs);
    expect(clock.fail()).toBe(false);
    time.advance(4_000);
    expect(clock.fail()).toBe(false);
    time.advance(2_000);
    expect(clock.fail()).toBe(true);
    clock.ok();
    expect(clock.failingForMs()).toBe(0);
    expect(clock.fail()).toBe(false);
  });
});
