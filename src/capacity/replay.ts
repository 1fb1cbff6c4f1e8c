import type { RunResult } from '../report/result-schema.js';
import { formatRate } from './format.js';

/**
 * The found rate checked outside the search (`--replay`): the scenario as a plain run of
 * REPLAY_DURATION_MS at the found rate, and at REPLAY_ABOVE × the found rate, with the scenario's
 * own gates (not the probe criterion). The found rate is confirmed when the first passes and the
 * second does not: a knee that plain runs see where the search put it. Pure: what to run and what
 * the outcomes mean; the CLI runs them.
 */
export const REPLAY_DURATION_MS = 60_000;
export const REPLAY_ABOVE = 1.3;

export interface ReplayRun {
  label: 'found' | 'above';
  rate: number;
  resultDir: string;
  state: RunResult['state'];
  /** Completed, every gate passed, every invariant held. */
  pass: boolean;
  failedGates: string[];
  onTimeShare: number | null;
}

export interface ReplayCheck {
  instances: number;
  foundRate: number;
  durationMs: number;
  runs: ReplayRun[];
  /** found passed and above failed. */
  confirmed: boolean;
  summary: string;
}

export function replayRates(foundRate: number): Array<{ label: ReplayRun['label']; rate: number }> {
  return [
    { label: 'found', rate: foundRate },
    { label: 'above', rate: Math.round(foundRate * REPLAY_ABOVE) },
  ];
}

export function replayRun(label: ReplayRun['label'], rate: number, resultDir: string, result: RunResult): ReplayRun {
  const failedGates = result.gates.filter((g) => !g.pass).map((g) => g.message);
  const verdictPass = result.verdict !== null && result.verdict.pass;
  return {
    label,
    rate,
    resultDir,
    state: result.state,
    pass: result.state === 'completed' && failedGates.length === 0 && verdictPass,
    failedGates: verdictPass || result.verdict === null ? failedGates : [...failedGates, 'an invariant failed'],
    onTimeShare: result.counters.onTimeShare ?? null,
  };
}

export function judgeReplay(instances: number, foundRate: number, runs: readonly ReplayRun[]): ReplayCheck {
  const found = runs.find((r) => r.label === 'found');
  const above = runs.find((r) => r.label === 'above');
  const confirmed = found?.pass === true && above !== undefined && !above.pass;
  let summary: string;
  if (!found || !above) summary = 'incomplete: not every replay ran';
  else if (confirmed) summary = `confirmed: ${formatRate(found.rate)} passes the scenario's gates as a plain run, ${formatRate(above.rate)} does not`;
  else if (!found.pass) summary = `NOT confirmed: the found rate ${formatRate(found.rate)} failed as a plain run (${found.failedGates.join('; ') || found.state}): the search was too lenient, or the machine changed`;
  else summary = `NOT confirmed: ${formatRate(above.rate)} (${REPLAY_ABOVE} × the found rate) also passes as a plain run: the search's criterion is stricter than the scenario's gates, or the knee lies higher than the search found`;
  return { instances, foundRate, durationMs: REPLAY_DURATION_MS, runs: [...runs], confirmed, summary };
}
