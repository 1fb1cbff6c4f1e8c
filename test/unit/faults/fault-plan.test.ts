import { describe, expect, it } from 'vitest';
import { planFaults, type FaultPlanInput } from '../../../src/scenario/fault-plan.js';
import { checkScenario } from '../../../src/scenario/validate.js';
import { faultSchema } from '../../../src/scenario/schema-faults.js';

const phases = [
  { name: 'ramp', startMs: 0, endMs: 20_000 },
  { name: 'steady', startMs: 20_000, endMs: 100_000 },
  { name: 'cool', startMs: 100_000, endMs: 120_000 },
];

function plan(faults: unknown[], overrides: Partial<FaultPlanInput> = {}) {
  return planFaults({
    faults: faults.map((f) => faultSchema.parse(f)),
    loadMs: 120_000,
    phases,
    brokers: 3,
    instances: 2,
    partitions: 12,
    injectableKinds: ['broker-kill', 'broker-pause', 'processor-kill', 'processor-scale', 'delivery-outage'],
    ...overrides,
  });
}

const messages = (p: ReturnType<typeof plan>) => p.problems.map((x) => `${x.path}: ${x.message}`);

describe('the fault plan', () => {
  it('places a fault from the load start, or from the start of a phase', () => {
    const p = plan([
      { kind: 'broker-kill', atMs: '30s', durationMs: '10s', broker: 1 },
      { kind: 'processor-kill', phase: 'steady', atMs: '45s', durationMs: '5s', instance: 1 },
    ]);
    expect(p.problems).toEqual([]);
    expect(p.faults.map((f) => [f.kind, f.target, f.startMs, f.endMs])).toEqual([
      ['broker-kill', 'broker-1', 30_000, 40_000],
      ['processor-kill', 'processor-1', 65_000, 70_000],
    ]);
    expect(p.faults[0]!.label).toBe('broker-kill broker-1 at 30s for 10s');
  });

  it('repeats every N until the phase (or load) ends, or `times` occurrences', () => {
    const inPhase = plan([{ kind: 'broker-pause', phase: 'steady', atMs: '10s', durationMs: '5s', everyMs: '20s', broker: 3 }]);
    // steady is 20..100 s: starts at 30, 50, 70, 90 (90 + 5 ≤ 100), not 110.
    expect(inPhase.faults.map((f) => f.startMs)).toEqual([30_000, 50_000, 70_000, 90_000]);
    expect(inPhase.faults.map((f) => f.occurrence)).toEqual([0, 1, 2, 3]);
    const counted = plan([{ kind: 'delivery-outage', atMs: '10s', durationMs: '5s', everyMs: '20s', times: 2 }]);
    expect(counted.faults.map((f) => [f.target, f.startMs])).toEqual([
      ['delivery', 10_000],
      ['delivery', 30_000],
    ]);
    const toLoadEnd = plan([{ kind: 'delivery-outage', atMs: '10s', durationMs: '5s', everyMs: '30s' }]);
    expect(toLoadEnd.faults.map((f) => f.startMs)).toEqual([10_000, 40_000, 70_000, 100_000]);
  });

  it('refuses targets that will not exist, with their field paths', () => {
    expect(
      messages(
        plan([
          { kind: 'broker-kill', atMs: '10s', durationMs: '5s', broker: 4 },
          { kind: 'processor-kill', atMs: '10s', durationMs: '5s', instance: 2 },
          { kind: 'processor-scale', atMs: '10s', durationMs: '5s', change: 'remove', instance: 5 },
        ]),
      ),
    ).toEqual([
      'faults.0.broker: broker 4 does not exist (the stack has 3, numbered 1..3)',
      'faults.1.instance: instance 2 does not exist (processor.instances is 2, numbered from 0)',
      'faults.2.instance: instance 5 does not exist (processor.instances is 2, numbered from 0)',
    ]);
    expect(messages(plan([{ kind: 'processor-scale', atMs: '10s', durationMs: '5s', change: 'add' }], { partitions: 2 }))).toEqual([
      'faults.0.change: an added instance would be number 3 of 2 raw-events partitions: it would get no partition and sit idle (no rebalance to test)',
    ]);
    expect(messages(plan([{ kind: 'processor-scale', atMs: '10s', durationMs: '5s', change: 'remove' }], { instances: 1 }))).toEqual([
      'faults.0.change: removing the only instance stops processing altogether, not a rebalance: run 2 or more instances, or use processor-kill',
    ]);
  });

  it('refuses faults outside the schedule, an unknown phase, and every ≤ duration', () => {
    expect(
      messages(
        plan([
          { kind: 'broker-kill', atMs: '2m', durationMs: '5s' },
          { kind: 'broker-kill', atMs: '118s', durationMs: '5s', broker: 2 },
          { kind: 'broker-kill', phase: 'plateau', atMs: '1s', durationMs: '5s', broker: 3 },
          { kind: 'delivery-outage', atMs: '1s', durationMs: '5s', everyMs: '5s' },
          { kind: 'processor-kill', atMs: '1s', durationMs: '5s', times: 3 },
        ]),
      ),
    ).toEqual([
      'faults.0.atMs: strikes at 2m of the load, at or after its end (2m): the fault would never fire',
      'faults.1.durationMs: healed at 2m3s, after the load ends (2m): recovery could not be seen; shorten it or strike earlier',
      'faults.2.phase: no phase "plateau" in the load (phases: ramp, steady, cool)',
      'faults.3.everyMs: 5s is not longer than durationMs (5s): each occurrence must be healed before the next',
      'faults.4.times: times counts repeats: it needs everyMs',
    ]);
  });

  it('refuses two faults overlapping on one target, not on different ones', () => {
    const clash = plan([
      { kind: 'broker-kill', atMs: '30s', durationMs: '20s', broker: 1 },
      { kind: 'broker-pause', atMs: '45s', durationMs: '5s', broker: 1 },
      { kind: 'broker-pause', atMs: '45s', durationMs: '5s', broker: 3 },
      { kind: 'processor-kill', atMs: '30s', durationMs: '10s', instance: 1 },
      { kind: 'processor-scale', atMs: '35s', durationMs: '10s', change: 'remove' },
    ]);
    expect(messages(clash)).toEqual([
      'faults.1: overlaps faults.0 on broker-1: broker-kill broker-1 at 30s for 20s is still active at 45s; move one, or target another broker',
      'faults.4: overlaps faults.3 on processor-1: processor-kill processor-1 at 30s for 10s is still active at 35s; move one, or target another instance',
    ]);
    // Back to back is not an overlap: the first is healed when the second strikes.
    expect(plan([{ kind: 'broker-kill', atMs: '30s', durationMs: '10s' }, { kind: 'broker-pause', atMs: '40s', durationMs: '5s' }]).problems).toEqual([]);
  });

  it('draws chaos from its seed: same seed, same plan; another seed, another plan', () => {
    const chaos = (seed: number | string) => plan([{ kind: 'chaos', seed, atMs: '10s', everyMs: '20s', durationMs: '8s' }]).faults.map((f) => f.label);
    const a = chaos(7);
    expect(a).toHaveLength(6); // 10, 30, 50, 70, 90, 110 (110 + 8 ≤ 120)
    expect(chaos(7)).toEqual(a);
    expect(chaos(8)).not.toEqual(a);
    expect(chaos('7')).toEqual(a); // the seed is hashed as text: 7 and "7" are one seed
    const kinds = new Set(plan([{ kind: 'chaos', seed: 1, atMs: '0s', everyMs: '1s', durationMs: '500ms' }]).faults.map((f) => f.kind));
    expect([...kinds].sort()).toEqual(['broker-kill', 'broker-pause', 'delivery-outage', 'processor-kill', 'processor-scale']);
  });

  it('chaos draws only the kinds it is given, and none that cannot run here', () => {
    const onlyKills = plan([{ kind: 'chaos', seed: 3, atMs: '0s', everyMs: '10s', durationMs: '2s', kinds: ['processor-kill'] }]);
    expect(new Set(onlyKills.faults.map((f) => f.kind))).toEqual(new Set(['processor-kill']));
    const oneBroker = plan([{ kind: 'chaos', seed: 3, atMs: '0s', everyMs: '1s', durationMs: '500ms', kinds: ['broker-kill', 'delivery-outage'] }], { brokers: 1 });
    expect(new Set(oneBroker.faults.map((f) => f.kind))).toEqual(new Set(['delivery-outage']));
    expect(messages(plan([{ kind: 'chaos', seed: 3, atMs: '0s', everyMs: '1s', durationMs: '500ms', kinds: ['broker-pause'] }], { brokers: 1 }))).toEqual([
      'faults.0.kinds: none of broker-pause can be drawn on this run (1 broker, 1 instance ...)',
    ]);
  });
});

