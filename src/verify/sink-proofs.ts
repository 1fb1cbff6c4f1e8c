import type { AnalyticsEvent } from '../contract/event.js';
import type { DlqReasonCode } from '../contract/side-outputs.js';
import { ExampleList, positionText } from './examples.js';
import { hashEventId } from './fingerprint.js';
import type { KnownSettings } from './settings.js';
import { windowKeyOf, windowStartOf } from './windows.js';

/**
 * Proofs of the side outputs (docs/verification.md, "Side outputs"): every DLQ record and every
 * late-events record names the raw-events position it came from; the raw record found there must
 * be the one it describes, and must have been diverted for the reason it states.
 *
 * DLQ, exact: the identity and the `raw` text are the raw record's; the reason code is the first
 * of the contract's checks that applies by the verifier's own reading (no-value, not-json,
 * invalid-event, key-mismatch). For a valid event keyed by its userId only `event-time-ahead` and
 * `partition-changed` remain, each held to what the log can show:
 *   event-time-ahead   never, when the processor has no event-time limit; with a limit A, the
 *                      event time must exceed the record's timestamp + A (processing time is at
 *                      least the timestamp, so a smaller event time was not ahead) — a bound;
 *   partition-changed  its window must be counted from another partition — a bound (the log does
 *                      not say whether that window was still open at the time).
 * Late, exact: a valid event keyed by its userId; its window key and end are the ones the verifier
 * assigns; the recorded watermark is ≥ window end + allowed lateness. Bounds: the recorded
 * watermark is ≤ the newest watermark-raising event time of the log − out-of-orderness, and, on a
 * partition whose record timestamps show no gap of idleTimeoutMs before it, counting from a known
 * lower bound of the processor's assignment to its first record (it cannot have been idle), ≤ its
 * own partition's newest event time before its offset − out-of-orderness.
 *
 * Memory: one small entry per sink record (never per raw event); raw texts are kept as a 64-bit hash.
 */

export interface LateClaim {
  generatorId: string;
  seq: number;
  eventId: string;
  windowKey: string;
  windowEndMs: number;
  watermarkMs: number;
  raw: string;
}

export interface DlqClaim {
  reasonCode: DlqReasonCode;
  generatorId: string | null;
  seq: number | null;
  raw: string | null;
}

/** The verifier's reading of a raw record: which DLQ code the contract's first three checks give, or a valid event. */
export type RawKind = 'no-value' | 'not-json' | 'invalid-event' | 'event';

export interface RawReading {
  kind: RawKind;
  event: AnalyticsEvent | null;
  identity: { generatorId: string; seq: number } | null;
  key: string | null;
  value: string | null;
  partition: number;
  offset: bigint | number | string;
  timestampMs?: number;
}

interface StoredLate extends Omit<LateClaim, 'raw'> {
  rawHi: number;
  rawLo: number;
  matched: boolean;
  /** Already reported: one violation per record. */
  refuted?: true;
}

interface StoredDlq extends Omit<DlqClaim, 'raw'> {
  rawHi: number;
  rawLo: number;
  rawNull: boolean;
  matched: boolean;
}

function sameText(text: string | null, hi: number, lo: number, isNull: boolean): boolean {
  if (text === null) return isNull;
  if (isNull) return false;
  const hash = hashEventId(text);
  return hash.hi === hi && hash.lo === lo;
}

export class SinkProofs {
  readonly unjustifiedDlq: ExampleList;
  readonly unjustifiedLate: ExampleList;
  private readonly late = new Map<string, StoredLate>();
  private readonly dlq = new Map<string, StoredDlq>();
  /** partition-changed claims, settled once every window's partitions are known. */
  private readonly partitionChanged: { windowKey: string; partition: number; label: string }[] = [];
  private readonly lastTimestampMs: number[] = [];
  private readonly mayHaveIdled: boolean[] = [];

  constructor(
    private readonly windowMs: number,
    private readonly settings: KnownSettings,
    limit: number,
  ) {
    this.unjustifiedDlq = new ExampleList(limit);
    this.unjustifiedLate = new ExampleList(limit);
  }

