/**
 * Window semantics, stated (docs/contract.md, "Windows"). Each side computes them itself:
 *
 *   - tumbling event-time windows of `windowMs` (a positive integer), aligned to the epoch:
 *     an event with event time t belongs to [s, s + windowMs) with s = the largest multiple of
 *     windowMs ≤ t (so for negative t, s ≤ t < 0 too; −0 is written 0);
 *   - events are keyed by userId; a window is identified by `userId|windowStartMs`, which is also
 *     the Kafka key of its result in processed-events;
 *   - a window key is split at its LAST `|`: a userId may contain `|`, the start never does.
 */

export const WINDOW_KEY_SEPARATOR = '|' as const;

/** `userId|windowStartMs`, windowStartMs in plain decimal (a leading `-` before the epoch). */
export type WindowKey = `${string}${typeof WINDOW_KEY_SEPARATOR}${number}`;

/** The processor settings the window semantics depend on (all integers, ms). */
export interface WindowingConfig {
  /** Tumbling window length, > 0. */
  windowMs: number;
  /** Watermark = max event time seen − this, ≥ 0. */
  outOfOrdernessMs: number;
  /** A fired window accepts (and re-emits for) late events this much longer in watermark time, ≥ 0. */
  allowedLatenessMs: number;
  /** A partition with no record for this long (processing time) stops holding the watermark back, > 0. */
  idleTimeoutMs: number;
  /** Events more than this ahead of processing time go to the DLQ; null: no limit. */
  maxEventTimeAheadMs: number | null;
}
