import { idsOf } from './examples.js';
import type { RawScanStats } from './expected-stream.js';
import type { PinpointFindings } from './pinpoint.js';
import type { Recomputation } from './recompute.js';
import type { DeliveryFindings, ResultFindings } from './result-ledger.js';
import type { ValueFindings } from './values.js';
import type { DuplicateLedger, SequenceLedger } from '../base/sequence-ledger.js';
import { invariantReport, notChecked, type InvariantReport } from './verdict.js';
import type { WindowAnalysis } from './window-analysis.js';

/**
 * The three invariants of docs/verification.md, evaluated (pure) from what the verifier accumulated.
 * Each report lists counts, the names of the counts that are violations, and up to `limit`
 * examples per violation kind (`<kind>: <event id | window key | position> ...`), followed by
 * examples of informational counts (aborted results, S3 duplicates) which never fail a run.
 */

/**
 * The ingest ledger as the verifier needs it: one SequenceLedger per outcome. IngestLedger
 * (the ingest side's record of acknowledgements) fits as is; `acked` alone is enough.
 */
export interface IngestEvidence {
  acked: SequenceLedger;
  /** Sends answered with an error or a timeout: unacknowledged, may or may not be present. */
  failed?: SequenceLedger;
  /** Refused before anything was produced: must be absent. */
  refused?: SequenceLedger;
  /** Every identity handed to a transport; those with no outcome are unresolved (like failed). */
  sent?: SequenceLedger;
  malformed?: SequenceLedger;
}

/** What a read_committed pass over raw-events saw, for I1. */
export interface RawObservation {
  occurrences: DuplicateLedger;
  stats: RawScanStats;
  duplicateExamples: readonly string[];
  unidentifiedExamples: readonly string[];
}

export const I1_VIOLATIONS = ['lost', 'duplicated', 'refusedPresent', 'neverSent', 'unidentified', 'untrackable'] as const;
export const I2_VIOLATIONS = [
  'missing',
  'multiple',
  'miscounted',
  'resultsUnexpected',
  'phantomLate',
  'phantomDlq',
  'unmatchedDlq',
  'invalidSinkRecords',
  'unjustifiedDlq',
  'unjustifiedLate',
  'emittedMoreThanOnce',
  'revisionConflicts',
  'revisionsUnexplained',
  'inconsistentResults',
  'invalidResults',
  'valueMismatches',
] as const;
export const I3_VIOLATIONS = ['missing', 'unexpected'] as const;

/** Examples of one kind: those given first, then fillers, at most `limit`, each `label: text`. */
function examplesOf(label: string, limit: number, ...sources: (readonly string[] | (() => readonly string[]))[]): string[] {
  const out: string[] = [];
  for (const source of sources) {
    if (out.length >= limit) break;
    const items = typeof source === 'function' ? source() : source;
    for (const item of items) {
      if (out.length >= limit) break;
      out.push(`${label}: ${item}`);
    }
  }
  return out;
}

/** What I1 cannot check without the ingest ledger (a kept run whose ledger file is gone). */
export const NEEDS_LEDGER = ['lost', 'neverSent', 'refusedPresent', 'unackedPresent'] as const;

/** I1 from raw-events alone: duplicates and records without identity; the ledger's checks are named as not made. */
function evaluateIngestWithoutLedger(raw: RawObservation, limit: number): InvariantReport {
  const counts: Record<string, number> = {
    present: raw.occurrences.seen.count,
    records: raw.stats.records,
    controlRecords: raw.stats.control,
    duplicated: raw.occurrences.extraOccurrences,
    unidentified: raw.stats.unidentified,
    untrackable: raw.stats.untrackable,
  };
  const examples = [
    `not checked (no ingest ledger): ${NEEDS_LEDGER.join(', ')} — they compare raw-events with what the producer was told was acknowledged`,
    ...examplesOf('duplicated', limit, raw.duplicateExamples),
    ...examplesOf('unidentified', limit, raw.unidentifiedExamples),
  ];
  const report = invariantReport({ id: 'I1', counts, violationKinds: ['duplicated', 'unidentified', 'untrackable'], examples });
  report.name += ` — PARTLY CHECKED (no ingest ledger: ${NEEDS_LEDGER.join(', ')} not checked)`;
  return report;
}

