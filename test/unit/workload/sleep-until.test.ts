import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTimerSleepUntil } from '../../../src/workload/sleep-until.js';

// Fake Node timers and a pinned monotonic clock: no real time passes.
describe('createTimerSleepUntil', () => {
  const clock = { now: 100, monoMs: () => clock.now };
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
    clock.now = 100;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function track(promise: Promise<void>): { done: boolean } {
    const state = { done: false };
    void promise.then(() => (state.done = true));
    return state;
  }

  it('rounds the delay up so it never wakes early (2.3 ms → 3 ms timer)', async () => {
    const sleep = track(createTimerSleepUntil(clock)(102.3, new AbortController().signal));
    await vi.advanceTimersByTimeAsync(2);
    expect(sleep.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(sleep.done).toBe(true);
  });

  it('yields one event-loop turn (setImmediate) for a target in the past', async () => {
    const sleep = track(createTimerSleepUntil(clock)(50, new AbortController().signal));
    await Promise.resolve();
    expect(sleep.done).toBe(false);
    expect(vi.getTimerCount()).toBe(1);
    await vi.runOnlyPendingTimersAsync();
    expect(sleep.done).toBe(true);
  });

  it('resolves at once on abort and clears its timer', async () => {
    const controller = new AbortController();
    const sleep = track(createTimerSleepUntil(clock)(10_000, controller.signal));
    expect(vi.getTimerCount()).toBe(1);
    controller.abort();
    await Promise.resolve();
    expect(sleep.done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('resolves without a timer when already aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    const sleep = track(createTimerSleepUntil(clock)(10_000, controller.signal));
    await Promise.resolve();
    expect(sleep.done).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});
