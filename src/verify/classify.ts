import type { AnalyticsEvent } from '../contract/event.js';
import { Fingerprint } from './fingerprint.js';
import type { Recomputation, WindowComparison } from './recompute.js';
import { eventWindowKey } from './windows.js';

/**
 * Where did each raw-events record end up? I2 holds when every record is in exactly one of: a
 * committed window result (its window's final fingerprint matches), late-events, or the DLQ.
 *
 * Results carry only fingerprints, so "in a result" is decided per window: the window's final
 * fingerprint equals the expected one. When it instead equals expected + the window's diverted
 * events, the processor counted events it also sent to a sink: those are `multiple`.
 * Categories:
 *   result     counted in its window's matching result
 *   late, dlq  in exactly that sink (and not also counted)
 *   none       in no result and no sink (its window has no result, or it is invalid and not in the DLQ)
 *   multiple   in more than one place (both sinks, a sink twice, or a sink and a result)
 *   unverified its window's result exists but its fingerprint matches no explanation
 */

export type EventCategory = 'result' | 'late' | 'dlq' | 'none' | 'multiple' | 'unverified';

type WindowStatus = 'matched' | 'counted-and-diverted' | 'missing' | 'mismatched';

export interface EventClassification {
  /** raw-events records per category; they sum to `records`. */
  counts: Record<EventCategory, number>;
  records: number;
  /** raw-events records beyond the first of their identity (an I1 problem, reported apart). */
  duplicatesIngested: number;
  /** Sink identities that were never in raw-events. */
  phantom: { late: number; dlq: number };
  /** DLQ records without identity that match no raw-events record. */
  unmatchedDlq: number;
  /** True when every record is in exactly one of result / late / dlq and nothing is unexplained. */
  ok: boolean;
  /** One line per kind of violation, for reports. */
  problems: string[];
  /** The category of one valid event (as the counts above classify its record). */
  categoryOf(event: AnalyticsEvent): EventCategory;
}

const conflictSets = new WeakMap<WindowComparison, Set<string>>();

function conflictedKeys(comparison: WindowComparison): Set<string> {
  let keys = conflictSets.get(comparison);
  if (!keys) {
    keys = new Set(comparison.conflicts.map((conflict) => conflict.key));
    conflictSets.set(comparison, keys);
  }
  return keys;
}

function windowStatus(recomputation: Recomputation, comparison: WindowComparison, key: string): WindowStatus {
  const actual = comparison.final.get(key);
  if (!actual) return 'missing';
  const expected = recomputation.expected.get(key);
  const conflicted = conflictedKeys(comparison).has(key);
  if (expected && expected.equals(actual) && !conflicted) return 'matched';
  const diverted = recomputation.diverted.get(key);
  if (diverted && !conflicted) {
    const explained = (expected?.clone() ?? new Fingerprint()).merge(diverted.fingerprint);
    if (explained.equals(actual)) return 'counted-and-diverted';
  }
  return 'mismatched';
}

export function classifyEvents(recomputation: Recomputation, comparison: WindowComparison): EventClassification {
  const { occurrences, ledgers } = recomputation;
  const counts: Record<EventCategory, number> = {
    result: 0,
    late: occurrences.late,
    dlq: occurrences.dlq,
    none: occurrences.none,
    multiple: occurrences.multiple,
    unverified: 0,
  };
  const statusCache = new Map<string, WindowStatus>();
  const statusOf = (key: string): WindowStatus => {
    let status = statusCache.get(key);
    if (!status) {
      status = windowStatus(recomputation, comparison, key);
      statusCache.set(key, status);
    }
    return status;
  };
  for (const [key, expected] of recomputation.expected) {
    const status = statusOf(key);
    const category: EventCategory =
      status === 'missing' ? 'none' : status === 'mismatched' ? 'unverified' : 'result';
    counts[category] += expected.count;
  }
  for (const [key, diverted] of recomputation.diverted) {
    if (statusOf(key) !== 'counted-and-diverted') continue;
    counts.late -= diverted.late;
    counts.dlq -= diverted.dlq;
    counts.multiple += diverted.late + diverted.dlq;
  }
  // A sink holding an identity more often than raw-events did: one raw record, two sink records.
  const rawOnce = ledgers.raw.seen.difference(ledgers.raw.repeated);
  const lateTwice = ledgers.late.repeated.intersection(rawOnce).countNotIn(ledgers.dlq.seen);
  const dlqTwice = ledgers.dlq.repeated.intersection(rawOnce).countNotIn(ledgers.late.seen);
  const movedLate = Math.min(lateTwice, counts.late);
  const movedDlq = Math.min(dlqTwice, counts.dlq);
  counts.late -= movedLate;
  counts.dlq -= movedDlq;
  counts.multiple += movedLate + movedDlq;

  const phantom = {
    late: ledgers.late.seen.countNotIn(ledgers.raw.seen),
    dlq: ledgers.dlq.seen.countNotIn(ledgers.raw.seen),
  };
  const unmatchedDlq = recomputation.unmatchedDlqPositions.size + recomputation.anonymousDlq;
  const problems: string[] = [];
  if (counts.none > 0) problems.push(`${counts.none} raw-events records are in no result and no sink`);
  if (counts.multiple > 0) problems.push(`${counts.multiple} raw-events records are in more than one place`);
  if (counts.unverified > 0) problems.push(`${counts.unverified} raw-events records are in windows whose result does not match`);
  if (phantom.late + phantom.dlq > 0) problems.push(`${phantom.late} late-events and ${phantom.dlq} DLQ identities were never ingested`);
  if (unmatchedDlq > 0) problems.push(`${unmatchedDlq} DLQ records without identity match no raw-events record`);
  // A result for a window whose events all went to a sink is a wrong result (mismatched), not one
  // for events never ingested.
  const unexplained = comparison.unexpected.filter((entry) => statusOf(entry.key) !== 'counted-and-diverted' && !recomputation.diverted.has(entry.key)).length;
  if (unexplained > 0) problems.push(`${unexplained} window results count events that were never ingested`);
  if (occurrences.untrackable > 0) {
    problems.push(`${occurrences.untrackable} events have a seq beyond the bitmap range: their sinks were not checked`);
  }
  if (comparison.conflicts.length > 0) problems.push(`${comparison.conflicts.length} result keys have conflicting final revisions`);

  const categoryOf = (event: AnalyticsEvent): EventCategory => {
    const { generatorId, seq } = event;
    const inLate = ledgers.late.has(generatorId, seq);
    const inDlq = ledgers.dlq.has(generatorId, seq);
    const key = eventWindowKey(event.userId, event.eventTime, recomputation.windowMs);
    if (inLate && inDlq) return 'multiple';
    if (inLate || inDlq) {
      const twice = (inLate ? ledgers.late : ledgers.dlq).isRepeated(generatorId, seq) && !ledgers.raw.isRepeated(generatorId, seq);
      return twice || statusOf(key) === 'counted-and-diverted' ? 'multiple' : inLate ? 'late' : 'dlq';
    }
    const status = statusOf(key);
    return status === 'matched' || status === 'counted-and-diverted' ? 'result' : status === 'missing' ? 'none' : 'unverified';
  };

  return {
    counts,
    records: occurrences.records,
    duplicatesIngested: ledgers.raw.extraOccurrences,
    phantom,
    unmatchedDlq,
    ok: problems.length === 0,
    problems,
    categoryOf,
  };
}
