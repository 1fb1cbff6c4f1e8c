/**
 * The capacity search, pure: which rate to probe next from the outcomes so far, and what was
 * found. No clock, no I/O, so unit tests drive it with synthetic (also noisy, non-monotonic)
 * outcomes.
 *
 *  1. Exponential steps up: from the start rate, multiply by `growth` while probes pass, until
 *     one fails (or `maxRate` passes). If the very first probe fails, step down by the same
 *     factor until one passes (or `minRate` fails: nothing is sustainable).
 *  2. Bisection between the highest passing rate L and the lowest failing rate H above it, until
 *     (H − L) / L ≤ precision.
 *  3. Noise: a rate's status is the majority of its probes. A contradiction — a rate that failed
 *     below one that passed — is re-probed (up to `maxProbesPerRate` times in all) before the
 *     search trusts it; one that stays contradictory after that is kept, the found rate is the
 *     highest passing rate below the lowest failing one (conservative), and the report says so.
 *     Before bisection stops, both bounds are probed a second time: one failure caused by noise
 *     would otherwise end the search below the real capacity, one lucky pass above it.
 */
export interface SearchSettings {
  startRate: number;
  /** Factor of the exponential steps (> 1). */
  growth: number;
  /** Relative width (H − L) / L at which bisection stops, e.g. 0.05. */
  precision: number;
  minRate: number;
  maxRate: number;
  /** Probes of one rate at most (the first plus re-probes). */
  maxProbesPerRate: number;
}

export interface ProbeRecord {
  rate: number;
  sustainable: boolean;
}

export type SearchStep =
  | { kind: 'probe'; rate: number; why: string }
  | { kind: 'done'; found: SearchFinding };

export interface SearchFinding {
  /** Highest rate judged sustainable; null when none was (even minRate failed). */
  foundRate: number | null;
  /** Lowest rate judged unsustainable above foundRate; null when none failed (maxRate passed). */
  failedRate: number | null;
  /** (failedRate − foundRate) / foundRate; null without both. */
  achievedPrecision: number | null;
  converged: boolean;
  /** Why the search stopped, one sentence. */
  reason: string;
  /** Contradictions seen and how they were settled, for the report. */
  notes: string[];
}

/** A rate's probes and what they amount to. */
export interface RateStatus {
  rate: number;
  passes: number;
  fails: number;
  /** Majority; a tie counts as not sustainable (conservative) until settled by another probe. */
  sustainable: boolean;
}

/** Rates are probed in whole events/s: a probe at 1234.56 ev/s says nothing more than at 1235. */
export function roundRate(rate: number): number {
  return Math.max(1, Math.round(rate));
}

export function rateStatuses(records: readonly ProbeRecord[]): RateStatus[] {
  const byRate = new Map<number, RateStatus>();
  for (const r of records) {
    const s = byRate.get(r.rate) ?? { rate: r.rate, passes: 0, fails: 0, sustainable: false };
    if (r.sustainable) s.passes += 1;
    else s.fails += 1;
    s.sustainable = s.passes > s.fails;
    byRate.set(r.rate, s);
  }
  return [...byRate.values()].sort((a, b) => a.rate - b.rate);
}

function probes(statuses: readonly RateStatus[], rate: number): number {
  const s = statuses.find((x) => x.rate === rate);
  return s ? s.passes + s.fails : 0;
}

export function validateSettings(s: SearchSettings): string[] {
  const problems: string[] = [];
  if (!(s.growth > 1)) problems.push(`growth ${s.growth} must be above 1`);
  if (!(s.precision > 0 && s.precision < 1)) problems.push(`precision ${s.precision} must be between 0 and 1 (exclusive)`);
  if (!(s.minRate >= 1)) problems.push(`minRate ${s.minRate} must be at least 1 event/s`);
  if (!(s.maxRate > s.minRate)) problems.push(`maxRate ${s.maxRate} must be above minRate ${s.minRate}`);
  if (!(s.startRate >= s.minRate && s.startRate <= s.maxRate)) problems.push(`startRate ${s.startRate} must lie within [${s.minRate}, ${s.maxRate}]`);
  if (!(Number.isInteger(s.maxProbesPerRate) && s.maxProbesPerRate >= 1)) problems.push(`maxProbesPerRate ${s.maxProbesPerRate} must be a whole number ≥ 1`);
  return problems;
}

/**
 * The next step: a rate to probe, or done with the finding. Deterministic in its inputs.
 */
