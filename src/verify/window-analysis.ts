import { classifyEvents, type EventClassification } from './classify.js';
import { Fingerprint, type FingerprintJson } from './fingerprint.js';
import { compareWindowResults, type Recomputation, type WindowComparison, type WindowResultLike } from './recompute.js';

/**
 * Window-level reading of I2: the comparison of final results with the expected fingerprints,
 * classify.ts's per-event categories, and the windows sorted into what went wrong with them:
 *  - missing: expected events, no result at all;
 *  - diverted-and-counted: the result equals expected + the window's late/DLQ events, i.e. the
 *    processor counted events it also sent to a sink (classify.ts's rule; the events are `multiple`);
 *  - mismatched: the final result matches no explanation (a wrong count, a lost or extra event);
 *    a key whose final revision was committed with different fingerprints is a revision conflict
 *    (counted by the result ledger) and is left out here, so one defect is counted once;
 *  - conflicted: those keys, with how many more events their final result (the later text, what
 *    a compacted topic keeps) counts than the window has outside the sinks — countings beyond the
 *    first, which the duplicate count must include although the window is reported as a conflict;
 *    a result for a window whose every event went to a sink, and which counts some other set of
 *    them than exactly those, is mismatched too (its expected fingerprint is empty);
 *  - unexpected: a result for a window no ingested event belongs to.
 */

export interface MismatchedWindow {
  key: string;
  revision: number;
  expected: FingerprintJson;
  actual: FingerprintJson;
  /** actual.count − expected.count. */
  countDelta: number;
  /** expected − actual as a fingerprint: one event's hash when exactly one event is missing. */
  difference: Fingerprint;
}

export interface WindowAnalysis {
  comparison: WindowComparison;
  classification: EventClassification;
  missing: { key: string; expected: FingerprintJson }[];
  divertedAndCounted: { key: string; late: number; dlq: number }[];
  mismatched: MismatchedWindow[];
  unexpected: { key: string; revision: number; actual: FingerprintJson }[];
  conflicted: { key: string; revision: number; countDelta: number }[];
}

function explainedByDiversion(recomputation: Recomputation, key: string, actual: Fingerprint): boolean {
  const diverted = recomputation.diverted.get(key);
  if (!diverted) return false;
  const explained = (recomputation.expected.get(key)?.clone() ?? new Fingerprint()).merge(diverted.fingerprint);
  return explained.equals(actual);
}

export function analyseWindows(recomputation: Recomputation, committedResults: Iterable<WindowResultLike>): WindowAnalysis {
  const comparison = compareWindowResults(recomputation.expected, committedResults);
  const classification = classifyEvents(recomputation, comparison);
  const conflicted = new Set(comparison.conflicts.map((c) => c.key));
  const analysis: WindowAnalysis = { comparison, classification, missing: comparison.missing, divertedAndCounted: [], mismatched: [], unexpected: [], conflicted: [] };
  const diversion = (key: string) => {
    const diverted = recomputation.diverted.get(key);
    analysis.divertedAndCounted.push({ key, late: diverted?.late ?? 0, dlq: diverted?.dlq ?? 0 });
  };
  for (const entry of comparison.mismatched) {
    if (conflicted.has(entry.key)) continue;
    const actual = Fingerprint.parse(entry.actual);
    if (explainedByDiversion(recomputation, entry.key, actual)) {
      diversion(entry.key);
      continue;
    }
    const expected = Fingerprint.parse(entry.expected);
    analysis.mismatched.push({ ...entry, countDelta: actual.count - expected.count, difference: expected.minus(actual) });
  }
  for (const { key, revision } of comparison.conflicts) {
    const expected = recomputation.expected.get(key);
    const final = comparison.final.get(key);
    if (expected && final) analysis.conflicted.push({ key, revision, countDelta: final.count - expected.count });
  }
  for (const entry of comparison.unexpected) {
    if (conflicted.has(entry.key)) continue;
    const actual = Fingerprint.parse(entry.actual);
    if (explainedByDiversion(recomputation, entry.key, actual)) diversion(entry.key);
    else if (recomputation.diverted.has(entry.key)) {
      // Every event of the window went to a sink, and the result counts some other set of them
      // (a replay counted one again): a wrong result for ingested events, not a phantom window.
      const expected = new Fingerprint();
      analysis.mismatched.push({ ...entry, expected: expected.toJSON(), countDelta: actual.count, difference: expected.minus(actual) });
    } else analysis.unexpected.push(entry);
  }
  return analysis;
}