  get hasClaims(): boolean {
    return this.late.size > 0 || this.dlq.size > 0;
  }

  addLate(position: string, claim: LateClaim): void {
    const hash = hashEventId(claim.raw);
    const { raw: _raw, ...rest } = claim;
    if (!this.late.has(position)) this.late.set(position, { ...rest, rawHi: hash.hi, rawLo: hash.lo, matched: false });
  }

  addDlq(position: string, claim: DlqClaim): void {
    const hash = claim.raw === null ? { hi: 0, lo: 0 } : hashEventId(claim.raw);
    const { raw, ...rest } = claim;
    if (!this.dlq.has(position)) this.dlq.set(position, { ...rest, rawHi: hash.hi, rawLo: hash.lo, rawNull: raw === null, matched: false });
  }

  /** Every raw record's timestamp, in offset order per partition: a gap of idleTimeoutMs means the partition may have been idle. */
  observeTimestamp(partition: number, timestampMs: number): void {
    const idle = this.settings.idleTimeoutMs;
    // Before its first record a partition idles from its assignment, which the log does not show:
    // only a known lower bound of the assignment time can rule that out.
    const since = this.lastTimestampMs[partition] ?? this.settings.assignedNotBeforeMs;
    if (idle !== undefined && (since === undefined || timestampMs - since >= idle)) this.mayHaveIdled[partition] = true;
    this.lastTimestampMs[partition] = timestampMs;
  }

  /**
   * The raw record at `position`, checked against the sink records naming it. `partitionMaxBeforeMs`:
   * its partition's newest watermark-raising event time before it (undefined: none yet).
   */
  checkRaw(position: string, raw: RawReading, partitionMaxBeforeMs: number | undefined): void {
    const dlq = this.dlq.get(position);
    if (dlq) this.checkDlq(dlq, raw);
    const late = this.late.get(position);
    if (late) this.checkLate(late, raw, partitionMaxBeforeMs);
  }

  /**
   * After the raw pass: partition-changed claims against the windows' partitions, the global
   * watermark bound, and sink records whose named position held no record they describe.
   */
  finish(maxEventTimeMs: number, partitionOfWindow: (key: string) => number | undefined, ingested: (generatorId: string, seq: number) => boolean): void {
    for (const claim of this.partitionChanged) {
      const partition = partitionOfWindow(claim.windowKey);
      if (partition === undefined || partition === claim.partition) {
        this.unjustifiedDlq.add(() => `${claim.label} says partition-changed, but window ${claim.windowKey} counts no event from another partition`);
      }
    }
    const ceiling = maxEventTimeMs - (this.settings.outOfOrdernessMs ?? 0);
    for (const [position, late] of this.late) {
      if (!late.matched) {
        // An identity never ingested is a phantom (counted as such), not a misplaced record.
        if (ingested(late.generatorId, late.seq)) this.unjustifiedLate.add(() => `${late.eventId} names raw-events ${position}, which does not hold it`);
        continue;
      }
      if (!late.refuted && late.watermarkMs > ceiling) this.unjustifiedLate.add(() => `${late.eventId} judged late at watermark ${late.watermarkMs}, beyond what the log allows (≤ ${ceiling})`);
    }
    for (const [position, dlq] of this.dlq) {
      // Without identity an unmatched record is counted as unmatchedDlq already; never ingested, as phantomDlq.
      if (!dlq.matched && dlq.generatorId !== null && dlq.seq !== null && ingested(dlq.generatorId, dlq.seq)) this.unjustifiedDlq.add(() => `${dlq.generatorId}:${dlq.seq} names raw-events ${position}, which does not hold it`);
    }
  }

