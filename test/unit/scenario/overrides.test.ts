import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/base/errors.js';
import { applyOverrides, parseScenarioArgs, type FlagSpec } from '../../../src/scenario/overrides.js';
import { validateScenario } from '../../../src/scenario/validate.js';

const scenario = {
  name: 'shape',
  description: 'a shaped load',
  load: {
    phases: [
      { kind: 'constant', rateEventsPerS: 1_000, durationMs: '1m' },
      { kind: 'ramp', fromRateEventsPerS: 1_000, toRateEventsPerS: 10_000, durationMs: '1m' },
      { kind: 'constant', rateEventsPerS: 10_000, durationMs: '2m' },
    ],
  },
  faults: [{ kind: 'processor-kill', atMs: '2m', durationMs: '20s' }],
  run: { warmUpMs: '10s' },
};

function resolved(argv: string[], input: unknown = scenario) {
  const { overrides } = parseScenarioArgs(argv);
  const applied = applyOverrides(input, overrides);
  return { ...validateScenario(applied.input), notes: applied.notes };
}

describe('parseScenarioArgs', () => {
  const commandFlags: FlagSpec[] = [
    { name: 'list', value: undefined, description: 'list scenarios' },
    { name: 'out', value: 'DIR', description: 'results directory' },
  ];

  it('separates positionals, overrides and the command’s own flags, in order', () => {
    const parsed = parseScenarioArgs(['peak-load', '--rate', '500', '--list', '--out=results/x', '--set', 'a.b=1', '--seed=7'], commandFlags);
    expect(parsed.positionals).toEqual(['peak-load']);
    expect(parsed.flags).toEqual({ list: true, out: 'results/x' });
    expect(parsed.overrides).toEqual([
      { kind: 'rate', flag: '--rate 500', rateEventsPerS: 500 },
      { kind: 'set', flag: '--set a.b=1', path: ['a', 'b'], pathText: 'a.b', value: 1 },
      { kind: 'set', flag: '--seed 7', path: ['workload', 'seed'], pathText: 'workload.seed', value: 7 },
    ]);
  });

  it('maps the field shortcuts to their paths', () => {
    const { overrides } = parseScenarioArgs(['--brokers', '1', '--provider', 'compose', '--processors', '4', '--seed', 'abc', '--duration', '90s']);
    expect(overrides.map((o) => (o.kind === 'set' ? [o.pathText, o.value] : [o.kind]))).toEqual([
      ['stack.brokers', 1],
      ['stack.provider', 'compose'],
      ['processor.instances', 4],
      ['workload.seed', 'abc'],
      ['duration'],
    ]);
  });

  it('treats everything after -- as positional', () => {
    expect(parseScenarioArgs(['--', '--rate']).positionals).toEqual(['--rate']);
  });

  it('rejects an unknown flag with a suggestion, or the valid ones when nothing is close', () => {
    expect(() => parseScenarioArgs(['--rates', '5'], commandFlags)).toThrowError(
      expect.objectContaining({
        code: ERROR_CODES.INVALID_ARGUMENT,
        message: 'unknown flag --rates for `npm run scenario --`',
        hint: 'did you mean --rate? `npm run scenario -- --help` lists every flag',
      }),
    );
    expect(() => parseScenarioArgs(['--bogus'], commandFlags)).toThrowError(
      expect.objectContaining({
        hint: 'valid flags: --rate, --duration, --seed, --brokers, --provider, --processors, --set, --list, --out, --help; `npm run scenario -- --help` lists every flag',
      }),
    );
  });

  it('answers -h and --help before any other check', () => {
    expect(parseScenarioArgs(['-h']).flags).toEqual({ help: true });
    expect(parseScenarioArgs(['--bogus', '--help']).flags).toEqual({ help: true });
  });

  it('rejects missing and malformed values', () => {
    expect(() => parseScenarioArgs(['--rate'])).toThrowError('--rate needs a value (N)');
    expect(() => parseScenarioArgs(['--rate', '-5'])).toThrowError('--rate -5: expected a number of events/s above 0');
    expect(() => parseScenarioArgs(['--rate', 'fast'])).toThrowError('--rate fast: expected a number of events/s above 0');
    expect(() => parseScenarioArgs(['--duration', '30'])).toThrowError('--duration 30: expected a duration with a unit, above 0');
    expect(() => parseScenarioArgs(['--set', 'novalue'])).toThrowError('--set novalue: expected path=value');
    expect(() => parseScenarioArgs(['--list=yes'], [{ name: 'list', value: undefined, description: '' }])).toThrowError('--list takes no value');
  });
});

