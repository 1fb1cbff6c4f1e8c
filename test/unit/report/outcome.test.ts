import { describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/base/exit-codes.js';
import { overallOutcome } from '../../../src/report/outcome.js';
import type { CompletedResult } from '../../../src/report/result-schema.js';
import { completedResultFixture, failedResultFixture, incompleteResultFixture } from '../../fixtures/report/result-fixture.js';

describe('overallOutcome', () => {
  it('PASS → exit 0 when every invariant holds and every gate passes', () => {
    expect(overallOutcome(completedResultFixture())).toEqual({
      status: 'PASS',
      exitCode: EXIT.OK,
      headline: 'PASS — 3 invariant(s) hold, 2 gate(s) passed',
      reasons: [],
    });
  });

  it('FAIL → exit 1 on a failed gate', () => {
    const base = completedResultFixture();
    const result: CompletedResult = { ...base, gates: [{ ...base.gates[0]!, pass: false, message: 'FAIL p99(l3_window) = 2.5 s, expected < 2 s' }] };
    expect(overallOutcome(result)).toMatchObject({
      status: 'FAIL',
      exitCode: EXIT.GATE_FAILED,
      reasons: ['gate `p99(l3) < 2s`: FAIL p99(l3_window) = 2.5 s, expected < 2 s'],
    });
  });

  it('FAIL when the verdict failed, even with no failing invariant listed', () => {
    const base = completedResultFixture();
    expect(overallOutcome({ ...base, verdict: { ...base.verdict, pass: false } })).toMatchObject({
      status: 'FAIL',
      reasons: ['the verifier reported a failed verdict'],
    });
  });

  it('FAIL when no invariant was checked: exactly-once was not proven', () => {
    expect(overallOutcome({ ...completedResultFixture(), verdict: { pass: true, invariants: [] } })).toMatchObject({
      status: 'FAIL',
      exitCode: EXIT.GATE_FAILED,
      reasons: ['no invariant was checked, so exactly-once was not proven'],
    });
  });

  it('INCOMPLETE → exit 130 and FAILED → exit 2, whatever the gates say', () => {
    const incomplete = incompleteResultFixture();
    expect(incomplete.gates.every((g) => g.pass)).toBe(true);
    expect(overallOutcome(incomplete)).toMatchObject({ status: 'INCOMPLETE', exitCode: EXIT.INTERRUPTED, reasons: ['interrupted by SIGINT after 42 s'] });
    expect(overallOutcome(failedResultFixture())).toMatchObject({
      status: 'FAILED',
      exitCode: EXIT.HARNESS_ERROR,
      reasons: ['Kafka broker 1 did not become healthy', 'SP_SERVICE_UNHEALTHY: Kafka broker 1 did not become healthy'],
    });
  });
});
