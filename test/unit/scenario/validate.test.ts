import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import { formatProblem } from '../../../src/scenario/problems.js';
import { checkScenario, validateScenario } from '../../../src/scenario/validate.js';

const base = {
  name: 'base',
  description: 'a valid scenario',
  load: { phases: [{ kind: 'constant', rateEventsPerS: 100, durationMs: '2m' }] },
};

function problemsOf(input: unknown, options = {}): string[] {
  const result = checkScenario(input, options);
  return result.ok ? [] : result.problems.map(formatProblem);
}

function warningsOf(input: unknown): string[] {
  return checkScenario(input).warnings.map(formatProblem);
}

describe('checkScenario', () => {
  it('accepts a valid scenario and resolves the replication factor from the brokers', () => {
    const three = checkScenario(base);
    const one = checkScenario({ ...base, stack: { brokers: 1 } });
    expect(three.ok && three.scenario.topology.replicationFactor).toBe(3);
    expect(one.ok && one.scenario.topology.replicationFactor).toBe(1);
    expect(three.warnings).toEqual([]);
  });

  it('reports every problem of a bad scenario at once, with paths, in schema order', () => {
    const bad = {
      name: 'Bad Name',
      surprise: true,
      stack: { brokers: 2 },
      workload: { usrs: 10 },
      load: {
        phases: [
          { kind: 'constant', rateEventsPerS: 100 },
          { kind: 'spike', baseRateEventsPerS: 1, peakRateEventsPerS: 5, durationMs: '10s', spikeAtMs: '8s', spikeDurationMs: '5s' },
          { kind: 'zigzag' },
        ],
      },
      processor: { windowMs: '500ms', outOfOrdernessMs: 'soon' },
      thresholds: ['lost == 0', 'lost = 0'],
    };
    expect(problemsOf(bad)).toEqual([
      'name: kebab-case: lowercase letters, digits and -, at most 64',
      'description: required (expected string)',
      'stack.brokers: the native provider runs 1 or 3 brokers, not 2',
      'workload.usrs: unknown field; did you mean "users"?',
      'load.phases.0.durationMs: required (expected a duration: a number of ms, or a string like 500ms, 30s, 2m, 1h30m)',
      'load.phases.1.spikeDurationMs: spikeAtMs + spikeDurationMs must not exceed durationMs',
      'load.phases.2.kind: kind "zigzag" is not one of constant, ramp, step, spike',
      'processor.windowMs: must be at least 1s',
      'processor.outOfOrdernessMs: expected a duration: a number of ms, or a string like 500ms, 30s, 2m, 1h30m',
      'thresholds.1: invalid threshold "lost = 0" at column 6: expected an operator (< <= > >= == !=), found "= 0"',
      'surprise: unknown field; valid fields here: name, description, stack, topology, workload, load, ingest, producer, processor, delivery, run, faults, thresholds',
    ]);
  });

  it('rejects what is not an object', () => {
    expect(problemsOf(null)).toEqual(['(root): expected an object: `export default defineScenario({ ... })`']);
  });

  it('applies the workload module’s own cross-field rules', () => {
    expect(problemsOf({ ...base, workload: { lateFraction: 0.6, lateDelayMs: '1m', malformedFraction: 0.6 } })).toEqual([
      'workload.malformedFraction: outOfOrderFraction + lateFraction + malformedFraction must not exceed 1',
    ]);
  });

  it('checks fields against each other', () => {
    const input = {
      ...base,
      stack: { brokers: 1 },
      topology: { rawEventsPartitions: 4, replicationFactor: 3 },
      processor: { instances: 6 },
      run: { warmUpMs: '2m' },
      faults: [
        { kind: 'broker-kill', atMs: '3m', durationMs: '10s', broker: 2 },
        { kind: 'processor-kill', atMs: '1m', durationMs: '10s', instance: 6 },
      ],
      delivery: { enabled: false },
      thresholds: ['p99(l4) < 5s', 'httpErrors == 0', 'lost == 0'],
    };
    expect(problemsOf(input)).toEqual([
      'topology.replicationFactor: 3 exceeds the 1 broker(s) of the stack',
      'processor.instances: 6 instances exceed the 4 partitions of raw-events (the extra ones would sit idle)',
      'faults.0.atMs: strikes at 3m of the load, at or after its end (2m): the fault would never fire',
      'faults.0.broker: broker 2 does not exist (the stack has 1, numbered 1..1)',
      'faults.1.instance: instance 6 does not exist (processor.instances is 6, numbered from 0)',
      'thresholds.0: "p99(l4) < 5s" measures delivery, which delivery.enabled = false turns off',
      'thresholds.1: "httpErrors == 0" reads httpErrors, which ingest kind kafka does not measure (measured by: http)',
    ]);
  });

  it('still runs cross-field rules when an unrelated section is broken', () => {
    const input = { ...base, producer: { compression: 'brotli' }, topology: { rawEventsPartitions: 2 }, processor: { instances: 3 } };
    expect(problemsOf(input)).toEqual([
      'producer.compression: "brotli" is not one of none, gzip, snappy, lz4',
      'processor.instances: 3 instances exceed the 2 partitions of raw-events (the extra ones would sit idle)',
    ]);
  });

  it('refuses faults the external provider cannot inject', () => {
    const input = { ...base, stack: { provider: 'external' }, faults: [{ kind: 'delivery-outage', atMs: '10s', durationMs: '5s' }, { kind: 'processor-kill', atMs: '10s', durationMs: '5s' }] };
    expect(problemsOf(input)).toEqual([
      "faults.0.kind: delivery-outage needs a stack the harness manages; the external provider's services cannot be stopped",
    ]);
  });

  it('refuses a broker count the compose provider would ignore (docker-compose.yml has 3)', () => {
    expect(problemsOf({ ...base, stack: { provider: 'compose', brokers: 1 } })).toEqual([
      'stack.brokers: the compose provider runs 3 brokers (docker-compose.yml), not 1',
    ]);
    expect(problemsOf({ ...base, stack: { provider: 'compose', brokers: 3 } })).toEqual([]);
  });

  it('names the kind a field belongs to when it is set on another kind (not "did you mean" itself)', () => {
    expect(problemsOf({ ...base, ingest: { kind: 'kafka', connections: 5 } })).toEqual([
      'ingest.connections: applies only to kind http, not to the kind set here; remove it, or set kind to http',
    ]);
    expect(problemsOf({ ...base, load: { phases: [{ kind: 'constant', rateEventsPerS: 1, durationMs: '1m', fromRateEventsPerS: 1 }] } })).toEqual([
      'load.phases.0.fromRateEventsPerS: applies only to kind ramp, step, not to the kind set here; remove it, or set kind to one of ramp, step',
    ]);
    expect(problemsOf({ ...base, ingest: { kind: 'http', conections: 5 } })).toEqual(['ingest.conections: unknown field; did you mean "connections"?']);
  });

  it('checks the name against the file name when asked', () => {
    expect(problemsOf(base, { expectedName: 'other' })).toEqual(['name: "base" does not match its file name "other"']);
    expect(problemsOf(base, { expectedName: 'base' })).toEqual([]);
  });

  it('warns about settings that work but do not do what they seem to', () => {
    const input = {
      ...base,
      stack: { brokers: 1 },
      workload: { lateFraction: 0.01, lateDelayMs: '3s', outOfOrderFraction: 0.1, outOfOrderMaxMs: '9s' },
      processor: { windowMs: '2m', outOfOrdernessMs: '2s', allowedLatenessMs: '2s' },
      faults: [{ kind: 'broker-kill', atMs: '30s', durationMs: '10s' }],
    };
    expect(problemsOf(input)).toEqual([]);
    expect(warningsOf(input)).toEqual([
      'processor.windowMs: no window can close while the 2m load runs (window 2m + out-of-orderness 2s); results depend on the drain',
      'workload.lateDelayMs: 3s is not beyond out-of-orderness + allowed lateness (4s): "late" events will mostly land in open windows and count on time',
      'workload.outOfOrderMaxMs: shifts up to 9s exceed out-of-orderness + allowed lateness (4s): some out-of-order events will be routed to late-events',
      'faults.0.kind: with 1 broker, broker-kill stops Kafka altogether (an outage, not a failover)',
    ]);
  });
});

