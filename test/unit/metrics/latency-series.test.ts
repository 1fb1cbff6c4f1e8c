import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import { LatencySeries } from '../../../src/metrics/latency-series.js';

const T0 = 1_700_000_000_000; // an epoch ms on a second boundary

describe('LatencySeries', () => {
  it('buckets by epoch second and summarises each', () => {
    const s = new LatencySeries();
    s.record(T0 + 999, 0.5);
    s.record(T0, 0.25);
    s.record(T0 + 1000, 0.75);
    s.record(T0 + 5_500, 1);
    expect(s.seconds()).toEqual([1_700_000_000, 1_700_000_001, 1_700_000_005]);
    const points = s.points();
    expect(points.map((p) => [p.epochS, p.count, p.p50Ms, p.maxMs])).toEqual([
      [1_700_000_000, 2, 0.25, 0.5],
      [1_700_000_001, 1, 0.75, 0.75],
      [1_700_000_005, 1, 1, 1],
    ]);
  });

  it('total() merges every second', () => {
    const s = new LatencySeries();
    for (let i = 1; i <= 100; i++) s.record(T0 + i * 100, i / 100);
    const total = s.total();
    expect(total.count).toBe(100);
    expect(total.percentileMs(50)).toBe(0.5);
    expect(total.percentileMs(100)).toBe(1);
  });

  it('total() equals the merge of its seconds after records, merges and decoding, and is a copy', () => {
    const a = new LatencySeries();
    const b = new LatencySeries();
    for (let i = 0; i < 50; i++) a.record(T0 + i * 200, 1 + i);
    for (let i = 0; i < 30; i++) b.record(T0 + 5_000 + i * 300, 100 + i * 7);
    const merged = LatencySeries.decode(a.encode()).merge(b);
    const perSecond = merged.points().reduce((n, p) => n + p.count, 0);
    const total = merged.total();
    expect(total.count).toBe(80);
    expect(perSecond).toBe(80);
    expect(total.summary()).toEqual(LatencySeries.decode(merged.encode()).total().summary());
    expect(total.percentileMs(100)).toBeCloseTo(303, 0);
    total.recordMs(5_000);
    expect(merged.total().count).toBe(80);
  });

  it('round-trips through its encoding and merges with another series', () => {
    const a = new LatencySeries();
    const b = new LatencySeries();
    a.record(T0, 0.1);
    a.record(T0 + 1000, 0.2);
    b.record(T0 + 1000, 0.3);
    b.record(T0 + 2000, 0.4);
    const decoded = LatencySeries.decode(a.encode());
    expect(decoded.encode()).toEqual(a.encode());
    decoded.merge(b);
    expect(decoded.points().map((p) => [p.epochS - 1_700_000_000, p.count, p.maxMs])).toEqual([
      [0, 1, 0.1],
      [1, 2, 0.3],
      [2, 1, 0.4],
    ]);
  });

  it('refuses to grow past maxSeconds', () => {
    const s = new LatencySeries({ maxSeconds: 2 });
    s.record(T0, 1);
    s.record(T0 + 1000, 1);
    s.record(T0 + 1500, 1); // same second as the previous: fine
    expect(() => s.record(T0 + 2000, 1)).toThrow(StreamproofError);
    try {
      s.record(T0 + 3000, 1);
    } catch (error) {
      expect((error as StreamproofError).code).toBe(ERROR_CODES.INVALID_ARGUMENT);
    }
  });
});
