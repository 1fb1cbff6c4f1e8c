import { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { windowStateSchema, type WindowAccumulator, type WindowState } from './aggregate.js';
import type { PartitionWatermarkSnapshot } from './watermark.js';

/**
 * The processor's state changelog (a compacted topic written in the same transaction as the
 * batch's outputs and offsets). Two kinds of key:
 *   - `userId|windowStartMs`: an open window's WindowState; a null value (tombstone) once the
 *     window is finally closed;
 *   - `__wm|<partition>`: that source partition's watermark state.
 * Every entry names its source partition; writing each entry to the changelog partition equal to
 * its source partition (co-partitioning) lets a new owner restore only what it needs.
 * (A user literally named `__wm` with a window starting at epoch 0 would share a key with the
 * watermark of partition 0; event times in 1970 make that a non-issue in practice.)
 */

export const WATERMARK_KEY_PREFIX = '__wm|';

export interface ChangelogEntry {
  key: string;
  /** Source (raw-events) partition the state belongs to. */
  partition: number;
  /** JSON value; null is a tombstone. */
  value: string | null;
}

/** A changelog record as read back from Kafka. */
export interface ChangelogRecord {
  key: string;
  value: string | null;
}

const watermarkValueSchema = z
  .object({
    v: z.literal(1),
    partition: z.number().int().nonnegative(),
    maxEventTimeMs: z.number().int().nullable(),
    watermarkMs: z.number().nullable(),
  })
  .strict();

export function watermarkKey(partition: number): string {
  return `${WATERMARK_KEY_PREFIX}${partition}`;
}

export function windowUpsert(window: WindowAccumulator): ChangelogEntry {
  return { key: window.key, partition: window.partition, value: JSON.stringify(window.toState()) };
}

export function windowTombstone(key: string, partition: number): ChangelogEntry {
  return { key, partition, value: null };
}

export function watermarkEntry(partition: number, snapshot: PartitionWatermarkSnapshot): ChangelogEntry {
  return { key: watermarkKey(partition), partition, value: JSON.stringify({ v: 1, partition, ...snapshot }) };
}

/** The live state of a changelog: the last value of every key, tombstoned keys gone. */
export interface FoldedChangelog {
  windows: WindowState[];
  watermarks: Map<number, PartitionWatermarkSnapshot>;
}

function corrupt(key: string, detail: string, cause?: unknown): StreamproofError {
  return new StreamproofError(ERROR_CODES.INVALID_CHANGELOG, `changelog record ${JSON.stringify(key)} is invalid: ${detail}`, {
    hint: 'the changelog topic must only be written by this processor version; delete it (and the consumer group offsets) to start from scratch',
    cause,
  });
}

function decode(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw corrupt(key, 'not JSON', error);
  }
}

function issues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
}

/**
 * Folds changelog records read in offset order (an uncompacted tail may hold several values per
 * key: the last wins). Keeps only state of `partitions` when given. Throws SP_INVALID_CHANGELOG
 * on a value it cannot read: losing window state silently would break exactly-once.
 */
export function foldChangelog(records: Iterable<ChangelogRecord>, partitions?: ReadonlySet<number>): FoldedChangelog {
  const latest = new Map<string, string | null>();
  for (const record of records) {
    latest.delete(record.key); // keep last-write order
    latest.set(record.key, record.value);
  }
  const folded: FoldedChangelog = { windows: [], watermarks: new Map() };
  for (const [key, value] of latest) {
    if (value === null) continue;
    if (key.startsWith(WATERMARK_KEY_PREFIX)) {
      const parsed = watermarkValueSchema.safeParse(decode(key, value));
      if (!parsed.success) throw corrupt(key, issues(parsed.error));
      if (key !== watermarkKey(parsed.data.partition)) throw corrupt(key, `key does not match partition ${parsed.data.partition}`);
      if (partitions && !partitions.has(parsed.data.partition)) continue;
      folded.watermarks.set(parsed.data.partition, {
        maxEventTimeMs: parsed.data.maxEventTimeMs,
        watermarkMs: parsed.data.watermarkMs,
      });
      continue;
    }
    const parsed = windowStateSchema.safeParse(decode(key, value));
    if (!parsed.success) throw corrupt(key, issues(parsed.error));
    if (parsed.data.key !== key) throw corrupt(key, `value is for window ${JSON.stringify(parsed.data.key)}`);
    if (partitions && !partitions.has(parsed.data.partition)) continue;
    folded.windows.push(parsed.data);
  }
  return folded;
}
