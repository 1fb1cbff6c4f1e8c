import { EXIT, type ExitCode } from '../base/exit-codes.js';
import type { RunResult } from './result-schema.js';

/**
 * The one place that decides what a result means overall, so the terminal, summary.md,
 * report.html and the exit code can never disagree.
 *
 *  - PASS        completed, every invariant holds, every gate passes          → exit 0
 *  - FAIL        completed, but an invariant or a gate failed (or none ran)    → exit 1
 *  - INCOMPLETE  interrupted or cut short: nothing is proven                   → exit 130
 *  - ABORTED     an abortOnFail gate failed during the run; stopped early      → exit 1
 *  - FAILED      the harness or the stack broke: nothing is proven             → exit 2
 */
export type OverallStatus = 'PASS' | 'FAIL' | 'INCOMPLETE' | 'FAILED' | 'ABORTED';

export interface Overall {
  status: OverallStatus;
  exitCode: ExitCode;
  /** One line for a banner or a terminal. */
  headline: string;
  /** Why, one reason per line; empty on PASS. */
  reasons: string[];
}

export function overallOutcome(result: RunResult): Overall {
  const errorLines = result.errors.map((e) => `${e.code}: ${e.message}`);
  if (result.state === 'failed') {
    return {
      status: 'FAILED',
      exitCode: EXIT.HARNESS_ERROR,
      headline: 'FAILED — the harness or stack broke; nothing was proven',
      reasons: [result.reason, ...errorLines],
    };
  }
  if (result.state === 'incomplete') {
    return {
      status: 'INCOMPLETE',
      exitCode: EXIT.INTERRUPTED,
      headline: 'INCOMPLETE — partial run, NOT a pass',
      reasons: [result.reason, ...errorLines],
    };
  }
  if (result.state === 'aborted') {
    return {
      status: 'ABORTED',
      exitCode: EXIT.GATE_FAILED,
      headline: `ABORTED — gate \`${result.abortedBy}\` failed during the run (abortOnFail); stopped early, NOT a pass`,
      reasons: [result.reason, ...errorLines],
    };
  }
  const reasons: string[] = [];
  const invariants = result.verdict.invariants;
  if (invariants.length === 0) reasons.push('no invariant was checked, so exactly-once was not proven');
  for (const inv of invariants) {
    if (!inv.pass) reasons.push(`${inv.id} ${inv.name}: ${inv.violations} violation(s)`);
  }
  // A verdict that says pass while an invariant failed is contradictory: trust the failure.
  if (!result.verdict.pass && reasons.length === 0) reasons.push('the verifier reported a failed verdict');
  for (const gate of result.gates) {
    if (!gate.pass) reasons.push(`gate \`${gate.expression}\`: ${gate.message}`);
  }
  if (reasons.length > 0) {
    return {
      status: 'FAIL',
      exitCode: EXIT.GATE_FAILED,
      headline: `FAIL — ${reasons.length} problem(s): see below`,
      reasons,
    };
  }
  const gateText = result.gates.length === 0 ? 'no gates defined' : `${result.gates.length} gate(s) passed`;
  return {
    status: 'PASS',
    exitCode: EXIT.OK,
    headline: `PASS — ${invariants.length} invariant(s) hold, ${gateText}`,
    reasons: [],
  };
}
