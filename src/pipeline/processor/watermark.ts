import { ERROR_CODES, StreamproofError } from '../../base/errors.js';

/**
 * Event-time watermarks for one processor instance.
 *
 * The instance's candidate watermark is the min, over its assigned partitions that are not idle,
 * of (max event time seen − outOfOrdernessMs). A partition is idle when it got no record for
 * idleTimeoutMs (so a quiet partition cannot hold every window open forever); when all assigned
 * partitions are idle the candidate is the max of that bound over all of them.
 *
 * Each partition keeps its own *effective* watermark = max(its previous value, candidate). It is
 * what closes that partition's windows, it never goes back, and it is persisted: after a
 * rebalance the new owner restores it, so a window the old owner already closed can never be
 * reopened (events for it stay late) even if the new owner's other partitions lag behind.
 * With a fixed assignment all partitions share one value, the instance watermark.
 */

export interface WatermarkConfig {
  outOfOrdernessMs: number;
  /** A partition with no record for this long stops holding the watermark back; Infinity disables. */
  idleTimeoutMs: number;
}

/** Persisted per-partition state (the `__wm|<partition>` changelog value). null = none yet. */
export interface PartitionWatermarkSnapshot {
  maxEventTimeMs: number | null;
  watermarkMs: number | null;
}

/** A partition's effective watermark moved from `fromMs` (exclusive) to `toMs` (inclusive). */
export interface WatermarkAdvance {
  partition: number;
  fromMs: number;
  toMs: number;
}

interface PartitionState {
  maxEventTimeMs: number;
  lastActivityMs: number;
  watermarkMs: number;
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export class WatermarkTracker {
  private readonly outOfOrdernessMs: number;
  private readonly idleTimeoutMs: number;
  // Sorted by partition on every assign so that advance() reports in a stable order.
  private partitions = new Map<number, PartitionState>();

  constructor(config: WatermarkConfig) {
    this.outOfOrdernessMs = config.outOfOrdernessMs;
    this.idleTimeoutMs = config.idleTimeoutMs;
  }

  private state(partition: number): PartitionState {
    const state = this.partitions.get(partition);
    if (!state) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `partition ${partition} is not assigned to this processor`, {
        hint: 'call assign() from the consumer group rebalance callback before feeding records of a partition',
      });
    }
    return state;
  }

  /** Adds partitions (already assigned ones keep their state); their idle timers start at nowMs. */
  assign(partitions: Iterable<number>, nowMs: number): void {
    for (const partition of partitions) {
      if (!this.partitions.has(partition)) {
        this.partitions.set(partition, { maxEventTimeMs: -Infinity, lastActivityMs: nowMs, watermarkMs: -Infinity });
      }
    }
    this.partitions = new Map([...this.partitions].sort((a, b) => a[0] - b[0]));
  }

  revoke(partitions: Iterable<number>): void {
    for (const partition of partitions) this.partitions.delete(partition);
  }

  isAssigned(partition: number): boolean {
    return this.partitions.has(partition);
  }

  assignedPartitions(): number[] {
    return [...this.partitions.keys()];
  }

  /** Restores a persisted state into an assigned partition; never moves anything backwards. */
  restore(partition: number, snapshot: PartitionWatermarkSnapshot): void {
    const state = this.state(partition);
    state.maxEventTimeMs = Math.max(state.maxEventTimeMs, snapshot.maxEventTimeMs ?? -Infinity);
    state.watermarkMs = Math.max(state.watermarkMs, snapshot.watermarkMs ?? -Infinity);
  }

  snapshot(partition: number): PartitionWatermarkSnapshot {
    const state = this.state(partition);
    return { maxEventTimeMs: finiteOrNull(state.maxEventTimeMs), watermarkMs: finiteOrNull(state.watermarkMs) };
  }

  /** A record (valid or not) arrived on the partition: it is not idle. */
  touch(partition: number, nowMs: number): void {
    this.state(partition).lastActivityMs = nowMs;
  }

  /** A valid event arrived; true if it raised the partition's max event time. */
  observe(partition: number, eventTimeMs: number, nowMs: number): boolean {
    const state = this.state(partition);
    state.lastActivityMs = nowMs;
    if (eventTimeMs <= state.maxEventTimeMs) return false;
    state.maxEventTimeMs = eventTimeMs;
    return true;
  }

  isIdle(partition: number, nowMs: number): boolean {
    return nowMs - this.state(partition).lastActivityMs >= this.idleTimeoutMs;
  }

  /** The partition's effective watermark; -Infinity before the first advance. */
  watermarkOf(partition: number): number {
    return this.state(partition).watermarkMs;
  }

  /** The instance watermark: min effective watermark over assigned partitions (-Infinity if none). */
  get watermarkMs(): number {
    let min = Infinity;
    for (const state of this.partitions.values()) min = Math.min(min, state.watermarkMs);
    return min === Infinity ? -Infinity : min;
  }

  /** The candidate from the current maxima and idleness (see the module comment). */
  candidateMs(nowMs: number): number {
    let minActive = Infinity;
    let maxAll = -Infinity;
    for (const state of this.partitions.values()) {
      const boundMs = state.maxEventTimeMs - this.outOfOrdernessMs;
      if (boundMs > maxAll) maxAll = boundMs;
      const idle = nowMs - state.lastActivityMs >= this.idleTimeoutMs;
      if (!idle && boundMs < minActive) minActive = boundMs;
    }
    return minActive === Infinity ? maxAll : minActive;
  }

  /** Raises one partition's effective watermark to at least `toMs` (end of a bounded input). */
  raise(partition: number, toMs: number): WatermarkAdvance | null {
    const state = this.state(partition);
    if (toMs <= state.watermarkMs) return null;
    const advance = { partition, fromMs: state.watermarkMs, toMs };
    state.watermarkMs = toMs;
    return advance;
  }

  /** Raises every partition's effective watermark to the candidate; returns the moves, by partition. */
  advance(nowMs: number): WatermarkAdvance[] {
    const candidateMs = this.candidateMs(nowMs);
    const advances: WatermarkAdvance[] = [];
    if (candidateMs === -Infinity) return advances;
    for (const [partition, state] of this.partitions) {
      if (candidateMs > state.watermarkMs) {
        advances.push({ partition, fromMs: state.watermarkMs, toMs: candidateMs });
        state.watermarkMs = candidateMs;
      }
    }
    return advances;
  }
}
