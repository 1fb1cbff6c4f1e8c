import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/base/clock.js';
import { Timeline } from '../../../src/base/timeline.js';
import { startFaultSchedule } from '../../../src/runner/fault-scheduler.js';
import type { PlannedFault } from '../../../src/scenario/fault-plan.js';

function planned(target: string, startMs: number, endMs: number): PlannedFault {
  return { source: 0, occurrence: 0, kind: 'broker-pause', target, startMs, endMs, spec: { kind: 'broker-pause', atMs: startMs, durationMs: endMs - startMs, broker: 1 }, label: `broker-pause ${target}` };
}

/** A scheduler on a fake clock: wait() moves the clock unless the signal fires first. */
function harness(plan: PlannedFault[], options: { failHeal?: boolean; failInject?: boolean } = {}) {
  const clock = new FakeClock(1_000_000);
  const events: string[] = [];
  const errors: string[] = [];
  const user = new AbortController();
  let wake: (() => void) | null = null;
  const wait = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted || ms <= 0) return resolve();
      const done = () => {
        wake = null;
        resolve();
      };
      signal.addEventListener('abort', done, { once: true });
      // Time passes in the next tick unless the test aborts first (a Ctrl-C mid-fault).
      wake = () => {
        clock.advance(ms);
        done();
      };
    });
  const timeline = new Timeline(() => clock.epochMs());
  const schedule = startFaultSchedule({
    plan,
    loadStartEpochMs: clock.epochMs(),
    clock,
    signal: user.signal,
    timeline,
    wait,
    inject: async (fault) => {
      if (options.failInject) throw new Error('no such broker');
      events.push(`inject ${fault.target} @${clock.epochMs() - 1_000_000}`);
      return {
        heal: async () => {
          if (options.failHeal) throw new Error('SIGCONT refused');
          events.push(`heal ${fault.target} @${clock.epochMs() - 1_000_000}`);
        },
      };
    },
    atRisk: () => ({ inFlightEvents: 3, consumerLagEvents: 40 }),
    log: () => undefined,
    onError: (e) => errors.push(`${e.code}: ${e.message}`),
  });
  const tick = async () => {
    for (let i = 0; i < 20; i += 1) {
      await new Promise((r) => setImmediate(r));
      (wake as (() => void) | null)?.();
    }
  };
  return { schedule, events, errors, user, timeline, tick };
}

describe('the fault scheduler', () => {
  it('injects at the planned time and heals after the duration, one target after the other', async () => {
    const h = harness([planned('broker-1', 5_000, 8_000), planned('broker-1', 10_000, 12_000)]);
    await h.tick();
    await h.schedule.settled();
    expect(h.events).toEqual(['inject broker-1 @5000', 'heal broker-1 @8000', 'inject broker-1 @10000', 'heal broker-1 @12000']);
    expect(h.schedule.records.map((r) => [r.injectedAtEpochMs! - 1_000_000, r.healedAtEpochMs! - 1_000_000, r.atRisk?.consumerLagEvents])).toEqual([
      [5_000, 8_000, 40],
      [10_000, 12_000, 40],
    ]);
    expect(h.timeline.events().filter((e) => e.kind === 'fault').map((e) => [e.label, e.endEpochMs! - e.startEpochMs])).toEqual([
      ['broker-pause broker-1', 3_000],
      ['broker-pause broker-1', 2_000],
    ]);
    expect(h.schedule.failure()).toBeNull();
  });

  it('heals an active fault at once when the run is interrupted, and skips the ones to come', async () => {
    const h = harness([planned('broker-1', 0, 60_000), planned('broker-2', 90_000, 95_000)]);
    // Let the first strike (its wait is 0) but not its 60 s pass: Ctrl-C while the broker is paused.
    for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
    expect(h.events).toEqual(['inject broker-1 @0']);
    h.user.abort();
    await h.schedule.settled();
    expect(h.events).toEqual(['inject broker-1 @0', 'heal broker-1 @0']);
    expect(h.schedule.records[1]!.injectedAtEpochMs).toBeNull();
  });

  it('stop() heals whatever is active (the run ended by an error elsewhere)', async () => {
    const h = harness([planned('delivery', 0, 60_000)]);
    for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
    await h.schedule.stop();
    expect(h.events).toEqual(['inject delivery @0', 'heal delivery @0']);
  });

  it('reports a fault that could not be healed loudly, and fails the run', async () => {
    const h = harness([planned('broker-3', 0, 1_000)], { failHeal: true });
    await h.tick();
    await h.schedule.settled();
    expect(h.errors).toEqual(['SP_FAULT_NOT_HEALED: broker-pause broker-3: healing failed, broker-3 may still be broken: SIGCONT refused']);
    expect(h.schedule.records[0]!.healedAtEpochMs).toBeNull();
    expect(h.schedule.failure()?.message).toContain('healing failed');
  });

  it('reports a fault that could not be injected, and fails the run', async () => {
    const h = harness([planned('broker-3', 0, 1_000)], { failInject: true });
    await h.tick();
    await h.schedule.settled();
    expect(h.errors).toEqual(['SP_FAULT_NOT_INJECTED: broker-pause broker-3: injecting failed: no such broker']);
    expect(h.schedule.records[0]!.injectedAtEpochMs).toBeNull();
    expect(h.schedule.failure()).not.toBeNull();
  });
});
