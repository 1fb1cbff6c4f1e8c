import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import { evaluateGate, evaluateGates, firstAbortingGate, parseGate, parseGates, type GateSubject } from '../../../src/report/gates.js';
import { completedResultFixture, incompleteResultFixture, stageFixture } from '../../fixtures/report/result-fixture.js';

function subject(overrides: Partial<GateSubject> = {}): GateSubject {
  const r = completedResultFixture();
  return { state: r.state, stages: r.stages, counters: r.counters, rates: r.rates, verdict: r.verdict, ...overrides };
}

function parseError(expression: string): string {
  try {
    parseGate(expression);
  } catch (error) {
    expect(error).toBeInstanceOf(StreamproofError);
    expect((error as StreamproofError).code).toBe(ERROR_CODES.INVALID_SCENARIO);
    return (error as StreamproofError).message;
  }
  throw new Error(`"${expression}" parsed but should not have`);
}

describe('parseGate: valid expressions', () => {
  it.each([
    ['p99(l3) < 2s', { kind: 'percentile', stage: 'l3_window', percentile: 99 }, '<', { kind: 'absolute', value: 2000 }],
    ['p99.9(http_ingest) <= 250ms', { kind: 'percentile', stage: 'http_ingest', percentile: 99.9 }, '<=', { kind: 'absolute', value: 250 }],
    ['p50(l1)>3', { kind: 'percentile', stage: 'l1_produce', percentile: 50 }, '>', { kind: 'absolute', value: 3 }],
    ['max(l2) >= 1.5 s', { kind: 'max', stage: 'l2_ingest' }, '>=', { kind: 'absolute', value: 1500 }],
    ['mean(freshness) != 0', { kind: 'mean', stage: 'l3_freshness' }, '!=', { kind: 'absolute', value: 0 }],
    ['lost == 0', { kind: 'counter', name: 'lost' }, '==', { kind: 'absolute', value: 0 }],
    ['duplicated < 0.1%', { kind: 'counter', name: 'duplicated' }, '<', { kind: 'ofScheduled', fraction: 0.001 }],
    ['lagRecoveryS <= 500ms', { kind: 'counter', name: 'lagRecoveryS' }, '<=', { kind: 'absolute', value: 0.5 }],
    ['achievedRate >= 0.98 * target', { kind: 'achievedRate' }, '>=', { kind: 'ofTarget', factor: 0.98 }],
    ['achievedRate >= 95%', { kind: 'achievedRate' }, '>=', { kind: 'ofTarget', factor: 0.95 }],
    ['achievedRate > target', { kind: 'achievedRate' }, '>', { kind: 'ofTarget', factor: 1 }],
    ['achievedRate > 900', { kind: 'achievedRate' }, '>', { kind: 'absolute', value: 900 }],
    ['failed > -1', { kind: 'counter', name: 'failed' }, '>', { kind: 'absolute', value: -1 }],
    ['p99(lag) < 100ms', { kind: 'percentile', stage: 'schedule_lag', percentile: 99 }, '<', { kind: 'absolute', value: 100 }],
    ['onTimeShare >= 0.99', { kind: 'counter', name: 'onTimeShare' }, '>=', { kind: 'absolute', value: 0.99 }],
    // A share's % is a percentage of 1, not of the scheduled events.
    ['onTimeShare >= 99.5%', { kind: 'counter', name: 'onTimeShare' }, '>=', { kind: 'absolute', value: 0.995 }],
    ['sentLate <= 1%', { kind: 'counter', name: 'sentLate' }, '<=', { kind: 'ofScheduled', fraction: 0.01 }],
  ])('%s', (expression, metric, op, threshold) => {
    expect(parseGate(expression)).toEqual({ expression, metric, op, threshold, abortOnFail: false });
  });

  it('trims the expression and reads the abortOnFail suffix', () => {
    expect(parseGate('  violations == 0 abortOnFail ')).toEqual({
      expression: 'violations == 0 abortOnFail',
      metric: { kind: 'counter', name: 'violations' },
      op: '==',
      threshold: { kind: 'absolute', value: 0 },
      abortOnFail: true,
    });
  });

  it('accepts the k6 object form', () => {
    expect(parseGate({ threshold: 'lost == 0', abortOnFail: true }).abortOnFail).toBe(true);
    expect(parseGate({ threshold: 'lost == 0' }).abortOnFail).toBe(false);
  });
});