describe('validateScenario', () => {
  it('throws INVALID_SCENARIO listing every problem, one per line', () => {
    let caught: unknown;
    try {
      validateScenario({ ...base, processor: { instances: 0 }, stack: { brokers: 5 } }, { source: 'scenarios/base.ts' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StreamproofError);
    const error = caught as StreamproofError;
    expect(error.code).toBe(ERROR_CODES.INVALID_SCENARIO);
    expect(error.message).toBe(
      [
        'scenario scenarios/base.ts is invalid (2 problems):',
        '  stack.brokers: the native provider runs 1 or 3 brokers, not 5',
        '  processor.instances: must be ≥ 1, got 0',
      ].join('\n'),
    );
    expect(error.hint).toMatch(/--help/);
  });

  it('returns the resolved scenario and its warnings when valid', () => {
    const { scenario, warnings } = validateScenario(base);
    expect(scenario.load).toEqual({ phases: [{ kind: 'constant', rateEventsPerS: 100, durationMs: 120_000 }] });
    expect(warnings.map(formatProblem)).toEqual([]);
  });
});

describe('phase-scoped thresholds', () => {
  const phased = { ...base, load: { phases: [{ kind: 'constant', name: 'settle', rateEventsPerS: 100, durationMs: '5s' }, { kind: 'constant', name: 'hold', rateEventsPerS: 100, durationMs: '30s' }] } };

  it('accepts a gate scoped to a phase the load has', () => {
    expect(problemsOf({ ...phased, thresholds: ['p99(l1){phase: hold} < 1s'] })).toEqual([]);
  });

  it('refuses a phase the load does not have, suggesting the closest and listing them', () => {
    expect(problemsOf({ ...phased, thresholds: ['lost == 0', 'p99(l1){phase: hodl} < 1s'] })).toEqual([
      'thresholds.1: "p99(l1){phase: hodl} < 1s" is scoped to phase hodl, which the load does not have (did you mean "hold"?); its phases: settle, hold',
    ]);
  });

  it('refuses abortOnFail on a phase-scoped gate', () => {
    expect(problemsOf({ ...phased, thresholds: [{ threshold: 'p99(l1){phase: hold} < 1s', abortOnFail: true }] }).join('\n')).toMatch(/cannot be abortOnFail/);
  });
});