describe('faults in a scenario check', () => {
  const base = {
    name: 'f',
    description: 'faults',
    load: { phases: [{ name: 'steady', kind: 'constant', rateEventsPerS: 100, durationMs: '1m' }] },
  };
  const problems = (input: object) => {
    const check = checkScenario(input);
    return check.ok ? [] : check.problems.map((p) => `${p.path}: ${p.message}`);
  };

  it('reads brokers from the stack and instances from the processor section', () => {
    expect(problems({ ...base, stack: { brokers: 1 }, faults: [{ kind: 'broker-pause', atMs: '10s', durationMs: '5s', broker: 2 }] })).toEqual([
      'faults.0.broker: broker 2 does not exist (the stack has 1, numbered 1..1)',
    ]);
    expect(problems({ ...base, processor: { instances: 3 }, faults: [{ kind: 'processor-kill', atMs: '10s', durationMs: '5s', instance: 2 }] })).toEqual([]);
  });

  it('refuses what a processor kind cannot do', () => {
    expect(
      problems({ ...base, processor: { kind: 'flink' }, faults: [{ kind: 'processor-kill', atMs: '10s', durationMs: '5s', whileTransactionOpen: true }, { kind: 'processor-scale', atMs: '30s', durationMs: '5s', change: 'add' }] }),
    ).toEqual([
      'faults.0.whileTransactionOpen: processor kind flink does not report its open transactions (the builtin kind does)',
      'faults.1.kind: processor kind flink cannot add or remove an instance while running (the builtin kind can)',
    ]);
  });

  it('refuses a fault gate in a scenario without faults, accepts it with one', () => {
    expect(problems({ ...base, thresholds: ['recoveryS < 30'] })).toEqual(['thresholds.0: "recoveryS < 30" reads recoveryS, a figure of fault runs, but the scenario declares no faults']);
    expect(problems({ ...base, thresholds: ['recoveryS < 30'], faults: [{ kind: 'processor-kill', atMs: '10s', durationMs: '5s' }] })).toEqual([]);
  });
});
