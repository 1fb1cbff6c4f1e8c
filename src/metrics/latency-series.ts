import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { LatencyHistogram, type LatencySummary } from './histogram.js';

/**
 * Latency over time for reports: one compact histogram per epoch second. Seconds are taken from
 * a timestamp the caller chooses (usually the event's intendedAt), so series recorded in
 * different processes line up and merge exactly.
 */
export interface SecondPoint extends LatencySummary {
  /** Epoch second (floor(epochMs / 1000)). */
  epochS: number;
}

/** Serialisable form: [epochS, encoded histogram] pairs, ascending by second. */
export type EncodedLatencySeries = Array<[epochS: number, histogram: string]>;

export interface LatencySeriesOptions {
  /** Refuse to grow beyond this many distinct seconds (memory bound); default 1 day. */
  maxSeconds?: number;
}

const DEFAULT_MAX_SECONDS = 86_400;

export class LatencySeries {
  private readonly bySecond = new Map<number, LatencyHistogram>();
  /**
   * Everything recorded, kept as it is recorded: total() is read every few seconds during a run
   * (progress line, live gates), and merging every per-second histogram for it grew with the run
   * (1.3 s per read at 150 s, on the thread that sends the load: a stall every 5 s). One flat
   * histogram costs one more counter increment per record and about 93 KB.
   */
  private readonly all = new LatencyHistogram();
  private readonly maxSeconds: number;

  constructor(options: LatencySeriesOptions = {}) {
    this.maxSeconds = options.maxSeconds ?? DEFAULT_MAX_SECONDS;
  }

  /** Records `latencyMs` in the second containing `atEpochMs`. */
  record(atEpochMs: number, latencyMs: number): void {
    this.histogramFor(Math.floor(atEpochMs / 1000)).recordMs(latencyMs);
    this.all.recordMs(latencyMs);
  }

  /** Distinct seconds recorded, ascending. */
  seconds(): number[] {
    return [...this.bySecond.keys()].sort((a, b) => a - b);
  }

  /** One summary per recorded second, ascending (seconds with no records are absent). */
  points(): SecondPoint[] {
    return this.seconds().map((epochS) => ({ epochS, ...(this.bySecond.get(epochS) as LatencyHistogram).summary() }));
  }

  /** Everything recorded, in one histogram (a copy: the caller may merge into it). */
  total(): LatencyHistogram {
    return new LatencyHistogram().merge(this.all);
  }

  /** The seconds for which `keep(epochS)` holds, in one histogram (a new one). */
  totalOf(keep: (epochS: number) => boolean): LatencyHistogram {
    const out = new LatencyHistogram();
    for (const [epochS, histogram] of this.bySecond) if (keep(epochS)) out.merge(histogram);
    return out;
  }

  merge(other: LatencySeries): this {
    for (const [epochS, histogram] of other.bySecond) this.histogramFor(epochS).merge(histogram);
    this.all.merge(other.all);
    return this;
  }

  encode(): EncodedLatencySeries {
    return this.seconds().map((epochS) => [epochS, (this.bySecond.get(epochS) as LatencyHistogram).encode()]);
  }

  static decode(encoded: EncodedLatencySeries, options: LatencySeriesOptions = {}): LatencySeries {
    const series = new LatencySeries(options);
    for (const [epochS, histogram] of encoded) {
      const decoded = LatencyHistogram.decode(histogram);
      series.histogramFor(epochS).merge(decoded);
      series.all.merge(decoded);
    }
    return series;
  }

  private histogramFor(epochS: number): LatencyHistogram {
    let histogram = this.bySecond.get(epochS);
    if (!histogram) {
      if (!Number.isSafeInteger(epochS)) {
        throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `latency series second must be an integer epoch second, got ${epochS}`, {
          hint: 'pass epoch milliseconds from Clock.epochMs() or the event intendedAt',
        });
      }
      if (this.bySecond.size >= this.maxSeconds) {
        throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `latency series is full: ${this.maxSeconds} distinct seconds`, {
          hint: 'raise maxSeconds for longer runs, or check that timestamps are epoch ms (not µs or ns)',
        });
      }
      histogram = new LatencyHistogram({ compact: true });
      this.bySecond.set(epochS, histogram);
    }
    return histogram;
  }
}
