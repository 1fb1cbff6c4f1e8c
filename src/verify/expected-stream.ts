import type { AnalyticsEvent } from '../contract/event.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { endOfInputTime } from './control.js';
import { checkEvent } from './event-check.js';
import { ExampleList, positionText } from './examples.js';
import { Fingerprint } from './fingerprint.js';
import { ExpectedWindow } from './window-values.js';
import type { KnownSettings } from './settings.js';
import { SinkProofs, type RawKind } from './sink-proofs.js';
import { extractIdentity, type EventIdentity } from './identity.js';
import type { Recomputation, SinkRecordInput } from './recompute.js';
import { isTrackableSeq } from '../base/sequence-bitmap.js';
import { DuplicateLedger } from '../base/sequence-ledger.js';
import { assertWindowLength, windowKeyOf, windowStartOf } from './windows.js';

/**
 * recomputeExpected (recompute.ts) as a streaming accumulator, for topics read record by record
 * through a callback: feed every late-events and DLQ record first, then raw-events, then take
 * `recomputation` (the same object recomputeExpected returns, so classify.ts and
 * compareWindowResults apply unchanged). A unit test holds the two to the same answers.
 *
 * Memory: sequence bitmaps plus one Fingerprint per window; no raw value is kept.
 * Differences from recomputeExpected, all about raw-events records that are not events:
 *  - end-of-input control records are skipped and counted apart, by the contract's rule
 *    (control.ts, docs/contract.md "End of input": a look-alike is an ordinary record, which the
 *    processor must send to the DLQ), so they are never "unaccounted";
 *  - the I1 figures ride along: records without a trackable identity (`unidentified`), valid
 *    events whose seq no bitmap can hold (`untrackable`), and an example of each duplicate;
 *  - DLQ reason codes are checked against the verifier's own judgment of the raw record
 *    (`unjustifiedDlq`): a valid event sent to the DLQ as "not an event", a key-mismatch whose key
 *    is the userId, an invalid record sent as a valid event that could not be counted.
 * Validation is the verifier's own (event-check.ts, written from docs/contract.md), not the
 * processor's decoder.
 */

export interface RawRecord {
  key: string | null;
  value: string | null;
  partition: number;
  offset: bigint | number | string;
  /** The record's Kafka timestamp (ms), when read from Kafka: bounds for the side-output proofs. */
  timestampMs?: number;
}

export interface RawScanStats {
  /** raw-events records that are not control records. */
  records: number;
  /** Control records skipped in raw-events. */
  control: number;
  /** Records that are not valid events and carry no trackable identity. */
  unidentified: number;
  /** Valid events whose seq is beyond what a bitmap holds (their sinks cannot be checked). */
  untrackable: number;
}

interface Decoded {
  event: AnalyticsEvent | null;
  identity: EventIdentity | null;
  /** false: the value does not parse as JSON (the DLQ code is then not-json). */
  json?: false;
}

/** A raw-events value judged by the verifier's own event check, with its best-effort identity. */
export function decodeRawValue(value: string): Decoded {
  let decoded: unknown;
  try {
    decoded = JSON.parse(value);
  } catch {
    return { event: null, identity: extractIdentity(value), json: false };
  }
  const checked = checkEvent(decoded);
  if (checked.ok) return { event: checked.event, identity: { generatorId: checked.event.generatorId, seq: checked.event.seq } };
  return { event: null, identity: extractIdentity(value, decoded) };
}

function positionOf(partition: number | undefined, offset: bigint | number | string | undefined): string | null {
  return partition === undefined || offset === undefined ? null : `${partition}:${String(offset)}`;
}

export class ExpectedAccumulator {
  readonly stats: RawScanStats = { records: 0, control: 0, unidentified: 0, untrackable: 0 };
  /** raw-events records beyond the first of their identity, with their position. */
  readonly duplicateExamples: ExampleList;
  /** raw-events records without a trackable identity, by position. */
  readonly unidentifiedExamples: ExampleList;
  /** The side outputs' proofs against the raw records they name (sink-proofs.ts). */
  readonly proofs: SinkProofs;
  private readonly state: Recomputation;
  /** userId → its most recent window (the same object as in state.expected). */
  private readonly currentWindow = new Map<string, { startMs: number; fingerprint: ExpectedWindow }>();
  private readonly sampleLimit: number;
  private rawStarted = false;
  private finished = false;
  /** How the record being accounted reads (addRaw sets it; addEvent's records are valid events). */
  private reading: RawKind = 'event';
  /**
   * Per raw-events partition, the largest event time read so far that raises a watermark: valid
   * events not in the DLQ (counted or late) and control records (docs/contract.md, "Watermarks").
   */
  readonly partitionMaxEventTimeMs: number[] = [];

