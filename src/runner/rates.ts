/**
 * The run's rates from its counters, one definition for the final result (result-assembly.ts)
 * and the live abortOnFail gates (live-gates.ts); docs/results.md, on time and late.
 */

/**
 * The achieved rate's numerator: events sent on time (schedule lag ≤ run.onTimeMs) and then
 * acknowledged, so a sender that fell behind its schedule cannot report the target rate by
 * catching up late. An ingest report without `onTimeAcked` achieved nothing it can prove: 0.
 */
export function achievedEvents(counters: Readonly<Record<string, number>>): number {
  return counters.onTimeAcked ?? 0;
}

/** onTime ÷ scheduled, a fraction 0..1; undefined when either is missing or nothing was scheduled. */
export function onTimeShare(counters: Readonly<Record<string, number>>, scheduled = counters.scheduled): number | undefined {
  const onTime = counters.onTime;
  if (onTime === undefined || scheduled === undefined || !(scheduled > 0)) return undefined;
  return Math.min(1, onTime / scheduled);
}