describe('parseGate: errors name the column and what was expected', () => {
  it.each([
    ['p99(l3) < 2x', 'at column 12: expected a unit (ms, s) or none, found "x"'],
    ['p99(l9) < 2s', 'at column 5: did you mean "l1" or "l2" or "l3"? expected a stage (l1_produce, l1_from_send, l2_ingest, l3_window, l3_freshness, l4_delivery, http_ingest, schedule_lag, l1, l2, l3, freshness, l4, http, lag), found "l9) < 2s"'],
    ['p99 < 2', 'at column 5: expected "(", found "< 2"'],
    ['p99(l1 < 3', 'at column 8: expected ")", found "< 3"'],
    ['p0(l1) < 1', 'at column 2: expected a percentile above 0 and at most 100, found "0(l1) < 1"'],
    ['p100.5(l1) < 1', 'at column 2: expected a percentile above 0 and at most 100, found "100.5(l1) < "'],
    ['lost = 0', 'at column 6: expected an operator (< <= > >= == !=), found "= 0"'],
    ['lost ==', 'at column 8: expected a number, found end of expression'],
    ['lost == 0 abort', 'at column 11: expected `abortOnFail` or end of expression, found "abort"'],
    ['p99(l1) < 5%', 'at column 12: expected a unit of time (ms, s) or none: % does not apply to a value in ms, found "%"'],
    ['lagRecoveryS < 5%', 'at column 17: expected a unit of time (ms, s) or none: % does not apply to a value in s, found "%"'],
    ['onTimeShare > 5ms', 'at column 16: expected % or no unit: ms does not apply to a fraction, found "ms"'],
    ['onTimeShare > 0.5 * target', 'at column 19: expected no `* target` (it applies to achievedRate only), found "* target"'],
    ['achievedRate > 5ms', 'at column 17: expected %, `* target` or no unit: ms does not apply to a value in events/s, found "ms"'],
    ['achievedRate >= 0.98 * targt', 'at column 24: expected `target` after "*", found "targt"'],
    ['p99(l1) < 0.5 * target', 'at column 15: expected no `* target` (it applies to achievedRate only), found "* target"'],
    ['lost < target', 'at column 8: expected a number (`target` applies to achievedRate only), found "target"'],
    ['', 'at column 1: expected a metric: pNN(stage), max(stage), mean(stage), a counter or achievedRate, found end of expression'],
  ])('%s', (expression, tail) => {
    expect(parseError(expression)).toBe(`invalid threshold "${expression}" ${tail}`);
  });

  it('suggests the closest counter and lists the known ones when the metric is unknown', () => {
    expect(parseError('lsot == 0')).toBe(
      'invalid threshold "lsot == 0" at column 1: did you mean "lost"? expected a metric: pNN(stage), max(stage), mean(stage), achievedRate or a counter ' +
        '(scheduled, sent, acked, failed, malformed, onTime, sentLate, sentLateAwaitingGenerator, sentLateAwaitingConnection, onTimeAcked, onTimeShare, lost, duplicated, late, dlq, violations, s3Missing, s3Duplicates, httpErrors, cutOffUnsent, lagRecoveryS, recoveryS, eventsAtRisk, minAckedInFault, minResultsInFault), found "lsot == 0"',
    );
  });

  it('parseGates reports every bad expression at once', () => {
    let error: unknown;
    try {
      parseGates(['lost == 0', 'lost = 0', 'p99(l9) < 1']);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StreamproofError);
    const lines = (error as StreamproofError).message.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toContain('"lost = 0" at column 6');
    expect(lines[1]).toContain('"p99(l9) < 1" at column 5');
  });
});

