import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import { LatencyHistogram } from '../../../src/metrics/histogram.js';

/** 1 µs, 2 µs, ... 1000 µs: below 2048 µs every value has its own bucket, so percentiles are exact. */
function microsecondRamp(options = {}): LatencyHistogram {
  const h = new LatencyHistogram(options);
  for (let us = 1; us <= 1000; us++) h.recordMs(us / 1000);
  return h;
}

describe('LatencyHistogram', () => {
  it('gives exact percentiles where buckets are 1 µs wide', () => {
    expect(microsecondRamp().summary()).toEqual({
      count: 1000,
      minMs: 0.001,
      meanMs: 0.5005,
      p50Ms: 0.5,
      p90Ms: 0.9,
      p99Ms: 0.99,
      p999Ms: 0.999,
      maxMs: 1,
    });
  });

  it('reports a large value as the upper bound of its bucket (3 significant digits)', () => {
    const h = new LatencyHistogram();
    h.recordMs(500); // 500000 µs sits in a 256 µs-wide bucket [499968, 500223]
    expect(h.percentileMs(50)).toBe(500.223);
    expect(h.summary().maxMs).toBe(500.223);
    expect(h.summary().minMs).toBe(499.968);
  });

  it('keeps microsecond precision when recording fractional ms', () => {
    const h = new LatencyHistogram();
    h.recordMs(1.2344); // rounds to 1234 µs
    h.recordMs(1.2346); // rounds to 1235 µs
    expect(h.percentileMs(50)).toBe(1.234);
    expect(h.percentileMs(100)).toBe(1.235);
  });

  it('records counts in bulk', () => {
    const h = new LatencyHistogram();
    h.recordMs(0.1, 99);
    h.recordMs(0.9, 1);
    expect(h.count).toBe(100);
    expect(h.percentileMs(99)).toBe(0.1);
    expect(h.percentileMs(99.9)).toBe(0.9);
  });

  it('round-trips through the compressed base64 encoding', () => {
    const h = microsecondRamp();
    h.recordMs(1234.5);
    const encoded = h.encode();
    const decoded = LatencyHistogram.decode(encoded);
    expect(decoded.summary()).toEqual(h.summary());
    expect(decoded.encode()).toBe(encoded);
    expect(encoded.startsWith('HISTF')).toBe(true); // HdrHistogram V2 compressed cookie in base64
  });

  it('merges exactly: two halves equal the whole', () => {
    const low = new LatencyHistogram();
    const high = new LatencyHistogram();
    for (let us = 1; us <= 1000; us++) (us <= 500 ? low : high).recordMs(us / 1000);
    const merged = LatencyHistogram.mergeAll([low, high]);
    expect(merged.summary()).toEqual(microsecondRamp().summary());
    expect(merged.encode()).toBe(microsecondRamp().encode());
    expect(low.merge(high).summary()).toEqual(microsecondRamp().summary());
  });

  it('merges decoded histograms with live ones', () => {
    const a = new LatencyHistogram();
    a.recordMs(2);
    const b = LatencyHistogram.decode(a.encode());
    b.merge(a);
    expect(b.count).toBe(2);
    expect(b.percentileMs(100)).toBe(2);
  });

  it('compact histograms encode identically to standard ones', () => {
    expect(microsecondRamp({ compact: true }).encode()).toBe(microsecondRamp().encode());
  });

  it('clamps out-of-range values into 0..1 h and counts them', () => {
    const h = new LatencyHistogram();
    h.recordMs(-5);
    h.recordMs(2 * 3_600_000);
    h.recordMs(1);
    expect(h.clampedCount).toBe(2);
    expect(h.summary().minMs).toBe(0);
    expect(h.percentileMs(100)).toBeGreaterThanOrEqual(3_600_000);
    expect(h.percentileMs(100)).toBeLessThan(3_600_000 * 1.001);
  });

  it('summarises an empty histogram as zeros', () => {
    expect(new LatencyHistogram().summary()).toEqual({ count: 0, minMs: 0, meanMs: 0, p50Ms: 0, p90Ms: 0, p99Ms: 0, p999Ms: 0, maxMs: 0 });
  });

  it('refuses NaN and garbage encodings with coded errors', () => {
    expect(() => new LatencyHistogram().recordMs(Number.NaN)).toThrow(StreamproofError);
    try {
      LatencyHistogram.decode('not-a-histogram');
      expect.unreachable();
    } catch (error) {
      expect((error as StreamproofError).code).toBe(ERROR_CODES.INVALID_RESULT);
    }
  });

  it('reset empties it', () => {
    const h = microsecondRamp();
    h.reset();
    expect(h.count).toBe(0);
  });
});