  constructor(options: { windowMs: number; exampleLimit?: number; settings?: KnownSettings }) {
    assertWindowLength(options.windowMs);
    this.sampleLimit = options.exampleLimit ?? 5;
    this.duplicateExamples = new ExampleList(this.sampleLimit);
    this.unidentifiedExamples = new ExampleList(this.sampleLimit);
    this.proofs = new SinkProofs(options.windowMs, options.settings ?? {}, this.sampleLimit);
    this.state = {
      windowMs: options.windowMs,
      expected: new Map(),
      diverted: new Map(),
      ledgers: { raw: new DuplicateLedger(), late: new DuplicateLedger(), dlq: new DuplicateLedger() },
      occurrences: { records: 0, counted: 0, late: 0, dlq: 0, multiple: 0, none: 0, untrackable: 0 },
      unmatchedDlqPositions: new Set(),
      dlqPositionCopies: new Map(),
      anonymousDlq: 0,
      noneSamples: [],
    };
  }

  get recomputation(): Recomputation {
    return this.state;
  }

  private sinkPhase(what: string): void {
    if (this.rawStarted) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `${what} record added after raw-events records`, {
        hint: 'read late-events and the DLQ completely before raw-events: each raw record is classified against them',
      });
    }
  }

  addLate(record: SinkRecordInput): void {
    this.sinkPhase('late-events');
    if (record.generatorId !== null && record.seq !== null && isTrackableSeq(record.seq)) {
      this.state.ledgers.late.add(record.generatorId, record.seq);
    }
    const position = positionOf(record.sourcePartition ?? record.partition, record.sourceOffset ?? record.offset);
    if (record.late && position !== null) this.proofs.addLate(position, record.late);
  }

  addDlq(record: SinkRecordInput): void {
    this.sinkPhase('DLQ');
    const { generatorId, seq } = record;
    if (generatorId !== null && seq !== null && isTrackableSeq(seq)) {
      this.state.ledgers.dlq.add(generatorId, seq);
    }
    const position = positionOf(record.sourcePartition ?? record.partition, record.sourceOffset ?? record.offset);
    if (record.dlq && position !== null) this.proofs.addDlq(position, record.dlq);
    if (generatorId !== null && seq !== null && isTrackableSeq(seq)) return;
    if (position === null) this.state.anonymousDlq += 1;
    else if (this.state.unmatchedDlqPositions.has(position)) {
      this.state.dlqPositionCopies.set(position, (this.state.dlqPositionCopies.get(position) ?? 0) + 1);
    } else this.state.unmatchedDlqPositions.add(position);
  }

  addRaw(record: RawRecord): void {
    this.rawStarted = true;
    const controlTime = endOfInputTime(record.key, record.value);
    if (controlTime !== null) {
      this.stats.control += 1;
      this.observeEventTime(record.partition, controlTime);
      return;
    }
    if (record.timestampMs !== undefined) this.proofs.observeTimestamp(record.partition, record.timestampMs);
    if (record.value === null) {
      this.reading = 'no-value';
      this.account(null, null, record, record.key);
    } else {
      const { event, identity, json } = decodeRawValue(record.value);
      this.reading = event ? 'event' : json === false ? 'not-json' : 'invalid-event';
      this.account(event, identity, record, record.key);
    }
    this.reading = 'event';
  }

  /** After the raw pass: settle what the side outputs' proofs could only decide at the end. */
  finish(): void {
    if (this.finished) return;
    this.finished = true;
    const expected = this.state.expected;
    this.proofs.finish(this.maxEventTimeMs, (key) => {
      const partition = expected.get(key)?.partition;
      return partition === undefined || partition < 0 ? undefined : partition;
    }, (generatorId, seq) => this.state.ledgers.raw.has(generatorId, seq));
  }

  get unjustifiedDlq(): ExampleList {
    this.finish();
    return this.proofs.unjustifiedDlq;
  }

  get unjustifiedLate(): ExampleList {
    this.finish();
    return this.proofs.unjustifiedLate;
  }

  /** A sink names this record's position: prove the sink record from it (the record as account() sees it). */
  private prove(event: AnalyticsEvent | null, identity: EventIdentity | null, record: RawRecord | { partition: number; offset: bigint | number | string }, key: string | null): void {
    const full = record as Partial<RawRecord> & { partition: number; offset: bigint | number | string };
    this.proofs.checkRaw(
      `${record.partition}:${String(record.offset)}`,
      {
        kind: this.reading,
        event,
        identity,
        key,
        value: full.value === undefined ? JSON.stringify(event) : full.value,
        partition: record.partition,
        offset: record.offset,
        ...(full.timestampMs !== undefined ? { timestampMs: full.timestampMs } : {}),
      },
      this.partitionMaxEventTimeMs[record.partition],
    );
  }

  /** A raw-events record that is already a decoded, valid event keyed by its userId: the same accounting, no parsing. */
  addEvent(event: AnalyticsEvent, position: { partition: number; offset: bigint | number | string }): void {
    this.rawStarted = true;
    // The key goes apart from the position: a merged object per event cost more than the rest of the accounting.
    this.account(event, event, position, event.userId);
  }

  private account(event: AnalyticsEvent | null, identity: EventIdentity | null, record: { partition: number; offset: bigint | number | string }, key: string | null): void {
    const state = this.state;
    const counts = state.occurrences;
    counts.records += 1;
    this.stats.records += 1;
    if (identity === null || !isTrackableSeq(identity.seq)) {
      if (event) {
        this.observeEventTime(record.partition, event.eventTime);
        counts.untrackable += 1;
        this.stats.untrackable += 1;
        this.addExpected(event, record.partition);
        return;
      }
      this.stats.unidentified += 1;
      this.unidentifiedExamples.add(() => positionText(record.partition, record.offset));
      if (this.proofs.hasClaims) this.prove(null, identity, record, key);
      const position = positionOf(record.partition, record.offset) as string;
      if (state.unmatchedDlqPositions.delete(position)) {
        // The same record in the DLQ again is in more than one place (invariants.ts counts the copies).
        if (state.dlqPositionCopies.has(position)) counts.multiple += 1;
        else counts.dlq += 1;
      } else this.none(positionText(record.partition, record.offset));
      return;
    }
    const { generatorId, seq } = identity;
    if (state.ledgers.raw.add(generatorId, seq) === 'duplicate') {
      this.duplicateExamples.add(() => `${generatorId}:${seq} again at ${positionText(record.partition, record.offset)}`);
    }
    const inLate = state.ledgers.late.has(generatorId, seq);
    const inDlq = state.ledgers.dlq.has(generatorId, seq);
    // Proved before the event raises its partition's event time: lateness is judged before it applies.
    if ((inLate || inDlq) && this.proofs.hasClaims) this.prove(event, identity, record, key);
    if (event && !inDlq) this.observeEventTime(record.partition, event.eventTime);
    if (inLate && inDlq) counts.multiple += 1;
    else if (inLate || inDlq) {
      if (inLate) counts.late += 1;
      else counts.dlq += 1;
      if (event) this.addDiverted(event, inLate);
    } else if (event) this.addExpected(event, record.partition);
    else this.none(`${generatorId}:${seq} (${positionText(record.partition, record.offset)})`);
  }

  /** The largest watermark-raising event time on any partition (−∞ when none). */
  get maxEventTimeMs(): number {
    let max = -Infinity;
    for (const t of this.partitionMaxEventTimeMs) if (t !== undefined && t > max) max = t;
    return max;
  }

  private observeEventTime(partition: number, eventTimeMs: number): void {
    const current = this.partitionMaxEventTimeMs[partition];
    if (current === undefined || eventTimeMs > current) this.partitionMaxEventTimeMs[partition] = eventTimeMs;
  }

  private none(label: string): void {
    this.state.occurrences.none += 1;
    if (this.state.noneSamples.length < this.sampleLimit) this.state.noneSamples.push(label);
  }

  /**
   * The expected fingerprint of the event's window. Building `userId|start` for every event
   * (number to string, concatenation, hashing the new string) cost more than everything else per
   * event, so each user's current window is cached: events arrive roughly in time order, and the
   * string key is built only when a user's window changes (or for an out-of-order event).
   */
  private expectedFor(event: AnalyticsEvent, startMs: number): ExpectedWindow {
    const current = this.currentWindow.get(event.userId);
    if (current !== undefined && current.startMs === startMs) return current.fingerprint;
    const key = windowKeyOf(event.userId, startMs);
    let fingerprint = this.state.expected.get(key);
    if (!fingerprint) {
      fingerprint = new ExpectedWindow();
      this.state.expected.set(key, fingerprint);
    }
    if (current === undefined) this.currentWindow.set(event.userId, { startMs, fingerprint });
    else {
      current.startMs = startMs;
      current.fingerprint = fingerprint;
    }
    return fingerprint;
  }

  private addExpected(event: AnalyticsEvent, partition: number): void {
    const startMs = windowStartOf(event.eventTime, this.state.windowMs);
    const window = this.expectedFor(event, startMs);
    // A valid event's eventId is `generatorId:seq` (event-check.ts), so its parts hash the same.
    window.addEvent(event.generatorId, event.seq);
    window.addValues(event, startMs, partition);
    this.state.occurrences.counted += 1;
  }

  private addDiverted(event: AnalyticsEvent, late: boolean): void {
    const key = windowKeyOf(event.userId, windowStartOf(event.eventTime, this.state.windowMs));
    let diverted = this.state.diverted.get(key);
    if (!diverted) {
      diverted = { fingerprint: new Fingerprint(), late: 0, dlq: 0 };
      this.state.diverted.set(key, diverted);
    }
    diverted.fingerprint.addEventId(event.eventId);
    if (late) diverted.late += 1;
    else diverted.dlq += 1;
  }
}
