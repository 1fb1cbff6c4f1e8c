import type { WindowAccumulator } from './aggregate.js';

/**
 * Open windows of one processor instance, indexed by key and, per source partition, by window end
 * so that a watermark move visits only the windows it fires or closes (tumbling windows share
 * ends, so a partition has only a few distinct ends open at a time).
 *
 * Windows are always visited by end, then by key: the order depends on the state only, not on
 * the order windows were created in, so a run restored from the changelog emits exactly what an
 * uninterrupted run emits.
 */

interface PartitionIndex {
  /** Distinct window ends with open windows, ascending. */
  endsMs: number[];
  keysByEndMs: Map<number, string[]>;
}

/** First index in the ascending `values` whose value is > `bound`. */
function firstAbove(values: number[], bound: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((values[mid] as number) > bound) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** The keys of one end bucket, sorted in place (later adds append; the next visit sorts again). */
function sortedKeys(index: PartitionIndex, endMs: number): string[] {
  return (index.keysByEndMs.get(endMs) as string[]).sort();
}

export class WindowStore {
  private readonly byKey = new Map<string, WindowAccumulator>();
  private readonly byPartition = new Map<number, PartitionIndex>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): WindowAccumulator | undefined {
    return this.byKey.get(key);
  }

  add(window: WindowAccumulator): void {
    this.byKey.set(window.key, window);
    let index = this.byPartition.get(window.partition);
    if (!index) {
      index = { endsMs: [], keysByEndMs: new Map() };
      this.byPartition.set(window.partition, index);
    }
    const keys = index.keysByEndMs.get(window.windowEndMs);
    if (keys) {
      keys.push(window.key);
      return;
    }
    index.keysByEndMs.set(window.windowEndMs, [window.key]);
    index.endsMs.splice(firstAbove(index.endsMs, window.windowEndMs), 0, window.windowEndMs);
  }

  /** Open windows of `partition` whose end is in (afterMs, throughMs], by end then key. */
  endingIn(partition: number, afterMs: number, throughMs: number): WindowAccumulator[] {
    const index = this.byPartition.get(partition);
    if (!index) return [];
    const found: WindowAccumulator[] = [];
    for (let i = firstAbove(index.endsMs, afterMs); i < index.endsMs.length; i += 1) {
      const endMs = index.endsMs[i] as number;
      if (endMs > throughMs) break;
      for (const key of sortedKeys(index, endMs)) found.push(this.byKey.get(key) as WindowAccumulator);
    }
    return found;
  }

  /** Removes and returns the windows of `partition` whose end is ≤ throughMs, by end then key. */
  removeEndingBy(partition: number, throughMs: number): WindowAccumulator[] {
    const index = this.byPartition.get(partition);
    if (!index) return [];
    const removed: WindowAccumulator[] = [];
    while (index.endsMs.length > 0 && (index.endsMs[0] as number) <= throughMs) {
      const endMs = index.endsMs.shift() as number;
      for (const key of sortedKeys(index, endMs)) {
        removed.push(this.byKey.get(key) as WindowAccumulator);
        this.byKey.delete(key);
      }
      index.keysByEndMs.delete(endMs);
    }
    return removed;
  }

  /** Open windows of `partition`, by end then key. */
  windowsOf(partition: number): WindowAccumulator[] {
    return this.endingIn(partition, -Infinity, Infinity);
  }

  /** Forgets every window of `partition`; returns how many there were. */
  dropPartition(partition: number): number {
    const windows = this.windowsOf(partition);
    for (const window of windows) this.byKey.delete(window.key);
    this.byPartition.delete(partition);
    return windows.length;
  }
}
