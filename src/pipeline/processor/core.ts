import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { DlqReasonCode } from '../../contract/side-outputs.js';
import { WindowAccumulator, type WindowResult } from './aggregate.js';
import {
  foldChangelog,
  watermarkEntry,
  windowTombstone,
  windowUpsert,
  type ChangelogEntry,
  type ChangelogRecord,
} from './changelog.js';
import { parseProcessorCoreConfig, type ProcessorCoreConfig, type ProcessorCoreConfigInput } from './config.js';
import { parseControlRecord } from './control.js';
import { decodeRecord } from './decode.js';
import type { DlqRecord, LateRecord, SourceRecord } from './outputs.js';
import { WatermarkTracker } from './watermark.js';
import { WindowStore } from './window-store.js';
import { windowKey, windowStartMs } from './windows.js';

/**
 * The processor's state machine, with no I/O and no clock: given the same assignments, records,
 * batch boundaries and nowMs values it produces the same outputs. The Kafka adapter writes each
 * batch's outputs, its consumer offsets and its changelog entries in one transaction.
 *
 * Semantics (per source partition p, with W = p's effective watermark, see watermark.ts):
 *   - an event is late iff its windowEnd + allowedLatenessMs ≤ W (its window is finally closed);
 *   - a window fires (emits revision 0) when W ≥ windowEnd; until W ≥ windowEnd + allowedLatenessMs
 *     each batch that adds late events to it re-emits it with revision + 1; then it is closed
 *     (tombstoned in the changelog);
 *   - records that are not valid events go to the DLQ; the watermark advances after every record.
 *   - a control record (control.ts; docs/contract.md "End of input") only raises its partition's max event time: no output of its own.
 * Within a batch results are emitted once per window (the last state) at the end of the batch,
 * and changelog entries are coalesced per key. Bad records never throw; the only throw is for a
 * wiring error (a record of an unassigned partition), which leaves the batch half applied: abort
 * the transaction and rebuild the core from the changelog.
 */

export interface ProcessorOutputs {
  results: WindowResult[];
  late: LateRecord[];
  dlq: DlqRecord[];
  changelog: ChangelogEntry[];
}

export class ProcessorCore {
  readonly config: ProcessorCoreConfig;
  private readonly watermarks: WatermarkTracker;
  private readonly windows = new WindowStore();
  // Per-batch bookkeeping, emptied by flush().
  private pendingEmits = new Set<string>();
  private dirtyWindows = new Set<string>();
  private closedInBatch = new Map<string, WindowAccumulator>();
  private dirtyWatermarks = new Set<number>();
  private late: LateRecord[] = [];
  private dlq: DlqRecord[] = [];

  constructor(config: ProcessorCoreConfigInput = {}) {
    this.config = parseProcessorCoreConfig(config);
    this.watermarks = new WatermarkTracker(this.config);
  }

  /** Takes ownership of partitions (their idle timers start at nowMs). Restore their state next. */
  assign(partitions: Iterable<number>, nowMs: number): void {
    this.watermarks.assign(partitions, nowMs);
  }

  /** Gives partitions up: their open windows and watermark state leave memory (the changelog keeps them). */
  revoke(partitions: Iterable<number>): void {
    const revoked = new Set(partitions);
    for (const partition of revoked) this.windows.dropPartition(partition);
    this.watermarks.revoke(revoked);
    for (const [key, window] of this.closedInBatch) if (revoked.has(window.partition)) this.closedInBatch.delete(key);
    for (const key of [...this.pendingEmits, ...this.dirtyWindows]) {
      if (!this.windows.get(key) && !this.closedInBatch.has(key)) {
        this.pendingEmits.delete(key);
        this.dirtyWindows.delete(key);
      }
    }
    for (const partition of revoked) this.dirtyWatermarks.delete(partition);
  }

