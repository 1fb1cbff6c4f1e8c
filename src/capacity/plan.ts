import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { parseGate } from '../report/gates.js';
import type { Scenario } from '../scenario/schema.js';
import { formatDuration } from './format.js';

/**
 * Checks before the first probe (pure): a budget that cannot hold one probe, a precision finer
 * than the measured noise, gates a probe cannot evaluate. Each refusal says what would work.
 */

/** Seconds a probe spends outside its warm-up and hold before any probe has been timed. */
export const SETUP_ESTIMATE_MS = 15_000;
export const VERIFY_ESTIMATE_MS = 5_000;

/** A probe's expected length before one was timed: setup, warm-up, hold, the drain of its last windows, verification. */
export function estimatedProbeMs(scenario: Scenario, holdMs: number, warmUpMs: number, drainTimeoutMs: number): number {
  const windowClose = scenario.processor.windowMs + scenario.processor.outOfOrdernessMs + 5_000;
  return SETUP_ESTIMATE_MS + warmUpMs + holdMs + Math.min(drainTimeoutMs, windowClose) + VERIFY_ESTIMATE_MS;
}

/**
 * The budget must hold the stack warm-up (stackWarmUpMs: its whole run, 0 when none) and one
 * probe per instance count; the hint also names what a useful search (5 probes per count) needs.
 */
export function assertBudget(budgetMs: number, probeMs: number, instanceCounts: number, stackWarmUpMs = 0): void {
  const needed = stackWarmUpMs + probeMs * instanceCounts;
  if (budgetMs < needed) {
    const warm = stackWarmUpMs > 0 ? ` after the stack warm-up (about ${formatDuration(stackWarmUpMs)})` : '';
    throw new StreamproofError(
      ERROR_CODES.INVALID_ARGUMENT,
      `--budget ${formatDuration(budgetMs)} is too small for one probe${instanceCounts > 1 ? ` per instance count (${instanceCounts} counts)` : ''}${warm}: a probe of this scenario takes about ${formatDuration(probeMs)} (setup, warm-up, hold, drain, verify)`,
      {
        hint: `give at least --budget ${formatDuration(Math.ceil(needed / 60_000) * 60_000)} (a useful search needs 5 or more probes: --budget ${formatDuration(Math.ceil((stackWarmUpMs + probeMs * instanceCounts * 5) / 60_000) * 60_000)}), or shorten the probe with --hold${stackWarmUpMs > 0 ? ' or the warm-up with --stack-warm-up (0s on a stack that has just carried load)' : ''}`,
      },
    );
  }
}

export function assertPrecision(precision: number, floor: number, method: string): void {
  if (precision < floor) {
    throw new StreamproofError(
      ERROR_CODES.INVALID_ARGUMENT,
      `--precision ${(precision * 100).toFixed(1)}% is finer than this machine's measured noise ${(floor * 100).toFixed(1)}%: two searches would disagree by more than that`,
      { hint: `use --precision ${Math.ceil(floor * 100)}% or coarser (measured: ${method})` },
    );
  }
}

/** Counters a single constant-rate probe cannot produce: they need a fault or a phase change. */
const NOT_PER_PROBE: Record<string, string> = {
  lagRecoveryS: 'lag recovery is measured after a fault, and a probe injects none',
};

/** Refuses a scenario a probe cannot judge: faults (a probe is one constant rate) and gates no probe can evaluate. */
export function assertProbeable(scenario: Scenario, slos: readonly string[]): void {
  const problems: string[] = [];
  if (scenario.faults.length > 0) problems.push(`it injects ${scenario.faults.length} fault(s): a probe is one constant rate without faults, so the capacity would be of a different experiment`);
  for (const t of [...scenario.thresholds, ...slos]) {
    const gate = parseGate(t);
    if (gate.metric.kind === 'counter' && NOT_PER_PROBE[gate.metric.name]) problems.push(`gate \`${gate.expression}\`: ${NOT_PER_PROBE[gate.metric.name]}`);
  }
  if (problems.length > 0) {
    throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `scenario ${scenario.name} cannot be judged per probe: ${problems.join('; ')}`, {
      hint: 'use a scenario without faults and without fault-recovery gates (e.g. smoke or steady-state), or copy this one without them',
    });
  }
}

export function parseSlo(text: string): string {
  try {
    return parseGate(text).expression;
  } catch (error) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--slo "${text}": ${(error as Error).message}`, { hint: 'an SLO is a gate expression, e.g. --slo "p99(l3) < 5s" (grammar: docs/gates.md)' });
  }
}
