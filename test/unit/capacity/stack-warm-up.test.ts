import { describe, expect, it } from 'vitest';
import { p99L1ByThird, stackWarmUpShape, summarizeStackWarmUp } from '../../../src/capacity/stack-warm-up.js';
import type { RunResult } from '../../../src/report/result-schema.js';

/** A warm-up result whose per-second p99 L1 over the hold is `p99s` (plus a warm-up second that is not counted). */
function result(p99s: (number | null)[], state: RunResult['state'] = 'completed'): RunResult {
  const row = (p99: number | null, phase: string) => ({ tEpochS: 0, targetEventsPerS: 100, achievedEventsPerS: 100, p99Ms: p99 === null ? {} : { l1_produce: p99 }, consumerLagEvents: 0, phase });
  return {
    state,
    ...(state === 'completed' ? {} : { reason: 'broker unreachable' }),
    rates: { targetEventsPerS: 100, achievedEventsPerS: 99 },
    counters: { onTimeShare: 0.995 },
    timeSeries: [row(5000, 'warm-up'), ...p99s.map((p) => row(p, 'hold'))],
  } as unknown as RunResult;
}

const META = { rate: 100, holdMs: 9000, instances: 1, startedAt: 't', durationMs: 30_000, resultDir: '/w' };

describe('stack warm-up', () => {
  it('is the start rate as a probe shape without any gate', () => {
    expect(stackWarmUpShape(800, 60_000, 10_000, 30_000, 2)).toEqual({ rate: 800, holdMs: 60_000, settleMs: 0, warmUpMs: 10_000, drainTimeoutMs: 30_000, instances: 2, thresholds: [] });
  });

  it('medians of the per-second p99 L1 by third of the hold, warm-up seconds and empty seconds left out', () => {
    expect(p99L1ByThird(result([900, 700, 800, 300, null, 200, 100, 120, 110]))).toEqual([800, 300, 110]);
    expect(p99L1ByThird(result([]))).toEqual([null, null, null]);
  });

  it('still warming when the last third is clearly faster than the middle one; settled otherwise', () => {
    const warming = summarizeStackWarmUp(result([900, 900, 900, 400, 400, 400, 200, 200, 200]), META);
    expect(warming.stillWarming).toBe(true);
    expect(warming.summary).toMatch(/900 → 400 → 200 ms: still getting faster at its end/);
    const settled = summarizeStackWarmUp(result([900, 900, 900, 220, 220, 220, 200, 200, 200]), META);
    expect(settled.stillWarming).toBe(false);
    expect(settled.summary).toMatch(/900 → 220 → 200 ms: settled$/);
    expect(settled).toMatchObject({ achievedEventsPerS: 99, onTimeShare: 0.995, resultDir: '/w' });
  });

  it('a warm-up that did not complete says so with its reason', () => {
    expect(summarizeStackWarmUp(result([100], 'failed'), META).summary).toBe('the stack warm-up did not complete (failed: broker unreachable)');
  });
});
