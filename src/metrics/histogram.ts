import * as hdr from 'hdr-histogram-js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';

/**
 * The only importer of hdr-histogram-js (docs/architecture.md: one module owns each external system). Everything else sees LatencyHistogram:
 * latencies in milliseconds, stored as integer microseconds so sub-millisecond stages keep
 * their precision.
 *
 * Fixed parameters (all histograms share them, so any two merge exactly and encodings are
 * comparable across runs): lowest discernible 1 µs, highest trackable 1 h, 3 significant
 * digits (values below 2048 µs are exact; above, each value is within 0.05% of the recorded one).
 *
 * The pure-JS implementation is used: the WebAssembly one needs an async init before first use
 * and its memory must be freed by hand (destroy()); nothing measured here needs its speed.
 */
export const LOWEST_US = 1;
export const HIGHEST_US = 3_600_000_000;
export const SIGNIFICANT_DIGITS = 3;

export interface LatencySummary {
  count: number;
  minMs: number;
  /** Mean of the bucket midpoints (exact for values below 2.048 ms). */
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  p999Ms: number;
  maxMs: number;
}

export interface LatencyHistogramOptions {
  /**
   * Packed counts: about 1.3 KB for a sparse histogram (50 distinct values) instead of 93 KB, at some cost
   * per record. Use for many small histograms (per-second series), not for hot totals.
   */
  compact?: boolean;
}

function newHdr(compact: boolean): hdr.Histogram {
  return hdr.build({
    bitBucketSize: compact ? 'packed' : 32,
    autoResize: false,
    lowestDiscernibleValue: LOWEST_US,
    highestTrackableValue: HIGHEST_US,
    numberOfSignificantValueDigits: SIGNIFICANT_DIGITS,
    useWebAssembly: false,
  });
}

const usToMs = (us: number): number => us / 1000;

export class LatencyHistogram {
  private readonly hist: hdr.Histogram;
  private readonly compact: boolean;
  private clamped = 0;

  constructor(options: LatencyHistogramOptions = {}) {
    this.compact = options.compact ?? false;
    this.hist = newHdr(this.compact);
  }

  /**
   * Records one latency (or `count` equal ones). Negative values (cross-process clock skew)
   * are recorded as 0 and values above 1 h as 1 h; both are counted in `clampedCount`.
   */
  recordMs(latencyMs: number, count = 1): void {
    if (!Number.isFinite(latencyMs)) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `latency must be a finite number of ms, got ${latencyMs}`, {
        hint: 'compute latencies from Clock readings; an undefined timestamp yields NaN',
      });
    }
    let us = Math.round(latencyMs * 1000);
    if (us < 0 || us > HIGHEST_US) {
      us = us < 0 ? 0 : HIGHEST_US;
      this.clamped += count;
    }
    if (count === 1) this.hist.recordValue(us);
    else this.hist.recordValueWithCount(us, count);
  }

  get count(): number {
    return this.hist.totalCount;
  }

  /** Values clamped into range by this instance (not carried by encode(): it is a live diagnostic). */
  get clampedCount(): number {
    return this.clamped;
  }

  /**
   * Value at `percentile` (0..100], in ms: the highest value equivalent to the bucket reached,
   * so a percentile never under-reports (by at most 0.05% above 2.048 ms).
   */
  percentileMs(percentile: number): number {
    if (this.hist.totalCount === 0) return 0;
    return usToMs(this.hist.getValueAtPercentile(percentile));
  }

  summary(): LatencySummary {
    // Seven walks over packed counts cost ~43 ms per per-second histogram; one copy into flat
    // counts and the walks there cost ~14 ms (the end of a 150 s run summarises ~900 of them).
    if (this.compact && this.hist.totalCount > 0) return new LatencyHistogram().merge(this).summary();
    const empty = this.hist.totalCount === 0;
    return {
      count: this.hist.totalCount,
      // Percentile 0 is the lowest equivalent value of the first non-empty bucket (0 included).
      minMs: empty ? 0 : usToMs(this.hist.getValueAtPercentile(0)),
      meanMs: empty ? 0 : usToMs(this.hist.mean),
      p50Ms: this.percentileMs(50),
      p90Ms: this.percentileMs(90),
      p99Ms: this.percentileMs(99),
      p999Ms: this.percentileMs(99.9),
      // Like the percentiles, the bucket's highest equivalent value: max >= p99.9 always, and it
      // survives encode/decode unchanged (the exact recorded max does not).
      maxMs: this.percentileMs(100),
    };
  }

  /** Adds every count of `other` into this histogram (exact: same bucket layout). */
  merge(other: LatencyHistogram): this {
    this.hist.add(other.hist);
    this.clamped += other.clamped;
    return this;
  }

  /** Compressed, base64 HdrHistogram V2 encoding (readable by any HdrHistogram implementation). */
  encode(): string {
    return hdr.encodeIntoCompressedBase64(this.hist);
  }

  static decode(encoded: string, options: LatencyHistogramOptions = {}): LatencyHistogram {
    let decoded: hdr.Histogram;
    try {
      decoded = hdr.decodeFromCompressedBase64(encoded, 32, false);
    } catch (error) {
      throw new StreamproofError(ERROR_CODES.INVALID_RESULT, 'a latency histogram is not a valid compressed HdrHistogram encoding', {
        hint: 'the result file may be truncated or hand-edited; re-run the scenario to regenerate it',
        cause: error,
      });
    }
    // Re-home into the fixed layout so that every decoded histogram merges with live ones.
    const result = new LatencyHistogram(options);
    result.hist.add(decoded);
    return result;
  }

  static mergeAll(histograms: Iterable<LatencyHistogram>, options: LatencyHistogramOptions = {}): LatencyHistogram {
    const total = new LatencyHistogram(options);
    for (const h of histograms) total.merge(h);
    return total;
  }

  reset(): void {
    this.hist.reset();
    this.clamped = 0;
  }
}
