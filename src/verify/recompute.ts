import type { AnalyticsEvent } from '../contract/event.js';
import type { DlqReasonCode } from '../contract/side-outputs.js';
import type { DlqClaim, LateClaim } from './sink-proofs.js';
import { checkEventText } from './event-check.js';
import { Fingerprint, type FingerprintJson } from './fingerprint.js';
import { extractIdentity, type EventIdentity } from './identity.js';
import { isTrackableSeq } from '../base/sequence-bitmap.js';
import { DuplicateLedger } from '../base/sequence-ledger.js';
import { assertWindowLength, eventWindowKey, windowStartOf } from './windows.js';
import { ExpectedWindow } from './window-values.js';

/**
 * Recomputes, from what was ingested into raw-events and what the processor sent to late-events
 * and the DLQ, the fingerprint every window result must carry (I2). One pass over raw-events;
 * memory is the per-window map plus sequence bitmaps, never a set of id strings.
 *
 * Each raw-events record (occurrence) is tentatively classified during the pass: late, dlq,
 * multiple (in both sinks), none (invalid and in no sink), or counted (expected in its window's
 * result). classify.ts settles the counted ones once the actual results are compared.
 */

/** A raw-events record: its value, and its position when known (to match DLQ records without identity). */
export interface RawRecordInput {
  value: string | null;
  partition?: number;
  offset?: bigint | number | string;
}

/** A raw-events value as text, an already-parsed event, or a record. */
export type RawEventInput = string | AnalyticsEvent | RawRecordInput;

/** Identity and source position of a late-events or DLQ record (LateValue/DlqValue or Late/DlqRecord). */
export interface SinkRecordInput {
  generatorId: string | null;
  seq: number | null;
  sourcePartition?: number;
  sourceOffset?: bigint | number | string;
  partition?: number;
  offset?: bigint | number | string;
  /** A DLQ record's reason code (docs/contract.md); checked by the streaming accumulator. */
  reasonCode?: DlqReasonCode;
  /** The whole late-events value, to prove it from the raw record it names (sink-proofs.ts). */
  late?: LateClaim;
  /** The whole DLQ value, likewise. */
  dlq?: DlqClaim;
}

export interface DivertedWindow {
  /** Fingerprint of the window's valid events that went to late-events or the DLQ (not both). */
  fingerprint: Fingerprint;
  late: number;
  dlq: number;
}

export interface OccurrenceCounts {
  /** raw-events records read. */
  records: number;
  /** Records expected inside a window result. */
  counted: number;
  late: number;
  dlq: number;
  /** Records found in both late-events and the DLQ. */
  multiple: number;
  /** Invalid records (no window) found in no sink. */
  none: number;
  /** Valid events whose seq no bitmap can hold: expected in their window (also in `counted`), sinks unchecked. */
  untrackable: number;
}

export interface Recomputation {
  windowMs: number;
  /** Window key → fingerprint and values of the raw events the result must have counted. */
  expected: Map<string, ExpectedWindow>;
  /** Window key → valid events of that window that the processor diverted to a sink. */
  diverted: Map<string, DivertedWindow>;
  ledgers: { raw: DuplicateLedger; late: DuplicateLedger; dlq: DuplicateLedger };
  occurrences: OccurrenceCounts;
  /** DLQ records without identity, by `partition:offset`, not matched to a raw record. */
  unmatchedDlqPositions: Set<string>;
  /** DLQ records without identity at a position already named by another: extra copies per `partition:offset` (a sink twice). */
  dlqPositionCopies: Map<string, number>;
  /** DLQ records with neither identity nor position. */
  anonymousDlq: number;
  /** Up to `sampleLimit` event ids (or positions) of records classified none. */
  noneSamples: string[];
}

export interface RecomputeInput {
  windowMs: number;
  raw: Iterable<RawEventInput>;
  late: Iterable<SinkRecordInput>;
  dlq: Iterable<SinkRecordInput>;
  sampleLimit?: number;
}

function positionOf(partition: number | undefined, offset: bigint | number | string | undefined): string | null {
  return partition === undefined || offset === undefined ? null : `${partition}:${String(offset)}`;
}

