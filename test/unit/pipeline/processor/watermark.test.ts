import { describe, expect, it } from 'vitest';
import { WatermarkTracker } from '../../../../src/pipeline/processor/watermark.js';

const NOW = 1_000_000;

function tracker(): WatermarkTracker {
  const wm = new WatermarkTracker({ outOfOrdernessMs: 5_000, idleTimeoutMs: 10_000 });
  wm.assign([0, 1], NOW);
  return wm;
}

describe('WatermarkTracker', () => {
  it('holds until every active partition has seen an event, then follows the slowest', () => {
    const wm = tracker();
    wm.observe(0, 100_000, NOW);
    expect(wm.advance(NOW)).toEqual([]);
    expect(wm.watermarkOf(0)).toBe(-Infinity);
    wm.observe(1, 80_000, NOW);
    expect(wm.advance(NOW)).toEqual([
      { partition: 0, fromMs: -Infinity, toMs: 75_000 },
      { partition: 1, fromMs: -Infinity, toMs: 75_000 },
    ]);
    wm.observe(1, 120_000, NOW + 1);
    expect(wm.advance(NOW + 1)).toEqual([
      { partition: 0, fromMs: 75_000, toMs: 95_000 },
      { partition: 1, fromMs: 75_000, toMs: 95_000 },
    ]);
    expect(wm.watermarkMs).toBe(95_000);
  });

  it('never goes back: older events do not lower it', () => {
    const wm = tracker();
    wm.observe(0, 100_000, NOW);
    wm.observe(1, 100_000, NOW);
    wm.advance(NOW);
    expect(wm.observe(0, 50_000, NOW)).toBe(false);
    expect(wm.advance(NOW)).toEqual([]);
    expect(wm.watermarkMs).toBe(95_000);
  });

  it('excludes a partition idle for idleTimeoutMs, and takes it back when it gets a record', () => {
    const wm = tracker();
    wm.observe(0, 100_000, NOW);
    wm.observe(1, 60_000, NOW);
    wm.advance(NOW);
    expect(wm.watermarkMs).toBe(55_000);
    wm.observe(0, 130_000, NOW + 9_999);
    wm.advance(NOW + 9_999);
    expect(wm.isIdle(1, NOW + 9_999)).toBe(false);
    expect(wm.watermarkMs).toBe(55_000);
    // Partition 1 has been quiet for 10 s: only partition 0 counts.
    expect(wm.isIdle(1, NOW + 10_000)).toBe(true);
    expect(wm.advance(NOW + 10_000)).toEqual([
      { partition: 0, fromMs: 55_000, toMs: 125_000 },
      { partition: 1, fromMs: 55_000, toMs: 125_000 },
    ]);
    // It wakes up with old data: the watermark does not go back.
    wm.observe(1, 61_000, NOW + 10_001);
    expect(wm.advance(NOW + 10_001)).toEqual([]);
    expect(wm.watermarkOf(1)).toBe(125_000);
  });

  it('advances to max seen − out-of-orderness over all partitions when all are idle', () => {
    const wm = tracker();
    wm.observe(0, 100_000, NOW);
    wm.observe(1, 70_000, NOW);
    wm.advance(NOW);
    expect(wm.watermarkMs).toBe(65_000);
    expect(wm.advance(NOW + 10_000)).toHaveLength(2);
    expect(wm.watermarkMs).toBe(95_000);
  });

  it('counts a touch (a record that is not a valid event) as activity', () => {
    const wm = tracker();
    wm.observe(0, 100_000, NOW);
    wm.observe(1, 70_000, NOW);
    wm.touch(1, NOW + 9_000);
    wm.advance(NOW + 10_000);
    expect(wm.isIdle(1, NOW + 10_000)).toBe(false);
    expect(wm.watermarkMs).toBe(65_000);
  });

  it('on revoke, stops waiting for the revoked partition and keeps the others monotonic', () => {
    const wm = tracker();
    wm.observe(0, 100_000, NOW);
    wm.observe(1, 70_000, NOW);
    wm.advance(NOW);
    wm.revoke([1]);
    expect(wm.assignedPartitions()).toEqual([0]);
    expect(wm.advance(NOW)).toEqual([{ partition: 0, fromMs: 65_000, toMs: 95_000 }]);
    expect(() => wm.watermarkOf(1)).toThrowError(expect.objectContaining({ code: 'SP_INVALID_ARGUMENT' }));
    expect(() => wm.observe(1, 1, NOW)).toThrowError(/not assigned/);
  });

  it('a newly assigned partition holds the others but cannot lower what they reached', () => {
    const wm = tracker();
    wm.observe(0, 100_000, NOW);
    wm.observe(1, 100_000, NOW);
    wm.advance(NOW);
    wm.assign([2], NOW);
    wm.observe(2, 20_000, NOW);
    wm.observe(0, 110_000, NOW);
    expect(wm.advance(NOW)).toEqual([{ partition: 2, fromMs: -Infinity, toMs: 15_000 }]);
    expect(wm.watermarkOf(0)).toBe(95_000);
    expect(wm.watermarkMs).toBe(15_000);
  });

  it('snapshots and restores per-partition state without moving anything backwards', () => {
    const wm = tracker();
    wm.observe(0, 100_000, NOW);
    wm.observe(1, 90_000, NOW);
    wm.advance(NOW);
    expect(wm.snapshot(0)).toEqual({ maxEventTimeMs: 100_000, watermarkMs: 85_000 });
    const fresh = new WatermarkTracker({ outOfOrdernessMs: 5_000, idleTimeoutMs: 10_000 });
    fresh.assign([0, 1], NOW + 50);
    expect(fresh.snapshot(1)).toEqual({ maxEventTimeMs: null, watermarkMs: null });
    fresh.restore(0, wm.snapshot(0));
    fresh.restore(1, wm.snapshot(1));
    expect(fresh.watermarkMs).toBe(85_000);
    fresh.restore(0, { maxEventTimeMs: 1, watermarkMs: 1 });
    expect(fresh.snapshot(0)).toEqual({ maxEventTimeMs: 100_000, watermarkMs: 85_000 });
    // The restored maxima drive the next advance exactly as in the original tracker.
    fresh.observe(1, 120_000, NOW + 50);
    wm.observe(1, 120_000, NOW + 50);
    expect(fresh.advance(NOW + 50)).toEqual(wm.advance(NOW + 50));
  });
});
