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

export function assertBudget(budgetMs: number, probeMs: number, instanceCounts: number): void {
  const needed = probeMs * instanceCounts;
  if (budgetMs < needed) {
    throw new StreamproofError(
      ERROR_CODES.INVALID_ARGUMENT,
      `--budget ${formatDuration(budgetMs)} is too small for one probe${instanceCounts > 1 ? ` per instance count (${instanceCounts} counts)` : ''}: a probe of this scenario takes about ${formatDuration(probeMs)} (setup, warm-up, hold, drain, verify)`,
      { hint: `give at least --budget ${formatDuration(Math.ceil(needed / 60_000) * 60_000)} (a useful search needs 5 or more probes: --budget ${formatDuration(Math.ceil((needed * 5) / 60_000) * 60_000)}), or shorten the probe with --hold` },
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