interface NormalizedRaw {
  event: AnalyticsEvent | null;
  identity: EventIdentity | null;
  position: string | null;
}

function normalizeRaw(input: RawEventInput): NormalizedRaw {
  if (typeof input === 'object' && 'eventId' in input) {
    return { event: input, identity: { generatorId: input.generatorId, seq: input.seq }, position: null };
  }
  const value = typeof input === 'string' ? input : input.value;
  const position = typeof input === 'string' ? null : positionOf(input.partition, input.offset);
  if (value === null) return { event: null, identity: null, position };
  const checked = checkEventText(value);
  if (checked.ok) return { event: checked.event, identity: { generatorId: checked.event.generatorId, seq: checked.event.seq }, position };
  return { event: null, identity: extractIdentity(value, checked.decoded), position };
}

function partitionOf(input: RawEventInput): number | undefined {
  return typeof input === 'object' && !('eventId' in input) ? input.partition : undefined;
}

function trackable(identity: EventIdentity | null): identity is EventIdentity {
  return identity !== null && isTrackableSeq(identity.seq);
}

export function recomputeExpected(input: RecomputeInput): Recomputation {
  assertWindowLength(input.windowMs);
  const sampleLimit = input.sampleLimit ?? 20;
  const ledgers = { raw: new DuplicateLedger(), late: new DuplicateLedger(), dlq: new DuplicateLedger() };
  const unmatchedDlqPositions = new Set<string>();
  const dlqPositionCopies = new Map<string, number>();
  let anonymousDlq = 0;
  for (const record of input.late) {
    if (record.generatorId !== null && record.seq !== null && isTrackableSeq(record.seq)) ledgers.late.add(record.generatorId, record.seq);
  }
  for (const record of input.dlq) {
    const identity = record.generatorId !== null && record.seq !== null ? { generatorId: record.generatorId, seq: record.seq } : null;
    if (trackable(identity)) {
      ledgers.dlq.add(identity.generatorId, identity.seq);
      continue;
    }
    const position = positionOf(record.sourcePartition ?? record.partition, record.sourceOffset ?? record.offset);
    if (position === null) anonymousDlq += 1;
    else if (unmatchedDlqPositions.has(position)) dlqPositionCopies.set(position, (dlqPositionCopies.get(position) ?? 0) + 1);
    else unmatchedDlqPositions.add(position);
  }

  const result: Recomputation = {
    windowMs: input.windowMs,
    expected: new Map(),
    diverted: new Map(),
    ledgers,
    occurrences: { records: 0, counted: 0, late: 0, dlq: 0, multiple: 0, none: 0, untrackable: 0 },
    unmatchedDlqPositions,
    dlqPositionCopies,
    anonymousDlq,
    noneSamples: [],
  };
  const counts = result.occurrences;
  const none = (label: string): void => {
    counts.none += 1;
    if (result.noneSamples.length < sampleLimit) result.noneSamples.push(label);
  };

  for (const input_ of input.raw) {
    counts.records += 1;
    const { event, identity, position } = normalizeRaw(input_);
    if (!trackable(identity)) {
      if (event) {
        counts.untrackable += 1;
        addExpected(result, event, partitionOf(input_));
      } else if (position !== null && unmatchedDlqPositions.delete(position)) {
        // The same record in the DLQ again is in more than one place (invariants.ts counts the copies).
        if (dlqPositionCopies.has(position)) counts.multiple += 1;
        else counts.dlq += 1;
      }
      else if (position === null && result.anonymousDlq > 0) {
        result.anonymousDlq -= 1;
        counts.dlq += 1;
      } else none(position ?? '(no identity, no position)');
      continue;
    }
    ledgers.raw.add(identity.generatorId, identity.seq);
    const inLate = ledgers.late.has(identity.generatorId, identity.seq);
    const inDlq = ledgers.dlq.has(identity.generatorId, identity.seq);
    if (inLate && inDlq) counts.multiple += 1;
    else if (inLate || inDlq) {
      if (inLate) counts.late += 1;
      else counts.dlq += 1;
      if (event) addDiverted(result, event, inLate);
    } else if (event) addExpected(result, event, partitionOf(input_));
    else none(`${identity.generatorId}:${identity.seq}`);
  }
  return result;
}