export function evaluateIngest(ledger: IngestEvidence | null, raw: RawObservation, limit = 5): InvariantReport {
  if (!ledger) return evaluateIngestWithoutLedger(raw, limit);
  const seen = raw.occurrences.seen;
  const lost = ledger.acked.difference(seen);
  let resolved = ledger.acked;
  for (const other of [ledger.failed, ledger.refused]) if (other) resolved = resolved.union(other);
  // Identities the transports knew about: those sent, and any with an outcome.
  const known = ledger.sent ? ledger.sent.union(resolved) : resolved;
  const refusedPresent = ledger.refused ? seen.intersection(ledger.refused) : null;
  const neverSent = seen.difference(known);
  let unacked = seen.intersection(known).difference(ledger.acked);
  if (ledger.refused) unacked = unacked.difference(ledger.refused);
  const counts: Record<string, number> = {
    acked: ledger.acked.count,
    present: seen.count,
    records: raw.stats.records,
    controlRecords: raw.stats.control,
    lost: lost.count,
    duplicated: raw.occurrences.extraOccurrences,
    failed: ledger.failed?.count ?? 0,
    unackedPresent: unacked.count,
    refusedPresent: refusedPresent?.count ?? 0,
    neverSent: neverSent.count,
    unidentified: raw.stats.unidentified,
    untrackable: raw.stats.untrackable,
  };
  if (ledger.sent) counts.unresolved = ledger.sent.countNotIn(resolved);
  if (ledger.malformed) counts.malformedAcked = ledger.malformed.intersection(ledger.acked).count;
  const examples = [
    ...examplesOf('lost', limit, () => idsOf(lost, limit)),
    ...examplesOf('duplicated', limit, raw.duplicateExamples),
    ...examplesOf('refused but present', limit, () => (refusedPresent ? idsOf(refusedPresent, limit) : [])),
    ...examplesOf('never sent but present', limit, () => idsOf(neverSent, limit)),
    ...examplesOf('unidentified', limit, raw.unidentifiedExamples),
  ];
  return invariantReport({ id: 'I1', counts, violationKinds: I1_VIOLATIONS, examples });
}

export interface ProcessingEvidence {
  recomputation: Recomputation;
  analysis: WindowAnalysis;
  results: ResultFindings;
  stats: RawScanStats;
  /** late-events / DLQ values that are not the processor's side-output format. */
  invalidSinkRecords: { count: number; examples: readonly string[] };
  /** DLQ records whose reason code contradicts the verifier's own judgment of the raw record. */
  unjustifiedDlq?: { count: number; examples: readonly string[] };
  /** late-events records the raw record they name does not prove late (sink-proofs.ts). */
  unjustifiedLate?: { count: number; examples: readonly string[] };
  /** Event ids behind window-level violations, from the second pass (examples only). */
  pinpoint?: PinpointFindings;
  /** The per-field check of final results (values.ts). */
  values?: ValueFindings;
  /** The processor emitted no fingerprints: said in the invariant's name. */
  valuesOnly?: boolean;
}

const fp = (f: { count: number; hashSum: string }): string => `${f.count}/${f.hashSum}`;

/**
 * Every counting of a raw-events record beyond its first — what an at-least-once processor leaves
 * after re-reading a batch: counted in a result and also in a sink (diverted-and-counted windows,
 * and the positive side of mismatched ones), in both sinks, a sink record again (by identity, for
 * identities raw-events holds once; by position for DLQ records without identity). Exact when no
 * window's result also misses events (a result that drops one event and counts another twice
 * nets to 0 here; miscounted still reports it). A key emitted with two different results at its
 * highest revision counts by its later one, the result a compacted topic keeps.
 */