  private checkDlq(claim: StoredDlq, raw: RawReading): void {
    const label = `${claim.generatorId ?? '?'}:${claim.seq ?? '?'} (${positionText(raw.partition, raw.offset)})`;
    const identity = raw.identity;
    if (identity ? claim.generatorId !== identity.generatorId || claim.seq !== identity.seq : claim.generatorId !== null || claim.seq !== null) {
      // Not this record's DLQ entry: it is reported as naming a position that does not hold it.
      return;
    }
    claim.matched = true;
    const wrong = (why: string) => this.unjustifiedDlq.add(() => `${label} ${why}`);
    if (!sameText(raw.value, claim.rawHi, claim.rawLo, claim.rawNull)) return wrong('carries a raw value that is not the raw record\'s');
    const code = claim.reasonCode;
    if (raw.kind !== 'event') {
      if (code !== raw.kind) wrong(`is ${raw.kind === 'no-value' ? 'a record without value' : raw.kind === 'not-json' ? 'not JSON' : 'JSON but not a valid event'} (${raw.kind}), but the DLQ says ${code}`);
      return;
    }
    const event = raw.event as AnalyticsEvent;
    const keyMatches = raw.key === event.userId;
    if (code === 'no-value' || code === 'not-json' || code === 'invalid-event') return wrong(`is a valid event, but the DLQ says ${code}`);
    if (code === 'key-mismatch') {
      if (keyMatches) wrong('is keyed by its userId, but the DLQ says key-mismatch');
      return;
    }
    if (!keyMatches) return wrong(`has a key that is not its userId (key-mismatch comes first), but the DLQ says ${code}`);
    if (code === 'event-time-ahead') {
      const ahead = this.settings.maxEventTimeAheadMs;
      if (ahead === null) wrong('says event-time-ahead, but the processor has no event-time limit');
      else if (ahead !== undefined && raw.timestampMs !== undefined && event.eventTime <= raw.timestampMs + ahead) {
        wrong(`says event-time-ahead, but its eventTime ${event.eventTime} is within ${ahead} ms of its record time ${raw.timestampMs}`);
      }
      return;
    }
    // partition-changed: settled in finish().
    this.partitionChanged.push({ windowKey: windowKeyOf(event.userId, windowStartOf(event.eventTime, this.windowMs)), partition: raw.partition, label });
  }

  private checkLate(claim: StoredLate, raw: RawReading, partitionMaxBeforeMs: number | undefined): void {
    const identity = raw.identity;
    if (!identity || claim.generatorId !== identity.generatorId || claim.seq !== identity.seq) return; // reported in finish()
    claim.matched = true;
    const wrong = (why: string) => {
      claim.refuted = true;
      this.unjustifiedLate.add(() => `${claim.eventId} (${positionText(raw.partition, raw.offset)}) ${why}`);
    };
    if (!sameText(raw.value, claim.rawHi, claim.rawLo, false)) return wrong('carries a raw value that is not the raw record\'s');
    const event = raw.event;
    if (!event) return wrong(`is not a valid event (${raw.kind}): it belongs in the DLQ`);
    if (raw.key !== event.userId) return wrong('has a key that is not its userId: it belongs in the DLQ (key-mismatch)');
    if (claim.eventId !== event.eventId) return wrong(`says eventId ${claim.eventId}, the event is ${event.eventId}`);
    const start = windowStartOf(event.eventTime, this.windowMs);
    const key = windowKeyOf(event.userId, start);
    if (claim.windowKey !== key || claim.windowEndMs !== start + this.windowMs) return wrong(`names window ${claim.windowKey} ending ${claim.windowEndMs}, the event's is ${key} ending ${start + this.windowMs}`);
    const lateness = this.settings.allowedLatenessMs ?? 0;
    if (claim.watermarkMs < claim.windowEndMs + lateness) return wrong(`was judged late at watermark ${claim.watermarkMs}, before its window closed (${claim.windowEndMs} + ${lateness} allowed lateness)`);
    const ooo = this.settings.outOfOrdernessMs;
    const couldIdle = this.settings.idleTimeoutMs === undefined || raw.timestampMs === undefined || this.mayHaveIdled[raw.partition] === true;
    if (ooo !== undefined && !couldIdle && partitionMaxBeforeMs !== undefined && claim.watermarkMs > partitionMaxBeforeMs - ooo) {
      wrong(`was judged late at watermark ${claim.watermarkMs}, but its partition had seen event times only up to ${partitionMaxBeforeMs} (− ${ooo} out-of-orderness) and cannot have idled`);
    }
  }
}