export function nextStep(settings: SearchSettings, records: readonly ProbeRecord[]): SearchStep {
  const statuses = rateStatuses(records);
  const notes = contradictionNotes(statuses, settings);
  if (records.length === 0) return { kind: 'probe', rate: roundRate(settings.startRate), why: 'start rate' };

  // Settle contradictions first: a failed rate below a passing one, or a tie.
  const contradiction = firstUnsettled(statuses, settings);
  if (contradiction) return { kind: 'probe', rate: contradiction.rate, why: contradiction.why };

  const passing = statuses.filter((s) => s.sustainable);
  const failing = statuses.filter((s) => !s.sustainable);
  const lowestFail = failing.length > 0 ? failing[0]! : null;
  // The highest pass below the lowest fail: a pass above a fail that re-probing did not settle
  // is not trusted (conservative).
  const belowFail = passing.filter((s) => lowestFail === null || s.rate < lowestFail.rate);
  const best = belowFail.length > 0 ? belowFail[belowFail.length - 1]! : null;

  if (best === null) {
    // Nothing passes yet: step down from the lowest failure.
    const down = roundRate(lowestFail!.rate / settings.growth);
    if (lowestFail!.rate <= settings.minRate || down >= lowestFail!.rate) {
      return done(null, lowestFail!.rate, false, `even the lowest rate probed (${lowestFail!.rate} events/s, the minimum) was not sustainable`, notes);
    }
    return { kind: 'probe', rate: Math.max(roundRate(settings.minRate), down), why: `stepping down: ${lowestFail!.rate} events/s failed and nothing passed yet` };
  }
  if (lowestFail === null) {
    if (best.rate >= settings.maxRate) return done(best.rate, null, false, `the maximum rate (${settings.maxRate} events/s) was sustainable: the capacity is at least that`, notes);
    const up = Math.min(roundRate(settings.maxRate), roundRate(best.rate * settings.growth));
    return { kind: 'probe', rate: up, why: `stepping up ×${settings.growth}: ${best.rate} events/s passed` };
  }
  const width = (lowestFail.rate - best.rate) / best.rate;
  const mid = roundRate((best.rate + lowestFail.rate) / 2);
  if (width <= settings.precision || mid <= best.rate || mid >= lowestFail.rate) {
    // One failure is not trusted to end the search: noise makes a sustainable rate fail now and
    // then, and the search would converge below it. Confirm it first (a pass makes it a tie,
    // which a third probe settles).
    if (probes(statuses, lowestFail.rate) < Math.min(2, settings.maxProbesPerRate)) {
      return { kind: 'probe', rate: lowestFail.rate, why: `confirming the failure at ${lowestFail.rate} events/s before stopping` };
    }
    // Nor one lucky pass to be the answer: the found rate is what a user will plan with.
    if (probes(statuses, best.rate) < Math.min(2, settings.maxProbesPerRate)) {
      return { kind: 'probe', rate: best.rate, why: `confirming the pass at ${best.rate} events/s before stopping` };
    }
    return done(best.rate, lowestFail.rate, true, `bisection reached ${(width * 100).toFixed(1)} % ≤ the precision ${(settings.precision * 100).toFixed(1)} %`, notes);
  }
  return { kind: 'probe', rate: mid, why: `bisecting between ${best.rate} (passed) and ${lowestFail.rate} (failed)` };
}

function done(foundRate: number | null, failedRate: number | null, converged: boolean, reason: string, notes: string[]): SearchStep {
  const achievedPrecision = foundRate !== null && failedRate !== null ? (failedRate - foundRate) / foundRate : null;
  return { kind: 'done', found: { foundRate, failedRate, achievedPrecision, converged, reason, notes } };
}

/** The finding from what was probed so far, for a search cut short by its budget or Ctrl-C. */
export function findingSoFar(settings: SearchSettings, records: readonly ProbeRecord[], reason: string): SearchFinding {
  const step = nextStep(settings, records);
  if (step.kind === 'done') return step.found;
  const statuses = rateStatuses(records);
  const failing = statuses.filter((s) => !s.sustainable);
  const lowestFail = failing[0] ?? null;
  const passing = statuses.filter((s) => s.sustainable && (lowestFail === null || s.rate < lowestFail.rate));
  const best = passing[passing.length - 1] ?? null;
  const found = done(best?.rate ?? null, lowestFail?.rate ?? null, false, reason, contradictionNotes(statuses, settings));
  return (found as { kind: 'done'; found: SearchFinding }).found;
}

/** A rate whose outcome contradicts another and may still be re-probed. */
function firstUnsettled(statuses: readonly RateStatus[], settings: SearchSettings): { rate: number; why: string } | null {
  for (const s of statuses) {
    if (probes(statuses, s.rate) >= settings.maxProbesPerRate) continue;
    if (s.passes === s.fails) return { rate: s.rate, why: `re-probe: ${s.rate} events/s passed ${s.passes} and failed ${s.fails} time(s)` };
    if (!s.sustainable) {
      const higherPass = statuses.find((o) => o.rate > s.rate && o.sustainable);
      if (higherPass) return { rate: s.rate, why: `re-probe: ${s.rate} events/s failed below ${higherPass.rate} events/s, which passed (noise or a non-monotonic pipeline)` };
    }
  }
  return null;
}

function contradictionNotes(statuses: readonly RateStatus[], settings: SearchSettings): string[] {
  const notes: string[] = [];
  for (const s of statuses) {
    const n = s.passes + s.fails;
    if (n > 1) notes.push(`${s.rate} events/s probed ${n} times: ${s.passes} passed, ${s.fails} failed → ${s.sustainable ? 'sustainable' : 'not sustainable'}${s.passes > 0 && s.fails > 0 ? ' (noisy)' : ''}`);
    if (!s.sustainable && n >= settings.maxProbesPerRate) {
      const higherPass = statuses.find((o) => o.rate > s.rate && o.sustainable);
      if (higherPass) notes.push(`non-monotonic: ${s.rate} events/s failed after ${n} probe(s) although ${higherPass.rate} events/s passed; the found rate is kept below ${s.rate} (conservative)`);
    }
  }
  return notes;
}
