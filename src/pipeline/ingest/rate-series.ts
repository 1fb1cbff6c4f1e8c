import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { expectedCount, totalDurationMs, type Schedule } from '../../workload/schedule.js';

/**
 * Achieved against target rate, one bucket per second of the run (pure: the caller passes
 * offsets in ms from schedule start, taken from its own monotonic clock).
 *
 * Bucket s covers [s·1000, (s+1)·1000) ms. Target = the schedule's N((s+1)·1000) − N(s·1000)
 * (fractional: 1,000.0 at a constant 1,000 events/s); sent and acked count actual send and ack
 * times in that second, and the sends of that second split into on time and late (schedule lag
 * within or beyond the run's onTimeMs). Sends that fall behind schedule land in later buckets, which is the
 * point: the series shows when the events really went out.
 */
export interface RatePoint {
  /** Seconds from schedule start. */
  second: number;
  targetEvents: number;
  sentEvents: number;
  ackedEvents: number;
  /** Of sentEvents, those sent within onTimeMs of their intended time. */
  onTimeEvents: number;
  /** Of sentEvents, those sent later than that (sentEvents = onTimeEvents + lateEvents). */
  lateEvents: number;
}

export interface RateAccuracy {
  /** Worst |sent − target| / target over the full seconds of the schedule with target > 0. */
  worstErrorRatio: number;
  /** The second where it happened (−1 when no bucket qualified). */
  worstSecond: number;
  /** Buckets considered. */
  buckets: number;
  /** Mean of |sent − target| / target over the same buckets. */
  meanErrorRatio: number;
}

/** A run far past its schedule (e.g. a day of drain) is refused rather than growing without end. */
const MAX_SECONDS = 86_400 * 7;

export class RateSeries {
  private readonly sent: number[] = [];
  private readonly acked: number[] = [];
  private readonly onTime: number[] = [];
  private readonly late: number[] = [];

  constructor(private readonly schedule: Schedule) {}

  /** A send at `offsetMs`; `onTime` when its schedule lag was within the run's onTimeMs. */
  recordSent(offsetMs: number, onTime = true): void {
    this.bump(this.sent, offsetMs);
    this.bump(onTime ? this.onTime : this.late, offsetMs);
  }

  recordAcked(offsetMs: number): void {
    this.bump(this.acked, offsetMs);
  }

  /** One point per second from 0 through the schedule's end or the last recorded second, whichever is later. */
  points(): RatePoint[] {
    const scheduleSeconds = Math.ceil(totalDurationMs(this.schedule) / 1000);
    const seconds = Math.max(scheduleSeconds, this.sent.length, this.acked.length);
    const points: RatePoint[] = [];
    for (let second = 0; second < seconds; second += 1) {
      points.push({
        second,
        targetEvents: expectedCount(this.schedule, (second + 1) * 1000) - expectedCount(this.schedule, second * 1000),
        sentEvents: this.sent[second] ?? 0,
        ackedEvents: this.acked[second] ?? 0,
        onTimeEvents: this.onTime[second] ?? 0,
        lateEvents: this.late[second] ?? 0,
      });
    }
    return points;
  }

  private bump(counts: number[], offsetMs: number): void {
    // A send cannot precede its due time; clamp float noise at the start to bucket 0.
    const second = Math.max(0, Math.floor(offsetMs / 1000));
    if (!(second < MAX_SECONDS)) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `rate series offset ${offsetMs} ms is beyond ${MAX_SECONDS} s`, {
        hint: 'offsets are ms from schedule start on a monotonic clock; check the clock passed to the ingest run',
      });
    }
    while (counts.length <= second) counts.push(0);
    counts[second] = (counts[second] as number) + 1;
  }
}

/**
 * Rate accuracy of an open-loop run: only full seconds inside the schedule count (a last partial
 * second, or seconds after the end where late sends land, have no meaningful target).
 */
export function rateAccuracy(points: readonly RatePoint[], scheduleDurationMs: number): RateAccuracy {
  const fullSeconds = Math.floor(scheduleDurationMs / 1000);
  let worstErrorRatio = 0;
  let worstSecond = -1;
  let buckets = 0;
  let sum = 0;
  for (const point of points) {
    if (point.second >= fullSeconds || !(point.targetEvents > 0)) continue;
    const error = Math.abs(point.sentEvents - point.targetEvents) / point.targetEvents;
    buckets += 1;
    sum += error;
    if (worstSecond < 0 || error > worstErrorRatio) {
      worstErrorRatio = error;
      worstSecond = point.second;
    }
  }
  return { worstErrorRatio, worstSecond, buckets, meanErrorRatio: buckets > 0 ? sum / buckets : 0 };
}