describe('applyOverrides', () => {
  it('--rate scales the whole shape so the peak is N', () => {
    const { scenario: s, notes } = resolved(['--rate', '2500']);
    expect(s.load).toEqual({
      phases: [
        { kind: 'constant', rateEventsPerS: 250, durationMs: 60_000 },
        { kind: 'ramp', fromRateEventsPerS: 250, toRateEventsPerS: 2_500, durationMs: 60_000 },
        { kind: 'constant', rateEventsPerS: 2_500, durationMs: 120_000 },
      ],
    });
    expect(notes).toEqual(['--rate 2500: every rate ×0.25 (peak 10000 → 2500 events/s)']);
  });

  it('--duration scales phase times and fault times, not warm-up', () => {
    const { scenario: s, notes } = resolved(['--duration', '1m']);
    expect(s.load).toEqual({
      phases: [
        { kind: 'constant', rateEventsPerS: 1_000, durationMs: 15_000 },
        { kind: 'ramp', fromRateEventsPerS: 1_000, toRateEventsPerS: 10_000, durationMs: 15_000 },
        { kind: 'constant', rateEventsPerS: 10_000, durationMs: 30_000 },
      ],
    });
    expect(s.faults).toEqual([{ kind: 'processor-kill', atMs: 30_000, durationMs: 5_000, instance: 0, whileTransactionOpen: false }]);
    expect(s.run.warmUpMs).toBe(10_000);
    expect(notes).toEqual(['--duration 1m: every load time ×0.25 (4m → 1m)']);
  });

  it('--set reaches nested fields and list elements, and null restores a default', () => {
    const { scenario: s } = resolved([
      '--set',
      'processor.windowMs=10s',
      '--set',
      'load.phases[2].rateEventsPerS=12000',
      '--set',
      'workload.keyDistribution={"kind":"zipf","skew":1.2}',
      '--set',
      'thresholds[]=p99(l3) < 2s',
      '--set',
      'run.warmUpMs=null',
    ]);
    expect(s.processor.windowMs).toBe(10_000);
    expect(s.load).toMatchObject({ phases: [{}, {}, { kind: 'constant', rateEventsPerS: 12_000 }] });
    expect(s.workload.keyDistribution).toEqual({ kind: 'zipf', skew: 1.2 });
    expect(s.thresholds).toEqual(['p99(l3) < 2s']);
    expect(s.run.warmUpMs).toBe(10_000);
  });

  it('applies overrides left to right', () => {
    const setThenRate = resolved(['--set', 'load.phases.2.rateEventsPerS=20000', '--rate', '1000']).scenario;
    const rateThenSet = resolved(['--rate', '1000', '--set', 'load.phases.2.rateEventsPerS=20000']).scenario;
    expect(setThenRate.load).toMatchObject({ phases: [{ rateEventsPerS: 50 }, {}, { rateEventsPerS: 1_000 }] });
    expect(rateThenSet.load).toMatchObject({ phases: [{ rateEventsPerS: 100 }, {}, { rateEventsPerS: 20_000 }] });
  });

  it('never touches the scenario it was given', () => {
    const before = structuredClone(scenario);
    applyOverrides(scenario, parseScenarioArgs(['--rate', '5', '--duration', '10s', '--set', 'stack.brokers=1', '--set', 'faults.0=null']).overrides);
    expect(scenario).toEqual(before);
  });

  it('lets validation report what an override broke', () => {
    expect(() => resolved(['--processors', '20'])).toThrowError(/processor\.instances: must be ≤ \d+, got 20/);
    expect(() => resolved(['--set', 'processor.windowMz=5s'])).toThrowError(/processor\.windowMz: unknown field; did you mean "windowMs"\?/);
  });

  it('leaves the load alone when it is invalid, so validation can explain', () => {
    const broken = { ...scenario, load: { phases: [{ kind: 'constant' }] } };
    const { overrides } = parseScenarioArgs(['--rate', '10']);
    const applied = applyOverrides(broken, overrides);
    expect((applied.input as typeof broken).load).toEqual(broken.load);
    expect(applied.notes).toEqual(['--rate 10: not applied, the load section is invalid']);
  });

  it('refuses to scale a load that never sends', () => {
    const silent = { ...scenario, load: { phases: [{ kind: 'constant', rateEventsPerS: 0, durationMs: '1m' }] } };
    expect(() => applyOverrides(silent, parseScenarioArgs(['--rate', '10']).overrides)).toThrowError(/peak rate 0/);
  });
});
