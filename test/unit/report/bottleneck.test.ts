import { describe, expect, it } from 'vitest';
import { judgeBottleneck } from '../../../src/report/bottleneck.js';
import type { TimeSeriesRow } from '../../../src/report/result-schema.js';

const row = (onTime: number, late: number, lag: number | null): TimeSeriesRow => ({
  tEpochS: 0,
  targetEventsPerS: 1000,
  achievedEventsPerS: onTime,
  onTimeEventsPerS: onTime,
  lateEventsPerS: late,
  p99Ms: {},
  consumerLagEvents: lag,
  phase: null,
});

describe('judgeBottleneck', () => {
  it('kept up when at most 1 % was sent late', () => {
    expect(judgeBottleneck({ sent: 1000, sentLate: 10 }, [row(990, 10, 5)])?.verdict).toBe('kept-up');
  });

  it('harness-bound when schedule lag grew and consumer lag did not, with the rate sent while late', () => {
    const series = [row(1000, 0, 10), row(200, 6000, 30), row(0, 7000, 50), row(0, 6500, 20), row(0, 0, 0)];
    const b = judgeBottleneck({ sent: 20_700, sentLate: 19_500 }, series)!;
    expect(b.verdict).toBe('harness-bound');
    expect(b.sustainedEventsPerS).toBe(6500);
    expect(b.summary).toMatch(/^HARNESS-BOUND/);
  });

  it('says which part of the harness held late events back: the load worker building them, or the sending thread', () => {
    const series = [row(1000, 0, 10), row(200, 6000, 30), row(0, 7000, 50), row(0, 6500, 20)];
    const byWorker = judgeBottleneck({ sent: 20_700, sentLate: 19_500, sentLateAwaitingGenerator: 15_000 }, series)!;
    expect(byWorker.summary).toMatch(/limited by the load worker building events \(77 % of late events/);
    const bySender = judgeBottleneck({ sent: 20_700, sentLate: 19_500, sentLateAwaitingGenerator: 100 }, series)!;
    expect(bySender.summary).toMatch(/limited by the sending thread .*1 % of late events waited/);
    // HTTP ingest: late requests that waited for a free connection.
    const byConnections = judgeBottleneck({ sent: 20_700, sentLate: 19_500, sentLateAwaitingGenerator: 200, sentLateAwaitingConnection: 18_000 }, series)!;
    expect(byConnections.summary).toMatch(/limited by the HTTP connections \(92 % of late events were due while every connection awaited .*raise ingest.connections/);
    // Without the counter (inline generation) nothing is claimed.
    expect(judgeBottleneck({ sent: 20_700, sentLate: 19_500 }, series)!.summary).not.toMatch(/limited by/);
  });

  it('a consumer backlog cleared before the sender fell behind does not count', () => {
    const series = [row(1000, 0, 80_000), row(1000, 0, 60_000), row(0, 5000, 20), row(0, 5000, 0), row(0, 5000, 10)];
    expect(judgeBottleneck({ sent: 17_000, sentLate: 15_000 }, series)?.verdict).toBe('harness-bound');
  });

  it('pipeline-bound when the consumer lag grew as well', () => {
    const series = [row(1000, 0, 10), row(0, 5000, 20_000), row(0, 5000, 40_000), row(0, 5000, 60_000)];
    expect(judgeBottleneck({ sent: 16_000, sentLate: 15_000 }, series)?.verdict).toBe('pipeline-bound');
  });

  it('behind-schedule, cause unknown, without consumer lag samples', () => {
    expect(judgeBottleneck({ sent: 2000, sentLate: 1000 }, [row(1000, 1000, null)])?.verdict).toBe('behind-schedule');
  });

  it('no judgement without send counters', () => {
    expect(judgeBottleneck({}, [])).toBeNull();
  });
});
