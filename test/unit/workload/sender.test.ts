import { describe, expect, it } from 'vitest';
import { StreamproofError } from '../../../src/base/errors.js';
import type { GeneratedRecord } from '../../../src/workload/generator.js';
import { createGenerator } from '../../../src/workload/generator.js';
import type { RecordSource, SourcedRecord } from '../../../src/workload/record-source.js';
import { constantSchedule, intendedOffsetsMs, type Schedule } from '../../../src/workload/schedule.js';
import { createSender, type EventPort, type LagWarning, type SendRecorder, type SenderOptions, type SleepUntil } from '../../../src/workload/sender.js';

const EPOCH_MS = 1_700_000_000_000;

/**
 * A simulated world: virtual monotonic time and a timer queue. run() lets all microtasks settle
 * (one real setImmediate), then jumps time to the earliest timer and fires it, until the promise
 * settles or nothing is left to fire. No real time passes, so every timing below is exact.
 */
class World {
  now = 0;
  private timers: { at: number; order: number; fire: () => void }[] = [];
  private order = 0;
  readonly sleeps: number[] = [];
  /** Extra virtual time every sleep oversleeps by (models a coarse timer). */
  oversleepMs = 0;

  readonly clock = { monoMs: () => this.now, epochMs: () => EPOCH_MS + this.now };

  readonly sleepUntil: SleepUntil = (monoMs, signal) =>
    new Promise<void>((resolve) => {
      this.sleeps.push(monoMs);
      if (signal.aborted) return resolve();
      const timer = this.at(Math.max(monoMs, this.now) + this.oversleepMs, resolve);
      signal.addEventListener('abort', () => {
        this.cancel(timer);
        resolve();
      });
    });

  at(time: number, fire: () => void): object {
    const timer = { at: time, order: (this.order += 1), fire };
    this.timers.push(timer);
    return timer;
  }

  cancel(timer: object): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }

  /** Runs until `promise` settles (returns true) or the world is idle with no timers (false). */
  async run(promise?: Promise<unknown>): Promise<boolean> {
    let settled = false;
    void promise?.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return true;
      if (this.timers.length === 0) return false;
      this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.timers.shift()!;
      this.now = Math.max(this.now, next.at);
      next.fire();
    }
  }
}

class Recorder implements SendRecorder {
  lags: number[] = [];
  ackLatencies: number[] = [];
  acked: number[] = [];
  failed: number[] = [];
  sent: SourcedRecord[] = [];
  recordScheduleLagMs(ms: number): void {
    this.lags.push(ms);
  }
  recordAckLatencyMs(ms: number): void {
    this.ackLatencies.push(ms);
  }
  ackedOnTime: number[] = [];
  sentOnTime: boolean[] = [];
  onAcked(_generatorId: string, seq: number, _key: string, sentOnTime: boolean): void {
    this.acked.push(seq);
    if (sentOnTime) this.ackedOnTime.push(seq);
  }
  onFailed(_generatorId: string, seq: number): void {
    this.failed.push(seq);
  }
  onSent(record: SourcedRecord, _intendedAtEpochMs: number, onTime: boolean): void {
    this.sent.push(record);
    this.sentOnTime.push(onTime);
  }
}

/** A stub generator: the JSON is just the intendedAt it was given, so tests can read it back. */
function stubGenerator(malformedEvery = 0) {
  let seq = 0;
  return {
    generatorId: 'g',
    next(intendedAtMs: number): GeneratedRecord {
      const mySeq = seq++;
      const json = String(intendedAtMs);
      if (malformedEvery > 0 && mySeq % malformedEvery === 0) {
        return { kind: 'malformed', generatorId: 'g', seq: mySeq, key: `k${mySeq}`, json, defect: 'unknown-type' };
      }
      return { kind: 'event', key: `k${mySeq}`, json, timing: 'on-time', event: { seq: mySeq } } as unknown as GeneratedRecord;
    },
  };
}

/** A port whose sends are logged with their virtual send time and acked `ackAfterMs` later (never if undefined). */
function port(world: World, ackAfterMs: number | undefined, fail: (seq: number) => boolean = () => false) {
  const calls: { atMs: number; key: string; value: string }[] = [];
  const p: EventPort = {
    send(key, value) {
      calls.push({ atMs: world.now, key, value });
      const seq = calls.length - 1;
      return new Promise<void>((resolve, reject) => {
        if (ackAfterMs === undefined) return;
        world.at(world.now + ackAfterMs, () => (fail(seq) ? reject(new Error(`nack ${seq}`)) : resolve()));
      });
    },
  };
  return { port: p, calls };
}