function keyOf(result: Recomputation, event: AnalyticsEvent): string {
  return eventWindowKey(event.userId, event.eventTime, result.windowMs);
}

function addExpected(result: Recomputation, event: AnalyticsEvent, partition: number | undefined): void {
  const key = keyOf(result, event);
  let fingerprint = result.expected.get(key);
  if (!fingerprint) {
    fingerprint = new ExpectedWindow();
    result.expected.set(key, fingerprint);
  }
  fingerprint.addEventId(event.eventId);
  fingerprint.addValues(event, windowStartOf(event.eventTime, result.windowMs), partition);
  result.occurrences.counted += 1;
}

function addDiverted(result: Recomputation, event: AnalyticsEvent, late: boolean): void {
  const key = keyOf(result, event);
  let diverted = result.diverted.get(key);
  if (!diverted) {
    diverted = { fingerprint: new Fingerprint(), late: 0, dlq: 0 };
    result.diverted.set(key, diverted);
  }
  diverted.fingerprint.addEventId(event.eventId);
  if (late) diverted.late += 1;
  else diverted.dlq += 1;
}

/** The parts of a window result the comparison reads (a parsed processed-events value fits). */
export interface WindowResultLike {
  key: string;
  revision: number;
  fingerprint: FingerprintJson;
}

export interface WindowComparison {
  /** Keys whose final result carries exactly the expected fingerprint. */
  matched: string[];
  mismatched: { key: string; revision: number; expected: FingerprintJson; actual: FingerprintJson }[];
  /** Expected windows with no result at all. */
  missing: { key: string; expected: FingerprintJson }[];
  /** Results for windows nothing counted should be in. */
  unexpected: { key: string; revision: number; actual: FingerprintJson }[];
  /** Keys whose highest revision appears with different fingerprints (state lost and rebuilt?). */
  conflicts: { key: string; revision: number; fingerprints: FingerprintJson[] }[];
  /** Final (highest-revision) fingerprint per key. */
  final: Map<string, Fingerprint>;
}

/**
 * Compares the final revision of every result key with the expected fingerprints. Results may be
 * read more than once (at-least-once reading): identical copies are harmless. `actualResults` is in
 * read order: of two different results at a key's highest revision, the later is its final one.
 */
export function compareWindowResults(expected: Map<string, Fingerprint>, actualResults: Iterable<WindowResultLike>): WindowComparison {
  const latest = new Map<string, { revision: number; fingerprint: Fingerprint; others: Fingerprint[] }>();
  for (const result of actualResults) {
    const fingerprint = Fingerprint.parse(result.fingerprint);
    const current = latest.get(result.key);
    if (!current || result.revision > current.revision) {
      latest.set(result.key, { revision: result.revision, fingerprint, others: [] });
    } else if (result.revision === current.revision && !current.fingerprint.equals(fingerprint)) {
      // Two different results at one revision: the later one is the key's final result (what a
      // compacted topic keeps); the earlier is kept as a conflict.
      const others = current.others.filter((other) => !other.equals(fingerprint));
      latest.set(result.key, { revision: result.revision, fingerprint, others: [...others, current.fingerprint] });
    }
  }
  const comparison: WindowComparison = { matched: [], mismatched: [], missing: [], unexpected: [], conflicts: [], final: new Map() };
  for (const [key, { revision, fingerprint, others }] of latest) {
    comparison.final.set(key, fingerprint);
    if (others.length > 0) {
      comparison.conflicts.push({ key, revision, fingerprints: [fingerprint, ...others].map((f) => f.toJSON()) });
    }
    const wanted = expected.get(key);
    if (!wanted) comparison.unexpected.push({ key, revision, actual: fingerprint.toJSON() });
    else if (wanted.equals(fingerprint) && others.length === 0) comparison.matched.push(key);
    else comparison.mismatched.push({ key, revision, expected: wanted.toJSON(), actual: fingerprint.toJSON() });
  }
  for (const [key, fingerprint] of expected) {
    if (!latest.has(key)) comparison.missing.push({ key, expected: fingerprint.toJSON() });
  }
  return comparison;
}
