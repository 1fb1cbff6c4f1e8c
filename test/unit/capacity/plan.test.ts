import { describe, expect, it } from 'vitest';
import { assertBudget, assertPrecision, assertProbeable, estimatedProbeMs, parseSlo } from '../../../src/capacity/plan.js';
import { noiseFromWork, MIN_PRECISION } from '../../../src/capacity/noise.js';
import { earlyAbortGates, onTimeShareGate, probeOverrides, scopeToHold } from '../../../src/capacity/probe.js';
import { resolveScenario } from '../../../src/scenario/loader.js';
import { isStreamproofError } from '../../../src/base/errors.js';

function refusal(fn: () => unknown): { code: string; message: string; hint?: string } {
  try {
    fn();
  } catch (error) {
    if (isStreamproofError(error)) return { code: error.code, message: error.message, ...(error.hint ? { hint: error.hint } : {}) };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('refusals before the first probe', () => {
  it('a budget too small for one probe says how much would do', () => {
    const r = refusal(() => assertBudget(60_000, 90_000, 1));
    expect(r.code).toBe('SP_INVALID_ARGUMENT');
    expect(r.message).toMatch(/--budget 1m is too small for one probe: a probe of this scenario takes about 1m30s/);
    expect(r.hint).toMatch(/--budget 2m/);
    expect(refusal(() => assertBudget(150_000, 90_000, 2)).message).toMatch(/per instance count \(2 counts\)/);
    expect(() => assertBudget(90_000, 90_000, 1)).not.toThrow();
  });

  it('the stack warm-up counts in the budget, and the refusal says how to shorten it', () => {
    expect(() => assertBudget(150_000, 90_000, 1, 100_000)).toThrow();
    const r = refusal(() => assertBudget(150_000, 90_000, 1, 100_000));
    expect(r.message).toMatch(/too small for one probe after the stack warm-up \(about 1m40s\)/);
    expect(r.hint).toMatch(/--budget 4m/);
    expect(r.hint).toMatch(/--stack-warm-up/);
    expect(() => assertBudget(190_000, 90_000, 1, 100_000)).not.toThrow();
  });

  it('a precision finer than the measured noise names the figure and what would work', () => {
    const r = refusal(() => assertPrecision(0.05, 0.137, 'the method'));
    expect(r.message).toMatch(/--precision 5.0% is finer than this machine's measured noise 13.7%/);
    expect(r.hint).toMatch(/--precision 14% or coarser \(measured: the method\)/);
    expect(() => assertPrecision(0.15, 0.137, 'm')).not.toThrow();
  });

  it('a scenario with faults, or a gate a probe cannot evaluate, is refused', async () => {
    const { scenario } = await resolveScenario('smoke');
    expect(() => assertProbeable(scenario, ['p99(l3) < 5s'])).not.toThrow();
    const r = refusal(() => assertProbeable(scenario, ['lagRecoveryS < 30s']));
    expect(r.code).toBe('SP_INVALID_SCENARIO');
    expect(r.message).toMatch(/lag recovery is measured after a fault/);
    const withFault = { ...scenario, faults: [{ kind: 'broker-kill' }] } as unknown as typeof scenario;
    expect(refusal(() => assertProbeable(withFault, [])).message).toMatch(/injects 1 fault/);
  });

  it('a bad --slo is refused with the grammar error', () => {
    expect(parseSlo('p99(l3) < 5s')).toBe('p99(l3) < 5s');
    expect(refusal(() => parseSlo('p99(l3) < 5x')).message).toMatch(/--slo "p99\(l3\) < 5x"/);
  });

  it('the probe estimate adds setup, warm-up, hold, the last window close and verification', () => {
    const scenario = { processor: { windowMs: 5_000, outOfOrdernessMs: 1_000 } } as never;
    expect(estimatedProbeMs(scenario, 30_000, 5_000, 25_000)).toBe(15_000 + 5_000 + 30_000 + 11_000 + 5_000);
  });
});

describe('noise', () => {
  it('is the p10–p90 half-spread of the work per slice around its median, floored', () => {
    const n = noiseFromWork([100, 100, 100, 100, 100, 100, 100, 100, 100, 100]);
    expect(n.noise).toBe(0);
    expect(n.floor).toBe(MIN_PRECISION);
    const m = noiseFromWork([80, 90, 100, 100, 100, 100, 100, 110, 120, 120]);
    // p10 = 90, p90 = 120 (nearest rank on 10 values), median 100 → 30 / 200.
    expect(m.noise).toBeCloseTo(0.15, 10);
    expect(m.floor).toBeCloseTo(0.15, 10);
    expect(noiseFromWork([0, 0, 0]).noise).toBe(1);
  });
});

describe('probe shape', () => {
  it('early-abort gates: late events past what the hold allows, and SLO latencies at twice their bound', () => {
    expect(earlyAbortGates(0.99, ['p99(l3) < 5s', 'lost == 0'], 1_000, 30_000)).toEqual(['sentLate <= 300 abortOnFail', 'p99(l3_window) < 10000ms abortOnFail']);
    // With a 5 s settle ramp (250 → 1000 events/s): all 3125 of its events may be late, then 1 % of the other 25 000.
    expect(earlyAbortGates(0.99, [], 1_000, 30_000, 5)).toEqual(['sentLate <= 3375 abortOnFail']);
  });

  it('reads the on-time gate of the scenario', async () => {
    const { scenario } = await resolveScenario('smoke');
    expect(onTimeShareGate(scenario.thresholds)).toBe(0.99);
    expect(onTimeShareGate(['lost == 0'])).toBeNull();
  });

  it('a probe judges latency gates over its hold: scoped to it, the rest left alone', () => {
    expect(scopeToHold('p99(l1) < 1s')).toBe('p99(l1){phase: hold} < 1s');
    expect(scopeToHold('  max(l3_window)<=2s')).toBe('max(l3_window){phase: hold}<=2s');
    expect(scopeToHold({ threshold: 'p99(lag) < 500ms' })).toEqual({ threshold: 'p99(lag){phase: hold} < 500ms' });
    for (const unchanged of ['lost == 0', 'achievedRate >= 0.98 * target', 'p99(l1){phase: spike} < 1s', 'p99(l1) < 2s abortOnFail']) expect(scopeToHold(unchanged)).toBe(unchanged);
    expect(scopeToHold({ threshold: 'p99(l3) < 4s', abortOnFail: true })).toEqual({ threshold: 'p99(l3) < 4s', abortOnFail: true });
  });

  it('a probe is the scenario at one constant rate, validated like any scenario', async () => {
    const shape = { rate: 1234, holdMs: 20_000, settleMs: 5_000, warmUpMs: 3_000, drainTimeoutMs: 20_000, instances: 3, thresholds: ['lost == 0', 'sentLate <= 246 abortOnFail', 'p99(l1){phase: hold} < 1s'] };
    const { scenario } = await resolveScenario('smoke', probeOverrides(shape));
    expect(scenario.load).toEqual({
      phases: [
        { kind: 'ramp', name: 'settle', fromRateEventsPerS: 309, toRateEventsPerS: 1234, durationMs: 5_000 },
        { kind: 'constant', name: 'hold', rateEventsPerS: 1234, durationMs: 15_000 },
      ],
    });
    expect(scenario.run.warmUpMs).toBe(3_000);
    expect(scenario.processor.instances).toBe(3);
    expect(scenario.thresholds).toEqual(['lost == 0', 'sentLate <= 246 abortOnFail', 'p99(l1){phase: hold} < 1s']);
    // Without a settle phase, the hold is the whole time at the rate.
    expect((await resolveScenario('smoke', probeOverrides({ ...shape, settleMs: 0 }))).scenario.load).toEqual({ phases: [{ kind: 'constant', name: 'hold', rateEventsPerS: 1234, durationMs: 20_000 }] });
    // More instances than partitions is refused by the scenario's own validation.
    await expect(resolveScenario('smoke', probeOverrides({ ...shape, instances: 13 }))).rejects.toThrow(/instances|partitions/);
  });
});
