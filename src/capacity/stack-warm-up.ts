import type { RunResult } from '../report/result-schema.js';
import type { ProbeShape } from './probe.js';
import { HOLD_PHASE } from './probe.js';

/**
 * The stack warm-up (pure): one unjudged run at the start rate before the first probe.
 *
 * Why: a broker JVM that has just started (a fresh `stack up`, a broker restarted by a fault run)
 * is slow under its first minutes of load — JIT compilation, heap sizing, first-touch of log
 * segments and of the transaction and offsets partitions. Searches that began on such a stack
 * failed their first two probes at rates a warm stack sustained 4× over, and the search then
 * spent its budget below the real knee (docs/capacity.md, "Reading the numbers"). Idle time
 * does not warm a JVM; load does. The warm-up's figures are recorded so the report shows
 * whether the stack had settled: the median of its per-second p99 L1 in each third of the hold.
 */
export const DEFAULT_STACK_WARM_UP_MS = 60_000;

/** The warm-up is a probe shape without gates: nothing about it is judged. */
export function stackWarmUpShape(startRate: number, holdMs: number, warmUpMs: number, drainTimeoutMs: number, instances: number): ProbeShape {
  return { rate: startRate, holdMs, settleMs: 0, warmUpMs, drainTimeoutMs, instances, thresholds: [] };
}

export interface StackWarmUpOutcome {
  rate: number;
  holdMs: number;
  instances: number;
  startedAt: string;
  durationMs: number;
  resultDir: string;
  state: RunResult['state'];
  achievedEventsPerS: number;
  onTimeShare: number | null;
  /** Median over the seconds of each third of the hold of that second's p99 L1 (ms); null where no second had one. */
  p99L1ByThirdMs: [number | null, number | null, number | null];
  /** The stack was still getting faster in the hold's last third (its median p99 L1 below 80 % of the middle third's). */
  stillWarming: boolean;
  summary: string;
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Per-second p99 L1 of the hold, its thirds' medians. */
export function p99L1ByThird(result: Pick<RunResult, 'timeSeries'>): [number | null, number | null, number | null] {
  const hold = result.timeSeries.filter((r) => r.phase === HOLD_PHASE);
  const third = Math.ceil(hold.length / 3);
  const at = (i: number) =>
    median(
      hold
        .slice(i * third, (i + 1) * third)
        .map((r) => r.p99Ms.l1_produce)
        .filter((v): v is number => typeof v === 'number'),
    );
  return [at(0), at(1), at(2)];
}

/** Still improving at the end: a longer warm-up would have given steadier first probes. */
export const STILL_WARMING_RATIO = 0.8;

export function summarizeStackWarmUp(
  result: RunResult,
  meta: { rate: number; holdMs: number; instances: number; startedAt: string; durationMs: number; resultDir: string },
): StackWarmUpOutcome {
  const thirds = p99L1ByThird(result);
  const [, middle, last] = thirds;
  const stillWarming = middle !== null && last !== null && last < STILL_WARMING_RATIO * middle;
  const fmt = (v: number | null) => (v === null ? '—' : `${Math.round(v)}`);
  const figures = `median per-second p99 L1 by third of the hold ${thirds.map(fmt).join(' → ')} ms`;
  const summary =
    result.state !== 'completed'
      ? `the stack warm-up did not complete (${result.state}: ${result.reason})`
      : stillWarming
        ? `${figures}: still getting faster at its end, so the first probes may still run on a warming stack (a longer --stack-warm-up steadies them)`
        : `${figures}: settled`;
  return {
    ...meta,
    state: result.state,
    achievedEventsPerS: result.rates.achievedEventsPerS,
    onTimeShare: result.counters.onTimeShare ?? null,
    p99L1ByThirdMs: thirds,
    stillWarming,
    summary,
  };
}
