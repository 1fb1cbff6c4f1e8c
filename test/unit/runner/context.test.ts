import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/base/clock.js';
import { RunContext } from '../../../src/runner/context.js';
import { validateScenario } from '../../../src/scenario/validate.js';

const { scenario } = validateScenario({ name: 'ctx', description: 'context', load: { phases: [{ kind: 'constant', rateEventsPerS: 10, durationMs: '1m' }] } });

function context(signal = new AbortController().signal) {
  const lines: string[] = [];
  return { ctx: new RunContext({ scenario, clock: new FakeClock(1_800_000_000_000), signal, log: (l) => lines.push(l) }), lines };
}

describe('RunContext', () => {
  it('runs cleanups newest first, records a failing one and still runs the rest', async () => {
    const { ctx } = context();
    const order: string[] = [];
    ctx.onCleanup('stack', async () => order.push('stack'));
    ctx.onCleanup('processors', async () => {
      order.push('processors');
      throw new Error('kill failed');
    });
    ctx.onCleanup('observers', async () => order.push('observers'));
    await ctx.close();
    expect(order).toEqual(['observers', 'processors', 'stack']);
    expect(ctx.errors).toEqual([{ code: 'SP_CLEANUP_FAILED', message: 'cleanup of processors failed: kill failed' }]);
    await ctx.close(); // each cleanup runs once
    expect(order).toHaveLength(3);
    expect(ctx.timeline.events().filter((e) => e.kind === 'teardown')).toHaveLength(2);
  });

  it('aborts its signal for a gate, once, and says so on the timeline', () => {
    const { ctx } = context();
    const outcome = { expression: 'p99(l1) < 1ms', pass: false, actual: 9, threshold: 1, unit: 'ms', abortOnFail: true, message: 'FAIL' };
    expect(ctx.aborted).toBeNull();
    ctx.abortForGate(outcome);
    ctx.abortForGate({ ...outcome, expression: 'other' });
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.aborted).toEqual({ kind: 'gate', outcome });
    expect(ctx.timeline.events().filter((e) => e.kind === 'abort').map((e) => e.label)).toEqual(['abortOnFail gate failed: p99(l1) < 1ms']);
  });

  it('follows the user’s signal: Ctrl-C is an interruption, whatever came after', () => {
    const user = new AbortController();
    const { ctx } = context(user.signal);
    user.abort();
    expect(ctx.signal.aborted).toBe(true);
    expect(ctx.aborted).toEqual({ kind: 'interrupted' });
  });

  it('refuses to hand out what a step has not set up yet', () => {
    const { ctx } = context();
    expect(() => ctx.endpoints).toThrow(/not known yet/);
    expect(ctx.endpointsIfKnown).toBeNull();
    expect(ctx.runId).toMatch(/-ctx-[0-9a-f]{4}$/);
    expect(ctx.shortId).toMatch(/^sp[0-9a-z]+$/);
  });
});

describe('RunContext warm-up', () => {
  it('starts at the scenario’s, only ever lengthens, and logs why', () => {
    const { ctx, lines } = context();
    expect(ctx.warmUpMs).toBe(scenario.run.warmUpMs);
    ctx.extendWarmUp(20_000, 'the stack is cold');
    ctx.extendWarmUp(1_000, 'shorter: ignored');
    expect(ctx.warmUpMs).toBe(20_000);
    expect(lines).toEqual([`warm-up 20 s instead of ${scenario.run.warmUpMs / 1000} s: the stack is cold`]);
  });
});