describe('evaluateGates', () => {
  it('evaluates each operator against the measured value', () => {
    // Fixture: p99(l3_window) = 850 ms.
    const cases: Array<[string, boolean]> = [
      ['p99(l3) < 851', true],
      ['p99(l3) < 850', false],
      ['p99(l3) <= 850', true],
      ['p99(l3) > 849', true],
      ['p99(l3) > 850', false],
      ['p99(l3) >= 850', true],
      ['p99(l3) == 850', true],
      ['p99(l3) == 0.85s', true],
      ['p99(l3) != 850', false],
      ['p99(l3) != 851', true],
    ];
    const outcomes = evaluateGates(cases.map(([e]) => parseGate(e)), subject());
    expect(outcomes.map((o) => [o.expression, o.pass])).toEqual(cases);
  });

  it('onTimeShare is a fraction: compared as a number, shown with four decimals', () => {
    const s = subject({ counters: { scheduled: 1_000, onTime: 985, onTimeShare: 0.985 } });
    const [bare, pct] = evaluateGates([parseGate('onTimeShare >= 0.99'), parseGate('onTimeShare >= 98%')], s);
    expect(bare).toMatchObject({ pass: false, actual: 0.985, threshold: 0.99, unit: 'fraction', message: 'FAIL onTimeShare = 0.985, expected >= 0.99' });
    expect(pct).toMatchObject({ pass: true, threshold: 0.98, message: 'pass onTimeShare = 0.985 >= 0.98' });
  });

  it('converts units: 2s is 2000 ms, 500ms on a seconds counter is 0.5 s', () => {
    const [latency, recovery] = evaluateGates([parseGate('p99(l3) < 2s'), parseGate('lagRecoveryS <= 500ms')], subject());
    expect(latency).toMatchObject({ pass: true, actual: 850, threshold: 2000, unit: 'ms', message: 'pass p99(l3_window) = 850 ms < 2 s' });
    expect(recovery).toMatchObject({ pass: false, actual: 14, threshold: 0.5, unit: 's', message: 'FAIL lagRecoveryS = 14 s, expected <= 0.5 s' });
  });

  it('resolves `0.98 * target` and % against the target rate, % of counters against scheduled', () => {
    const s = subject({ rates: { targetEventsPerS: 1000, achievedEventsPerS: 979 }, counters: { scheduled: 10_000, lost: 11 } });
    const [rate, pct, lost] = evaluateGates([parseGate('achievedRate >= 0.98 * target'), parseGate('achievedRate >= 97.9%'), parseGate('lost <= 0.1%')], s);
    expect(rate).toMatchObject({ pass: false, actual: 979, threshold: 980, unit: 'events/s' });
    expect(pct).toMatchObject({ pass: true, threshold: 979 });
    expect(lost).toMatchObject({ pass: false, actual: 11, threshold: 10, unit: 'events' });
  });

  it('an absent metric FAILS and says why: never a silent pass', () => {
    const s = subject({ counters: {}, stages: { l1_produce: stageFixture(10, 0) } });
    const outcomes = evaluateGates(
      [parseGate('lost == 0'), parseGate('max(http) < 1s'), parseGate('p99(l1) < 1s'), parseGate('lost < 1%'), parseGate('p95(l1) < 1s')],
      { ...s, stages: { ...s.stages, l2_ingest: stageFixture(10) } },
    );
    expect(outcomes.map((o) => [o.pass, o.actual, o.message])).toEqual([
      [false, null, 'FAIL lost: cannot evaluate, counter lost was not recorded in this run'],
      [false, null, 'FAIL max(http_ingest): cannot evaluate, stage http_ingest was not measured in this run'],
      [false, null, 'FAIL p99(l1_produce): cannot evaluate, stage l1_produce recorded no samples'],
      [false, null, 'FAIL lost: cannot evaluate, counter lost was not recorded in this run; the threshold is a % of counter scheduled, which was not recorded'],
      [false, null, 'FAIL p95(l1_produce): cannot evaluate, stage l1_produce recorded no samples'],
    ]);
  });

  it('a percentile that is not precomputed fails unless a histogram decoder is given', () => {
    const gate = parseGate('p95(l1) < 20');
    expect(evaluateGate(gate, subject())).toMatchObject({
      pass: false,
      actual: null,
      message: 'FAIL p95(l1_produce): cannot evaluate, p95 is not precomputed in the result (only p50, p90, p99, p99.9, p100) and no histogram decoder was given',
    });
    const calls: Array<[string, number]> = [];
    const decoded = evaluateGate(gate, subject(), {
      percentileMs: (histogram, percentile) => {
        calls.push([histogram, percentile]);
        return 11;
      },
    });
    expect(decoded).toMatchObject({ pass: true, actual: 11 });
    expect(calls).toEqual([['HISTFAAAAFixtureNotARealHistogram==', 95]]);
  });

  it('p100 reads max; violations sums the invariants and fails without a verdict', () => {
    const base = completedResultFixture();
    const verdict = { pass: false, invariants: base.verdict.invariants.map((inv, i) => ({ ...inv, violations: i + 1 })) };
    expect(evaluateGate(parseGate('p100(l3) == 1700'), subject()).pass).toBe(true);
    expect(evaluateGate(parseGate('violations == 6'), subject({ verdict })).pass).toBe(true);
    expect(evaluateGate(parseGate('violations == 0'), subject({ verdict: null }))).toMatchObject({
      pass: false,
      message: 'FAIL violations: cannot evaluate, the run has no verdict, so no invariant violation count',
    });
  });

  it('marks outcomes measured on a partial run', () => {
    const r = incompleteResultFixture();
    const [outcome] = evaluateGates([parseGate('lost == 0')], r);
    expect(outcome?.message).toBe('pass lost = 0 events == 0 events (run incomplete: measured on partial data)');
  });

  it('carries abortOnFail through to the outcome', () => {
    expect(evaluateGate(parseGate('lost == 0 abortOnFail'), subject()).abortOnFail).toBe(true);
  });
});