function countingsBeyondFirst(rc: Recomputation, analysis: WindowAnalysis, overCounted: number): number {
  const { late, dlq, raw } = rc.ledgers;
  let extra = overCounted;
  // A window emitted twice with different results (a replay on state that missed the batch): its
  // final result's countings beyond the window's events count too; the conflict itself is reported.
  for (const w of analysis.conflicted) extra += Math.max(0, w.countDelta);
  for (const w of analysis.divertedAndCounted) extra += w.late + w.dlq;
  extra += late.seen.intersection(dlq.seen).intersection(raw.seen).count;
  for (const sink of [late, dlq]) {
    for (const { generatorId, seq, sightings } of sink.repeatedSightings()) {
      if (raw.has(generatorId, seq) && !raw.isRepeated(generatorId, seq)) extra += sightings - 1;
    }
  }
  for (const [position, copies] of rc.dlqPositionCopies) if (!rc.unmatchedDlqPositions.has(position)) extra += copies;
  return extra;
}

export function evaluateProcessing(evidence: ProcessingEvidence, limit = 5): InvariantReport {
  const { recomputation: rc, analysis, results } = evidence;
  const { classification } = analysis;
  const { late, dlq, raw } = rc.ledgers;
  const miscounted = analysis.mismatched.reduce((sum, w) => sum + Math.max(1, Math.abs(w.countDelta)), 0);
  // The positive side of miscounted: countings beyond the window's events outside the sinks — an
  // event counted twice, or counted and also sent to a sink (what an at-least-once replay leaves).
  const overCounted = analysis.mismatched.reduce((sum, w) => sum + Math.max(0, w.countDelta), 0);
  const extraCountings = countingsBeyondFirst(rc, analysis, overCounted);
  const counts: Record<string, number> = {
    events: evidence.stats.records,
    inResults: classification.counts.result,
    late: classification.counts.late,
    dlq: classification.counts.dlq,
    missing: classification.counts.none,
    multiple: classification.counts.multiple,
    miscounted,
    overCounted,
    extraCountings,
    unverified: classification.counts.unverified,
    windows: rc.expected.size,
    windowsMatched: analysis.comparison.matched.length,
    windowsMismatched: analysis.mismatched.length,
    windowsMissing: analysis.missing.length,
    countDelta: analysis.mismatched.reduce((sum, w) => sum + Math.abs(w.countDelta), 0),
    resultsUnexpected: analysis.unexpected.reduce((sum, r) => sum + r.actual.count, 0),
    phantomLate: classification.phantom.late,
    phantomDlq: classification.phantom.dlq,
    unmatchedDlq: classification.unmatchedDlq,
    invalidSinkRecords: evidence.invalidSinkRecords.count,
    unjustifiedDlq: evidence.unjustifiedDlq?.count ?? 0,
    unjustifiedLate: evidence.unjustifiedLate?.count ?? 0,
    results: results.committedRecords,
    finalResults: results.finalResults,
    emittedMoreThanOnce: results.emittedMoreThanOnce,
    revisionConflicts: results.revisionConflicts,
    revisionsUnexplained: results.revisionsUnexplained,
    inconsistentResults: results.inconsistentResults,
    invalidResults: results.invalidResults,
    abortedResults: results.abortedResults,
    controlRecords: evidence.stats.control,
    untrackable: evidence.stats.untrackable,
    valueMismatches: evidence.values?.mismatches ?? 0,
    valuesChecked: evidence.values?.checked ?? 0,
    resultsWithWrongValues: evidence.values?.resultsWithWrongValues ?? 0,
  };
  // Grouped by field (supporting figures: their sum is valueMismatches).
  for (const [field, n] of Object.entries(evidence.values?.byField ?? {})) counts[`wrong.${field}`] = n;
  const pin = evidence.pinpoint ?? { missing: [], multiple: [], miscounted: [] };
  const rawOnce = () => raw.seen.difference(raw.repeated);
  const examples = [
    ...examplesOf('missing', limit,
      pin.missing,
      analysis.missing.map((w) => `window ${w.key} has no result (${w.expected.count} events)`),
      rc.noneSamples.map((label) => `${label} is not a valid event and not in the DLQ`)),
    ...examplesOf('multiple', limit,
      pin.multiple,
      () => idsOf(late.seen.intersection(dlq.seen).intersection(raw.seen), limit).map((id) => `${id} is in late-events and the DLQ`),
      analysis.divertedAndCounted.map((w) => `result ${w.key} counts its ${w.late + w.dlq} event(s) also sent to ${w.late > 0 ? 'late-events' : 'the DLQ'}`),
      () => idsOf(late.repeated.union(dlq.repeated).intersection(rawOnce()), limit).map((id) => `${id} is in a sink twice`)),
    ...examplesOf('miscounted', limit,
      pin.miscounted,
      analysis.mismatched.map((w) => `result ${w.key} rev ${w.revision}: expected ${fp(w.expected)}, actual ${fp(w.actual)}`)),
    ...examplesOf('unexpected result', limit, analysis.unexpected.map((r) => `${r.key} rev ${r.revision} counts ${r.actual.count} event(s), none ingested for it`)),
    ...examplesOf('phantom late', limit, () => idsOf(late.seen.difference(raw.seen), limit)),
    ...examplesOf('phantom dlq', limit, () => idsOf(dlq.seen.difference(raw.seen), limit)),
    ...examplesOf('unmatched dlq', limit, () => [...rc.unmatchedDlqPositions].slice(0, limit).map((p) => `DLQ record of raw-events ${p} matches no raw record`)),
    ...examplesOf('invalid sink record', limit, evidence.invalidSinkRecords.examples),
    ...examplesOf('unjustified dlq', limit, evidence.unjustifiedDlq?.examples ?? []),
    ...examplesOf('unjustified late', limit, evidence.unjustifiedLate?.examples ?? []),
    ...examplesOf('emitted twice', limit, results.examples.emittedMoreThanOnce),
    ...examplesOf('revision conflict', limit, results.examples.revisionConflicts),
    ...examplesOf('revision unexplained', limit, results.examples.revisionsUnexplained),
    ...examplesOf('inconsistent result', limit, results.examples.inconsistentResults),
    ...examplesOf('invalid result', limit, results.examples.invalidResults),
    ...examplesOf('wrong value', limit, evidence.values?.examples ?? []),
    ...examplesOf('aborted (excluded, not a violation)', limit, results.examples.abortedResults),
  ];
  const report = invariantReport({ id: 'I2', counts, violationKinds: I2_VIOLATIONS, examples });
  if (evidence.valuesOnly) {
    counts.valuesOnly = 1;
    report.name += ' — VALUES ONLY (the results carry no fingerprints: decided by recomputing every value; an event swapped for a look-alike is not seen, and a wrong window cannot name its events)';
  }
  return report;
}

/** I3 from what S3 holds; null findings = delivery disabled: reported as not checked. */
export function evaluateDelivery(findings: DeliveryFindings | null, limit = 5, notCheckedReason = 'delivery is disabled in this scenario'): InvariantReport {
  if (!findings) return notChecked('I3', notCheckedReason);
  const counts: Record<string, number> = {
    finalResults: findings.finalResults,
    delivered: findings.delivered,
    missing: findings.missing,
    unexpected: findings.unexpected,
    duplicates: findings.duplicates,
    superseded: findings.superseded,
    objects: findings.objects,
    records: findings.records,
    unterminatedObjects: findings.unterminatedObjects,
    unparsableLines: findings.unparsableLines,
  };
  const examples = [
    ...examplesOf('missing from S3', limit, findings.examples.missing),
    ...examplesOf('unexpected in S3', limit, findings.examples.unexpected),
    ...examplesOf('duplicate in S3 (de-duplicated, not a violation)', limit, findings.examples.duplicates),
  ];
  return invariantReport({ id: 'I3', counts, violationKinds: I3_VIOLATIONS, examples });
}
