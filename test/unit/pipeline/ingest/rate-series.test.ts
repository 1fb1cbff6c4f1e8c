import { describe, expect, it } from 'vitest';
import { RateSeries, rateAccuracy } from '../../../../src/pipeline/ingest/rate-series.js';
import { parseSchedule } from '../../../../src/workload/schedule.js';

describe('RateSeries', () => {
  it('buckets sends and acks per second against the schedule target, past the schedule end too', () => {
    const schedule = parseSchedule({ phases: [{ kind: 'ramp', fromRateEventsPerS: 0, toRateEventsPerS: 20, durationMs: 2_000 }, { kind: 'constant', rateEventsPerS: 4, durationMs: 500 }] });
    const series = new RateSeries(schedule);
    for (const offsetMs of [-0.001, 10, 999.999, 1_000]) series.recordSent(offsetMs);
    // Sends past the schedule's end that fell behind it: late, by the second they went out.
    for (const offsetMs of [2_400, 3_100]) series.recordSent(offsetMs, false);
    for (const offsetMs of [5, 1_500]) series.recordAcked(offsetMs);
    expect(series.points()).toEqual([
      { second: 0, targetEvents: 5, sentEvents: 3, ackedEvents: 1, onTimeEvents: 3, lateEvents: 0 },
      { second: 1, targetEvents: 15, sentEvents: 1, ackedEvents: 1, onTimeEvents: 1, lateEvents: 0 },
      { second: 2, targetEvents: 2, sentEvents: 1, ackedEvents: 0, onTimeEvents: 0, lateEvents: 1 },
      { second: 3, targetEvents: 0, sentEvents: 1, ackedEvents: 0, onTimeEvents: 0, lateEvents: 1 },
    ]);
  });

  it('refuses an offset far beyond any run (a clock mix-up), instead of growing without bound', () => {
    const series = new RateSeries(parseSchedule({ phases: [{ kind: 'constant', rateEventsPerS: 1, durationMs: 1_000 }] }));
    expect(() => series.recordSent(1_700_000_000_000)).toThrow(/beyond/);
  });
});

describe('rateAccuracy', () => {
  it('takes the worst full second inside the schedule with a positive target', () => {
    const point = (second: number, targetEvents: number, sentEvents: number) => ({ second, targetEvents, sentEvents, ackedEvents: 0, onTimeEvents: sentEvents, lateEvents: 0 });
    const points = [
      point(0, 100, 75),
      point(1, 0, 3),
      point(2, 100, 150),
      point(3, 50, 0), // partial last second: ignored
      point(4, 0, 40), // after the end: ignored
    ];
    expect(rateAccuracy(points, 3_500)).toEqual({ worstErrorRatio: 0.5, worstSecond: 2, buckets: 2, meanErrorRatio: 0.375 });
  });

  it('reports no bucket for a schedule shorter than a second', () => {
    expect(rateAccuracy([{ second: 0, targetEvents: 10, sentEvents: 10, ackedEvents: 10, onTimeEvents: 10, lateEvents: 0 }], 999)).toEqual({
      worstErrorRatio: 0,
      worstSecond: -1,
      buckets: 0,
      meanErrorRatio: 0,
    });
  });
});