function setup(world: World, schedule: Schedule, eventPort: EventPort, extra: Partial<SenderOptions> = {}) {
  const recorder = new Recorder();
  const sender = createSender({
    schedule,
    generator: stubGenerator(),
    port: eventPort,
    clock: world.clock,
    sleepUntil: world.sleepUntil,
    recorder,
    maxInFlight: 1000,
    drainTimeoutMs: 1000,
    ...extra,
  });
  return { sender, recorder };
}

describe('open loop', () => {
  it('sends at the intended times even when nothing is ever acked, up to maxInFlight', async () => {
    const world = new World();
    const { port: p, calls } = port(world, undefined);
    const { sender, recorder } = setup(world, constantSchedule(1000, 20), p, { maxInFlight: 5 });
    const running = sender.run();
    expect(await world.run(running)).toBe(false); // blocked on a slot: idle, not finished
    expect(calls.map((c) => c.atMs)).toEqual([0, 1, 2, 3, 4]);
    expect(calls.map((c) => Number(c.value))).toEqual([0, 1, 2, 3, 4].map((i) => EPOCH_MS + i));
    expect(recorder.lags).toEqual([0, 0, 0, 0, 0]);
    sender.stop();
    expect(await world.run(running)).toBe(true);
    const summary = await running;
    // Event 5 fell due at t = 5 while the sender waited for a slot: due, never sent.
    expect(summary).toMatchObject({ state: 'stopped', scheduled: 6, sent: 5, acked: 0, failed: 0, unresolved: 5, inFlight: 5 });
    expect(world.now).toBe(5 + 1000); // waited exactly the drain timeout for acks that never came
  });

  it('does not wait for acks: a 10 ms port still gets one send per ms, and L1 = 10 ms', async () => {
    const world = new World();
    const { port: p, calls } = port(world, 10);
    const { sender, recorder } = setup(world, constantSchedule(1000, 20), p);
    const running = sender.run();
    expect(await world.run(running)).toBe(true);
    expect(calls.map((c) => c.atMs)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(recorder.lags.every((lag) => lag === 0)).toBe(true);
    expect(recorder.ackLatencies).toEqual(new Array(20).fill(10));
    expect(await running).toMatchObject({ state: 'completed', scheduled: 20, sent: 20, acked: 20, unresolved: 0, elapsedMs: 29 });
  });

  it('a full in-flight window shows up as schedule lag, and ack latency counts from the intended time', async () => {
    const world = new World();
    const { port: p, calls } = port(world, 10);
    const warnings: LagWarning[] = [];
    const { sender, recorder } = setup(world, constantSchedule(1000, 6), p, {
      maxInFlight: 2,
      lagWarningThresholdMs: 5,
      onLagWarning: (w) => warnings.push(w),
    });
    const running = sender.run();
    await world.run(running);
    expect(calls.map((c) => c.atMs)).toEqual([0, 1, 10, 11, 20, 21]);
    expect(recorder.lags).toEqual([0, 0, 8, 8, 16, 16]);
    expect(recorder.ackLatencies).toEqual([10, 10, 18, 18, 26, 26]);
    expect(warnings).toEqual([{ lagMs: 8, thresholdMs: 5, generatorId: 'g', seq: 2 }]); // once only
    expect(await running).toMatchObject({ state: 'completed', sent: 6, acked: 6, maxScheduleLagMs: 16, lagWarned: true });
  });
});

describe('on time and late (run.onTimeMs)', () => {
  it('an event is on time when its schedule lag is at most onTimeMs, late beyond; late ones are still sent, and on-time acks are counted per event', async () => {
    const world = new World();
    const { port: p } = port(world, 10, (seq) => seq === 1);
    // Window of 2, acks after 10 ms: lags 0, 0, 8, 8, 16, 16 (as above); 8 is the bound.
    const { sender, recorder } = setup(world, constantSchedule(1000, 6), p, { maxInFlight: 2, onTimeMs: 8 });
    const running = sender.run();
    await world.run(running);
    expect(recorder.lags).toEqual([0, 0, 8, 8, 16, 16]);
    expect(recorder.sentOnTime).toEqual([true, true, true, true, false, false]);
    expect(recorder.ackedOnTime).toEqual([0, 2, 3]); // seq 1 was on time but nacked; 4 and 5 were late
    expect(await running).toMatchObject({ state: 'completed', scheduled: 6, sent: 6, acked: 5, failed: 1, onTime: 4, sentLate: 2, onTimeAcked: 3 });
  });

  it('defaults to 100 ms and refuses a negative or non-finite bound', () => {
    const world = new World();
    const { port: p } = port(world, 1);
    expect(() => setup(world, constantSchedule(1000, 1), p, { onTimeMs: -1 })).toThrow(StreamproofError);
    expect(() => setup(world, constantSchedule(1000, 1), p, { onTimeMs: Number.NaN })).toThrow(/onTimeMs/);
  });

  it('a port throttled to half the target rate leaves most events late: the counters tell, where acked alone would not', async () => {
    const world = new World();
    const { port: p } = port(world, 20); // one at a time, 20 ms each: 50 ev/s against 100 ev/s
    const { sender } = setup(world, constantSchedule(100, 2_000), p, { maxInFlight: 1, drainTimeoutMs: 10_000 });
    const running = sender.run();
    await world.run(running);
    const summary = await running;
    // Everything was acked (in twice the time), but only the first events went out within 100 ms.
    expect(summary).toMatchObject({ state: 'completed', scheduled: 200, sent: 200, acked: 200, onTime: 11, sentLate: 189, onTimeAcked: 11 });
    expect(summary.maxScheduleLagMs).toBe(1_990);
  });
});

/** A source whose records become available in batches at set virtual times (a load worker that is slow or fast). */
function batchedSource(world: World, schedule: Schedule, readyAtMs: (index: number) => number): RecordSource {
  const offsets = [...intendedOffsetsMs(schedule)];
  let next = 0;
  return {
    generatorIds: ['w'],
    startLeadMs: 0,
    start() {},
    peekOffsetMs: () => (next >= offsets.length ? null : world.now >= readyAtMs(next) ? offsets[next] : undefined),
    take: (intendedAtEpochMs) => {
      const seq = next++;
      return { generatorId: 'w', seq, key: `k${seq}`, json: String(intendedAtEpochMs), malformed: false };
    },
    whenReady: (signal) =>
      new Promise<void>((resolve) => {
        if (signal.aborted) return resolve();
        world.at(readyAtMs(next), resolve);
      }),
    close: () => Promise.resolve(),
  };
}

describe('records from a source that builds ahead (load workers)', () => {
  it('events due before their record arrived are late awaiting the source; the rest of the lateness is the sending thread\'s', async () => {
    const world = new World();
    const { port: p } = port(world, 1);
    // 20 events at 1 per ms; the second 10 reach the sender only at t = 150 ms (onTimeMs 100).
    const schedule = constantSchedule(1000, 20);
    const { sender, recorder } = setup(world, schedule, p, { generator: undefined, source: batchedSource(world, schedule, (i) => (i < 10 ? 0 : 150)), onTimeMs: 100 });
    const running = sender.run();
    expect(await world.run(running)).toBe(true);
    const summary = await running;
    expect(summary).toMatchObject({ state: 'completed', sent: 20, acked: 20, onTime: 10, sentLate: 10, lateAwaitingSource: 10 });
    expect(recorder.lags.slice(10)).toEqual([140, 139, 138, 137, 136, 135, 134, 133, 132, 131]);
    expect(recorder.acked).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('a full in-flight window makes events late with the source ready: none counts as awaiting the source', async () => {
    const world = new World();
    const { port: p } = port(world, 300);
    const schedule = constantSchedule(1000, 20);
    const { sender } = setup(world, schedule, p, { generator: undefined, source: batchedSource(world, schedule, () => 0), maxInFlight: 5, onTimeMs: 100 });
    const running = sender.run();
    expect(await world.run(running)).toBe(true);
    const summary = await running;
    expect(summary.sentLate).toBeGreaterThan(0);
    expect(summary.lateAwaitingSource).toBe(0);
  });
});

describe('batching', () => {
  it('sends everything already due back to back, then sleeps once until the next due', async () => {
    const world = new World();
    world.oversleepMs = 5; // a coarse timer: every sleep wakes 5 ms late
    const { port: p, calls } = port(world, 0);
    const { sender, recorder } = setup(world, constantSchedule(1000, 20), p);
    await world.run(sender.run());
    // Four sleeps for 20 events; the last entry is the drain timeout for the final ack.
    expect(world.sleeps).toEqual([1, 7, 13, 19, 24 + 1000]);
    expect(calls.slice(0, 8).map((c) => c.atMs)).toEqual([0, 6, 6, 6, 6, 6, 6, 12]);
    expect(recorder.lags.slice(0, 8)).toEqual([0, 5, 4, 3, 2, 1, 0, 5]);
  });

  it('yields to the event loop every maxBatchEvents when far behind', async () => {
    const world = new World();
    const { port: p, calls } = port(world, 0);
    // The schedule started 100 ms ago: all 20 events are due at once.
    const { sender } = setup(world, constantSchedule(1000, 20), p, { startEpochMs: EPOCH_MS - 100, maxBatchEvents: 8 });
    await world.run(sender.run());
    expect(calls.length).toBe(20);
    // "Sleep until now" after 8 and after 16 sends; the last entry is the drain timeout.
    expect(world.sleeps).toEqual([0, 0, 1000]);
  });
});

describe('stop', () => {
  it('starts no new send after stop(), waits for in-flight acks, and counts what was due', async () => {
    const world = new World();
    const { port: p, calls } = port(world, 10);
    const { sender, recorder } = setup(world, constantSchedule(1000, 100), p);
    world.at(5.5, () => sender.stop());
    const running = sender.run();
    await world.run(running);
    expect(calls.map((c) => c.atMs)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(recorder.acked).toEqual([0, 1, 2, 3, 4, 5]);
    expect(await running).toMatchObject({ state: 'stopped', scheduled: 6, sent: 6, acked: 6, unresolved: 0, elapsedMs: 15 });
  });

  it('an aborted signal stops it like stop(); stop() after the last send still reports completed', async () => {
    const world = new World();
    const { port: p, calls } = port(world, 10);
    const controller = new AbortController();
    const { sender } = setup(world, constantSchedule(1000, 100), p, { signal: controller.signal });
    world.at(2.5, () => controller.abort());
    expect(await world.run(sender.run().then((s) => expect(s.state).toBe('stopped')))).toBe(true);
    expect(calls.length).toBe(3);

    const world2 = new World();
    const { port: p2 } = port(world2, 10);
    const { sender: sender2 } = setup(world2, constantSchedule(1000, 3), p2);
    world2.at(4, () => sender2.stop()); // all 3 sent by t=2; stopping while draining
    const running = sender2.run();
    await world2.run(running);
    expect(await running).toMatchObject({ state: 'completed', scheduled: 3, acked: 3 });
  });
});

describe('accounting', () => {
  it('counts failures (rejected or thrown) and malformed records, and reports each seq', async () => {
    const world = new World();
    const { port: p } = port(world, 1, (seq) => seq % 3 === 1);
    const throwing: EventPort = {
      send: (key, value) => {
        if (key === 'k4') throw new Error('sync failure');
        return p.send(key, value);
      },
    };
    const { sender, recorder } = setup(world, constantSchedule(1000, 9), throwing, { generator: stubGenerator(4) });
    const running = sender.run();
    await world.run(running);
    expect(recorder.failed.sort((a, b) => a - b)).toEqual([1, 4, 5, 8]);
    expect(await running).toMatchObject({ sent: 9, acked: 5, failed: 4, malformed: 3 });
  });

  it('stamps intendedAt = startEpochMs + t_i with a real generator, waiting for a future start', async () => {
    const world = new World();
    const { port: p, calls } = port(world, 0);
    const generator = createGenerator({ generatorId: 'real', seed: 3, users: 10 });
    const { sender, recorder } = setup(world, constantSchedule(500, 10), p, { generator, startEpochMs: EPOCH_MS + 1000 });
    await world.run(sender.run());
    expect(calls.map((c) => c.atMs)).toEqual([1000, 1002, 1004, 1006, 1008]);
    expect(calls.map((c) => (JSON.parse(c.value) as { intendedAt: number }).intendedAt)).toEqual([0, 2, 4, 6, 8].map((t) => EPOCH_MS + 1000 + t));
    expect(recorder.sent.map((r) => r.key)).toEqual(calls.map((c) => c.key));
  });

  it('runs once and validates its options', async () => {
    const world = new World();
    const { port: p } = port(world, 0);
    const { sender } = setup(world, constantSchedule(1000, 1), p);
    await world.run(sender.run());
    await expect(sender.run()).rejects.toThrow(StreamproofError);
    expect(() => setup(world, constantSchedule(1, 1), p, { maxInFlight: 0 })).toThrow(StreamproofError);
  });
});

describe('group sends (port.sendMany, the hot path)', () => {
  /** A port with sendMany only in use: logs each group with its virtual time, acks it `ackAfterMs` later, failing the seqs `fail` picks. */
  function groupPort(world: World, ackAfterMs: number, fail: (seq: number) => boolean = () => false) {
    const groups: { atMs: number; keys: string[] }[] = [];
    let seq = 0;
    const p: EventPort = {
      send: () => Promise.reject(new Error('send() must not be used when sendMany is there')),
      sendMany(records) {
        groups.push({ atMs: world.now, keys: records.map((r) => r.key) });
        const failed = records.flatMap((_, index) => (fail(seq + index) ? [{ index, error: new Error(`nack ${seq + index}`) }] : []));
        seq += records.length;
        return new Promise((resolve) => world.at(world.now + ackAfterMs, () => resolve({ failed })));
      },
    };
    return { port: p, groups };
  }

  it('hands the events due together to the port as one group and acks each with its own latency', async () => {
    const world = new World();
    world.oversleepMs = 1; // a coarse timer, as in real life: events fall due while the sender sleeps
    const { port: p, groups } = groupPort(world, 7);
    const { sender, recorder } = setup(world, constantSchedule(5000, 4), p);
    const running = sender.run();
    expect(await world.run(running)).toBe(true);
    const summary = await running;
    expect(summary).toMatchObject({ state: 'completed', sent: 20, acked: 20, failed: 0, inFlight: 0 });
    expect(groups.reduce((n, g) => n + g.keys.length, 0)).toBe(20);
    expect(groups.length).toBeLessThan(10);
    expect(recorder.acked).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // One ack time per group, but L1 is ack − intended per event: the earlier events of a group waited longer.
    const first = groups[1]!;
    const firstIndex = groups[0]!.keys.length;
    const latencies = recorder.ackLatencies.slice(firstIndex, firstIndex + first.keys.length);
    expect(latencies.length).toBeGreaterThan(1);
    for (let i = 1; i < latencies.length; i += 1) expect(latencies[i]!).toBeLessThan(latencies[i - 1]!);
    expect(Math.min(...latencies)).toBeGreaterThanOrEqual(7 - 1e-9);
  });

  it('reports the failed events of a group by index, the rest as acked', async () => {
    const world = new World();
    const { port: p } = groupPort(world, 3, (seq) => seq % 4 === 1);
    const { sender, recorder } = setup(world, constantSchedule(4000, 3), p);
    const running = sender.run();
    expect(await world.run(running)).toBe(true);
    expect(await running).toMatchObject({ sent: 12, acked: 9, failed: 3 });
    expect(recorder.failed).toEqual([1, 5, 9]);
  });

  it('sends a group before it waits for an in-flight slot (no deadlock at a full window)', async () => {
    const world = new World();
    const { port: p, groups } = groupPort(world, 2);
    const { sender } = setup(world, constantSchedule(10_000, 2), p, { maxInFlight: 4 });
    const running = sender.run();
    expect(await world.run(running)).toBe(true);
    expect(await running).toMatchObject({ state: 'completed', sent: 20, acked: 20 });
    expect(groups.every((g) => g.keys.length <= 4)).toBe(true);
  });
});

describe('late cut-off', () => {
  it('a sender far behind stops sending lateCutoffMs after the schedule ends, and says so', async () => {
    const world = new World();
    // One event in flight at a time, acked after 10 ms: 100 events/s sustained against 1000 scheduled.
    const { port: p, calls } = port(world, 10);
    const { sender } = setup(world, constantSchedule(1000, 1_000), p, { maxInFlight: 1, lateCutoffMs: 500 });
    const running = sender.run();
    expect(await world.run(running)).toBe(true);
    const summary = await running;
    expect(summary.cutOff).toBe(true);
    expect(summary.state).toBe('stopped');
    // Sends until 1000 + 500 ms: ~150 of the 1000, the rest due and never sent.
    expect(calls.at(-1)!.atMs).toBeLessThanOrEqual(1_500);
    expect(summary.sent).toBeGreaterThan(140);
    expect(summary.sent).toBeLessThan(160);
    expect(summary.scheduled).toBe(1000);
    expect(summary.acked).toBe(summary.sent);
  });

  it('a sender on schedule is never cut off', async () => {
    const world = new World();
    const { port: p } = port(world, 1);
    const { sender } = setup(world, constantSchedule(100, 1_000), p, { lateCutoffMs: 0 });
    const running = sender.run();
    expect(await world.run(running)).toBe(true);
    expect(await running).toMatchObject({ state: 'completed', cutOff: false, sent: 100 });
  });
});