  /**
   * Rebuilds the state of assigned `partitions` (default: all assigned) from changelog records read
   * in offset order, replacing what memory held for them. If the restored watermark already
   * passed some windows that were not yet fired or closed, they fire or close in the next batch.
   */
  restore(records: Iterable<ChangelogRecord>, nowMs: number, partitions: Iterable<number> = this.assignedPartitions()): void {
    const targets = new Set(partitions);
    for (const partition of targets) {
      if (!this.watermarks.isAssigned(partition)) {
        throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `cannot restore partition ${partition}: it is not assigned`, {
          hint: 'call assign() with the partitions from the rebalance before restore()',
        });
      }
    }
    const folded = foldChangelog(records, targets);
    this.revoke(targets);
    this.watermarks.assign(targets, nowMs);
    for (const [partition, snapshot] of folded.watermarks) this.watermarks.restore(partition, snapshot);
    for (const state of folded.windows) this.windows.add(WindowAccumulator.fromState(state));
    for (const partition of targets) this.applyWatermark(partition, -Infinity, this.watermarks.watermarkOf(partition));
  }

  process(record: SourceRecord, nowMs: number): ProcessorOutputs {
    return this.processBatch([record], nowMs);
  }

  processBatch(records: Iterable<SourceRecord>, nowMs: number): ProcessorOutputs {
    for (const record of records) this.handle(record, nowMs);
    this.advance(nowMs);
    return this.flush();
  }

  /**
   * Partitions the adapter knows to have unread input (end offset beyond its position) are not
   * idle, however long since their last record: while a backlog is read, a partition the consumer
   * has not reached yet must keep holding the watermark back, or its events would all be late.
   */
  markActive(partitions: Iterable<number>, nowMs: number): void {
    for (const partition of partitions) if (this.watermarks.isAssigned(partition)) this.watermarks.touch(partition, nowMs);
  }

  /** Lets processing time pass with no records: idle partitions may release the watermark. */
  tick(nowMs: number): ProcessorOutputs {
    this.advance(nowMs);
    return this.flush();
  }

  /**
   * End of a bounded input (the end of a run): raises every assigned partition's watermark far
   * enough to fire and close all open windows, like Flink's final watermark. Events arriving
   * afterwards for those windows are late.
   */
  drain(nowMs: number): ProcessorOutputs {
    this.advance(nowMs);
    for (const partition of this.assignedPartitions()) {
      const windows = this.windows.windowsOf(partition);
      const last = windows[windows.length - 1];
      if (!last) continue;
      const move = this.watermarks.raise(partition, last.windowEndMs + this.config.allowedLatenessMs);
      if (!move) continue;
      this.dirtyWatermarks.add(partition);
      this.applyWatermark(partition, move.fromMs, move.toMs);
    }
    return this.flush();
  }

  assignedPartitions(): number[] {
    return this.watermarks.assignedPartitions();
  }

  /** Effective watermark of an assigned partition (-Infinity before the first advance). */
  watermarkOf(partition: number): number {
    return this.watermarks.watermarkOf(partition);
  }

  /** Min effective watermark over assigned partitions. */
  get watermarkMs(): number {
    return this.watermarks.watermarkMs;
  }

  get openWindowCount(): number {
    return this.windows.size;
  }

  /** The full live state as changelog entries (what a compacted changelog would hold), for checks. */
  snapshotChangelog(): ChangelogEntry[] {
    const entries: ChangelogEntry[] = [];
    for (const partition of this.assignedPartitions()) {
      for (const window of this.windows.windowsOf(partition)) entries.push(windowUpsert(window));
      entries.push(watermarkEntry(partition, this.watermarks.snapshot(partition)));
    }
    return entries;
  }

  private handle(record: SourceRecord, nowMs: number): void {
    const { partition } = record;
    if (!this.watermarks.isAssigned(partition)) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `record from partition ${partition}, which is not assigned`, {
        hint: 'feed only records of partitions passed to assign(); revoke() before giving a partition up',
      });
    }
    const control = parseControlRecord(record.key, record.value);
    if (control) {
      // End-of-input marker (control.ts): an event-time observation only; no result, late or DLQ entry.
      if (this.watermarks.observe(partition, control.eventTimeMs, nowMs)) this.dirtyWatermarks.add(partition);
      this.advance(nowMs);
      return;
    }
    const decoded = decodeRecord(record.key, record.value, { maxEventTimeAheadMs: this.config.maxEventTimeAheadMs, nowMs });
    if (!decoded.ok) {
      this.watermarks.touch(partition, nowMs);
      this.toDlq(record, decoded.code, decoded.reason, decoded.identity);
      return;
    }
    const { event } = decoded;
    const startMs = windowStartMs(event.eventTime, this.config.windowMs);
    const endMs = startMs + this.config.windowMs;
    const key = windowKey(event.userId, startMs);
    const watermarkMs = this.watermarks.watermarkOf(partition);
    if (endMs + this.config.allowedLatenessMs <= watermarkMs) {
      this.late.push({
        key: record.key,
        value: record.value as string,
        partition,
        offset: record.offset,
        reason: `window ${key} closed: end ${endMs} + allowed lateness ${this.config.allowedLatenessMs} ms <= watermark ${watermarkMs}`,
        eventId: event.eventId,
        generatorId: event.generatorId,
        seq: event.seq,
        windowKey: key,
        windowEndMs: endMs,
        watermarkMs,
      });
    } else {
      let window = this.windows.get(key);
      if (!window) {
        window = new WindowAccumulator({ key, userId: event.userId, partition, windowStartMs: startMs, windowEndMs: endMs });
        this.windows.add(window);
      } else if (window.partition !== partition) {
        this.watermarks.touch(partition, nowMs);
        this.toDlq(record, 'partition-changed', `window ${key} belongs to partition ${window.partition}: the producer's partitioner changed`, event);
        return;
      }
      window.add(event);
      this.dirtyWindows.add(key);
      if (endMs <= watermarkMs) this.pendingEmits.add(key); // fired already: re-emit within allowed lateness
    }
    if (this.watermarks.observe(partition, event.eventTime, nowMs)) this.dirtyWatermarks.add(partition);
    this.advance(nowMs);
  }

  private toDlq(record: SourceRecord, code: DlqReasonCode, reason: string, identity: { generatorId: string; seq: number } | null): void {
    this.dlq.push({
      key: record.key,
      value: record.value,
      partition: record.partition,
      offset: record.offset,
      code,
      reason,
      generatorId: identity?.generatorId ?? null,
      seq: identity?.seq ?? null,
    });
  }

  private advance(nowMs: number): void {
    for (const move of this.watermarks.advance(nowMs)) {
      this.dirtyWatermarks.add(move.partition);
      this.applyWatermark(move.partition, move.fromMs, move.toMs);
    }
  }

  /** Fires windows of `partition` ending in (fromMs, toMs] and closes those ending by toMs − lateness. */
  private applyWatermark(partition: number, fromMs: number, toMs: number): void {
    for (const window of this.windows.endingIn(partition, fromMs, toMs)) {
      if (window.emittedRevisions === 0) this.pendingEmits.add(window.key);
    }
    for (const window of this.windows.removeEndingBy(partition, toMs - this.config.allowedLatenessMs)) {
      if (window.emittedRevisions === 0) this.pendingEmits.add(window.key);
      this.closedInBatch.set(window.key, window);
      this.dirtyWindows.add(window.key);
    }
  }

  private flush(): ProcessorOutputs {
    const results: WindowResult[] = [];
    for (const key of this.pendingEmits) {
      const window = (this.windows.get(key) ?? this.closedInBatch.get(key)) as WindowAccumulator;
      results.push(
        window.toResult({
          revision: window.emittedRevisions,
          outOfOrdernessMs: this.config.outOfOrdernessMs,
          watermarkMs: this.watermarks.watermarkOf(window.partition),
        }),
      );
      window.emittedRevisions += 1;
      this.dirtyWindows.add(key);
    }
    const changelog: ChangelogEntry[] = [];
    for (const key of this.dirtyWindows) {
      const open = this.windows.get(key);
      if (open) changelog.push(windowUpsert(open));
      else changelog.push(windowTombstone(key, (this.closedInBatch.get(key) as WindowAccumulator).partition));
    }
    for (const partition of [...this.dirtyWatermarks].sort((a, b) => a - b)) {
      changelog.push(watermarkEntry(partition, this.watermarks.snapshot(partition)));
    }
    const outputs: ProcessorOutputs = { results, late: this.late, dlq: this.dlq, changelog };
    this.pendingEmits = new Set();
    this.dirtyWindows = new Set();
    this.closedInBatch = new Map();
    this.dirtyWatermarks = new Set();
    this.late = [];
    this.dlq = [];
    return outputs;
  }
}
