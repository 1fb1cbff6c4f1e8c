import { describe, expect, it } from 'vitest';
import {
  BATCH_SIZE_BUCKETS_RECORDS,
  LATENCY_BUCKETS_SECONDS,
  LONG_LATENCY_BUCKETS_SECONDS,
  SLO_CANDIDATE_SECONDS,
} from '../../../src/metrics/buckets.js';

const ascending = (xs: readonly number[]) => xs.every((x, i) => i === 0 || x > (xs[i - 1] as number));

describe('bucket boundaries', () => {
  it('latency buckets span 1 ms to 60 s, strictly ascending', () => {
    expect(LATENCY_BUCKETS_SECONDS[0]).toBe(0.001);
    expect(LATENCY_BUCKETS_SECONDS.at(-1)).toBe(60);
    expect(ascending(LATENCY_BUCKETS_SECONDS)).toBe(true);
    expect(LATENCY_BUCKETS_SECONDS).toHaveLength(35);
  });

  it('every SLO candidate is a boundary with a neighbour within 25% on each side', () => {
    for (const slo of SLO_CANDIDATE_SECONDS) {
      const i = LATENCY_BUCKETS_SECONDS.indexOf(slo);
      expect(i, `${slo} s is a boundary`).toBeGreaterThan(0);
      const below = LATENCY_BUCKETS_SECONDS[i - 1] as number;
      const above = LATENCY_BUCKETS_SECONDS[i + 1] as number;
      // Ratios with a float tolerance: 0.075 / 0.1 is 0.7499999999999999 in binary floating point.
      expect(below / slo, `below ${slo}`).toBeGreaterThanOrEqual(0.75 - 1e-9);
      expect(above / slo, `above ${slo}`).toBeLessThanOrEqual(1.25 + 1e-9);
    }
  });

  it('long latency buckets extend the latency ones to 10 min around the 300 s Firehose buffer', () => {
    expect(LONG_LATENCY_BUCKETS_SECONDS.slice(0, LATENCY_BUCKETS_SECONDS.length)).toEqual([...LATENCY_BUCKETS_SECONDS]);
    expect(ascending(LONG_LATENCY_BUCKETS_SECONDS)).toBe(true);
    expect(LONG_LATENCY_BUCKETS_SECONDS.at(-1)).toBe(600);
    expect(LONG_LATENCY_BUCKETS_SECONDS).toContain(300);
  });

  it('batch sizes end at the PutRecordBatch limit', () => {
    expect(ascending(BATCH_SIZE_BUCKETS_RECORDS)).toBe(true);
    expect(BATCH_SIZE_BUCKETS_RECORDS.at(-1)).toBe(500);
  });
});