describe('decimal thresholds', () => {
  it('1.1s is exactly 1100 ms and 97.9% of 1000 is exactly 979 (no binary noise)', () => {
    expect(parseGate('p99(l1) <= 1.1s').threshold).toEqual({ kind: 'absolute', value: 1100 });
    const s = subject({ rates: { targetEventsPerS: 1000, achievedEventsPerS: 979 } });
    expect(evaluateGate(parseGate('achievedRate >= 97.9%'), s)).toMatchObject({ pass: true, threshold: 979 });
  });
});

describe('firstAbortingGate (abortOnFail on live figures)', () => {
  const live = (overrides: Partial<GateSubject> = {}) => subject({ state: 'incomplete', verdict: null, ...overrides });

  it('returns the first failing abortOnFail gate, measured', () => {
    const gates = parseGates(['p99(l3) < 1ms', { threshold: 'p99(l1) < 1ms', abortOnFail: true }, 'lost == 0 abortOnFail']);
    const failed = firstAbortingGate(gates, live());
    expect(failed?.expression).toBe('p99(l1) < 1ms');
    expect(failed?.pass).toBe(false);
    expect(failed?.actual).toBeGreaterThan(1);
  });

  it('ignores gates without abortOnFail, passing gates, and gates not measurable yet', () => {
    const gates = parseGates(['p99(l1) < 1ms', 'p99(l1) < 3600s abortOnFail', 'violations == 0 abortOnFail', 'p99(http) < 1ms abortOnFail']);
    // No verdict before verification, no http stage in a Kafka run: neither can abort.
    const { http_ingest: _http, ...kafkaStages } = live().stages;
    expect(firstAbortingGate(gates, live({ stages: kafkaStages }))).toBeNull();
  });

  it('reads the same evaluator as the final gates', () => {
    const [gate] = parseGates(['achievedRate >= 0.98 * target abortOnFail']);
    const slow = live({ rates: { targetEventsPerS: 1000, achievedEventsPerS: 900 } });
    expect(firstAbortingGate([gate!], slow)).toEqual(evaluateGate(gate!, slow));
  });
});

describe('phase-scoped gates: {phase: NAME}', () => {
  it('parse: the scope follows a stage metric and is shown canonically', () => {
    const gate = parseGate('p99(l1){phase: hold} < 1s');
    expect(gate.metric).toEqual({ kind: 'percentile', stage: 'l1_produce', percentile: 99, phase: 'hold' });
    expect(parseGate('max( l3 ) { phase : spike-1 } <= 2s').metric).toEqual({ kind: 'max', stage: 'l3_window', phase: 'spike-1' });
    expect(parseError('p99(l1){stage: hold} < 1s')).toMatch(/at column 9: expected `phase`/);
    expect(parseError('p99(l1){phase: hold < 1s')).toMatch(/expected "}"/);
    expect(parseError('p99(l1){phase: } < 1s')).toMatch(/expected a phase name/);
    // Counters take no scope.
    expect(parseError('lost{phase: hold} == 0')).toMatch(/expected an operator/);
  });

  it('a phase-scoped gate cannot be abortOnFail: live figures are not split by phase', () => {
    expect(parseError('p99(l1){phase: hold} < 1s abortOnFail')).toMatch(/scoped to a phase \(\{phase: hold\}\) cannot be abortOnFail/);
  });

  it('evaluates on that phase\'s figures, not the whole run\'s, and fails saying why when the phase has none', () => {
    const whole = stageFixture(900);
    const hold = stageFixture(300);
    const s = subject({ stages: { l1_produce: whole }, phaseStages: { hold: { l1_produce: hold }, settle: {} } });
    const [all, scoped, settle, missing] = evaluateGates(['p99(l1) < 500ms', 'p99(l1){phase: hold} < 500ms', 'p99(l1){phase: settle} < 500ms', 'p99(l1){phase: spike} < 500ms'].map((e) => parseGate(e)), s);
    expect(all!.pass).toBe(false);
    expect(scoped).toMatchObject({ pass: true, actual: hold.p99Ms });
    expect(scoped!.message).toMatch(/^pass p99\(l1_produce\)\{phase: hold\} = /);
    expect(settle!.message).toMatch(/cannot evaluate, stage l1_produce was not measured in phase settle/);
    expect(missing!.message).toMatch(/phase spike has no figures in this run/);
  });
});
