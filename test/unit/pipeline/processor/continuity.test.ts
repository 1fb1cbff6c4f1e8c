import { describe, expect, it } from 'vitest';
import { OffsetContinuity, type ContinuityRecord } from '../../../../src/pipeline/processor/continuity.js';

const CURRENT = { generationId: 7, streamEpoch: 2 };

function rec(partition: number, offset: number, generationId = 7, streamEpoch = 2): ContinuityRecord {
  return { partition, offset: BigInt(offset), generationId, streamEpoch };
}

function fresh(expected: [number, number][]): OffsetContinuity {
  const continuity = new OffsetContinuity();
  continuity.reset(new Map(expected.map(([p, o]) => [p, BigInt(o)])), CURRENT);
  return continuity;
}

const offsetsOf = (records: ContinuityRecord[]) => records.map((r) => `${r.partition}:${r.offset}`);

describe('OffsetContinuity', () => {
  it('accepts each partition from its committed offset on, in order, once', () => {
    const c = fresh([
      [0, 10],
      [1, 0],
    ]);
    const v = c.filter([rec(0, 10), rec(1, 0), rec(0, 11), rec(1, 1), rec(0, 12)]);
    expect(offsetsOf(v.accepted)).toEqual(['0:10', '1:0', '0:11', '1:1', '0:12']);
    expect(v).toMatchObject({ stale: 0, behind: 0, beyondGap: 0, gaps: [], acceptedGaps: [] });
    expect([...c.expected]).toEqual([
      [0, 13n],
      [1, 2n],
    ]);
  });

  it('drops records below the expected offset (already processed) without reporting a gap', () => {
    const c = fresh([[0, 10]]);
    const v = c.filter([rec(0, 8), rec(0, 9), rec(0, 10), rec(0, 10)]);
    expect(offsetsOf(v.accepted)).toEqual(['0:10']);
    expect(v.behind).toBe(3);
    expect(v.gaps).toEqual([]);
  });

  it('drops records of another generation, another stream epoch or an unassigned partition', () => {
    const c = fresh([[0, 0]]);
    const v = c.filter([rec(0, 0, 6), rec(0, 0, 7, 1), rec(3, 0), rec(0, 0)]);
    expect(offsetsOf(v.accepted)).toEqual(['0:0']);
    expect(v.stale).toBe(3);
  });

  it('reports a gap once per partition and drops everything after it in that partition', () => {
    const c = fresh([
      [0, 10],
      [1, 5],
    ]);
    const v = c.filter([rec(0, 10), rec(0, 14), rec(1, 5), rec(0, 15), rec(0, 11)]);
    expect(offsetsOf(v.accepted)).toEqual(['0:10', '1:5']);
    expect(v.gaps).toEqual([{ partition: 0, expected: 11n, found: 14n }]);
    expect(v.beyondGap).toBe(3);
    expect(c.expected.get(0)).toBe(11n);
    // A later call without a re-seek still refuses the gap.
    const again = c.filter([rec(0, 16)]);
    expect(again.accepted).toEqual([]);
    expect(again.gaps).toEqual([{ partition: 0, expected: 11n, found: 16n }]);
  });

  it('after a re-seek, continues normally when the missing offsets arrive', () => {
    const c = fresh([[0, 10]]);
    c.filter([rec(0, 12)]);
    c.noteReseek(3, [0]);
    const v = c.filter([rec(0, 12), rec(0, 9, 7, 3), rec(0, 10, 7, 3), rec(0, 11, 7, 3), rec(0, 12, 7, 3)]);
    expect(v.stale).toBe(1); // the old stream's record
    expect(v.behind).toBe(1);
    expect(offsetsOf(v.accepted)).toEqual(['0:10', '0:11', '0:12']);
    expect(v.acceptedGaps).toEqual([]);
    // The re-seek memory is spent: a new gap later is reported again, not accepted.
    expect(c.filter([rec(0, 20, 7, 3)]).gaps).toEqual([{ partition: 0, expected: 13n, found: 20n }]);
  });

  it('accepts a gap that is still there right after a re-seek (genuine: transaction markers)', () => {
    const c = fresh([
      [0, 10],
      [1, 0],
    ]);
    c.filter([rec(0, 12)]);
    c.noteReseek(3, [0]);
    const v = c.filter([rec(0, 12, 7, 3), rec(0, 13, 7, 3), rec(1, 2, 7, 3)]);
    expect(offsetsOf(v.accepted)).toEqual(['0:12', '0:13']);
    expect(v.acceptedGaps).toEqual([{ partition: 0, expected: 10n, found: 12n }]);
    // Partition 1 was not re-seeked: its gap is reported, not accepted.
    expect(v.gaps).toEqual([{ partition: 1, expected: 0n, found: 2n }]);
  });

  it('reset forgets offsets, re-seek memory and the old generation', () => {
    const c = fresh([[0, 10]]);
    c.filter([rec(0, 12)]);
    c.noteReseek(3, [0]);
    c.reset(new Map([[1, 4n]]), { generationId: 8, streamEpoch: 4 });
    const v = c.filter([rec(0, 10, 8, 4), rec(1, 4, 7, 4), rec(1, 6, 8, 4)]);
    expect(v.stale).toBe(2);
    expect(v.accepted).toEqual([]);
    expect(v.gaps).toEqual([{ partition: 1, expected: 4n, found: 6n }]);
  });
});
