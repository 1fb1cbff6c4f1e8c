import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import {
  constantSchedule,
  dueCount,
  expectedCount,
  intendedOffsetMs,
  intendedOffsetsMs,
  listPhases,
  parseSchedule,
  phaseAt,
  phasesAt,
  rateAt,
  totalDurationMs,
  totalEvents,
  type Phase,
  type Schedule,
} from '../../../src/workload/schedule.js';

const constant = (rateEventsPerS: number, durationMs: number, name?: string): Phase =>
  name === undefined ? { kind: 'constant', rateEventsPerS, durationMs } : { kind: 'constant', rateEventsPerS, durationMs, name };
const ramp = (fromRateEventsPerS: number, toRateEventsPerS: number, durationMs: number): Phase => ({
  kind: 'ramp',
  fromRateEventsPerS,
  toRateEventsPerS,
  durationMs,
});
const offsets = (schedule: Schedule): number[] => [...intendedOffsetsMs(schedule)];

// Sqrt-based ramp times are exact up to float rounding; 1e-9 ms is far below any clock we have.
const ROUNDING_MS = 1e-9;
const maxError = (values: number[], expected: (i: number) => number): number =>
  Math.max(...values.map((v, i) => Math.abs(v - expected(i))));

describe('constant phase', () => {
  it('puts event i at exactly i·1000/r, and holds r·d/1000 events, none at the end', () => {
    const schedule = { phases: [constant(3, 2000)] };
    expect(totalEvents(schedule)).toBe(6);
    expect(offsets(schedule)).toEqual([0, 1, 2, 3, 4, 5].map((i) => (i * 1000) / 3));
    expect(totalDurationMs(schedule)).toBe(2000);
  });

  it('continues the count across phases (the second phase starts where N left off)', () => {
    const schedule = { phases: [constant(1000, 3), constant(500, 4)] };
    expect(offsets(schedule)).toEqual([0, 1, 2, 3, 5]);
  });

  it('places a fractional tail: 1.5 events → 2 events (i < N(T))', () => {
    const schedule = { phases: [constant(1.5, 1000)] };
    expect(totalEvents(schedule)).toBe(2);
    expect(offsets(schedule)).toEqual([0, 1000 / 1.5]);
  });

  it('snaps float noise in cumulative counts: 0.1+0.1+2.2+0.6 events is 3, not 4', () => {
    const schedule = { phases: [constant(0.1, 1000), constant(0.1, 1000), constant(2.2, 1000), constant(0.6, 1000)] };
    expect(totalEvents(schedule)).toBe(3);
  });

  it('constantSchedule is the --rate/--duration shortcut', () => {
    const schedule = constantSchedule(2000, 1000, 'steady');
    expect(totalEvents(schedule)).toBe(2000);
    expect(intendedOffsetMs(schedule, 1999)).toBe(999.5);
    expect(listPhases(schedule)[0]?.name).toBe('steady');
  });
});

describe('ramp phase', () => {
  it('solves the quadratic: 0→2000 ev/s over 1 s gives N(t) = t²/1000 and t_i = √(1000·i)', () => {
    const schedule = { phases: [ramp(0, 2000, 1000)] };
    expect(totalEvents(schedule)).toBe(1000);
    const times = offsets(schedule);
    expect(times[0]).toBe(0);
    expect(maxError(times, (i) => Math.sqrt(1000 * i))).toBeLessThan(ROUNDING_MS);
    expect(maxError(times.map((t) => expectedCount(schedule, t)), (i) => i)).toBeLessThan(1e-9);
  });

  it('handles a falling ramp to zero: t_i = 1000 − √(10⁶ − 1000·i)', () => {
    const schedule = { phases: [ramp(2000, 0, 1000)] };
    expect(totalEvents(schedule)).toBe(1000);
    expect(maxError(offsets(schedule), (i) => 1000 - Math.sqrt(1e6 - 1000 * i))).toBeLessThan(1e-6);
  });

  it('with from = to is exactly a constant phase', () => {
    expect(offsets({ phases: [ramp(7, 7, 3000)] })).toEqual(offsets({ phases: [constant(7, 3000)] }));
  });

  it('integrates a ramp between non-zero rates: 1000→3000 over 2 s holds 4000 events', () => {
    const schedule = { phases: [ramp(1000, 3000, 2000)] };
    expect(totalEvents(schedule)).toBe(4000);
    expect(expectedCount(schedule, 1000)).toBe(1500);
    expect(rateAt(schedule, 500)).toBe(1500);
    expect(Math.abs(intendedOffsetMs(schedule, 1500) - 1000)).toBeLessThan(ROUNDING_MS);
  });
});

describe('step and spike phases', () => {
  it('step: 1000→3000 ev/s in 3 levels of 1 s each', () => {
    const schedule: Schedule = { phases: [{ kind: 'step', fromRateEventsPerS: 1000, toRateEventsPerS: 3000, steps: 3, durationMs: 3000 }] };
    expect(totalEvents(schedule)).toBe(6000);
    expect([0, 999, 1000, 1001, 2999, 3000, 5999].map((i) => intendedOffsetMs(schedule, i))).toEqual([
      0,
      999,
      1000,
      1000.5,
      1999.5,
      2000,
      2000 + 2999 / 3,
    ]);
    expect([0, 999.9, 1000, 2500, 3000].map((t) => rateAt(schedule, t))).toEqual([1000, 1000, 2000, 3000, 0]);
  });

  it('spike: base 100 ev/s, peak 1000 ev/s for 100 ms at 500 ms', () => {
    const schedule: Schedule = {
      phases: [{ kind: 'spike', baseRateEventsPerS: 100, peakRateEventsPerS: 1000, durationMs: 1000, spikeAtMs: 500, spikeDurationMs: 100 }],
    };
    expect(totalEvents(schedule)).toBe(50 + 100 + 40);
    expect([49, 50, 51, 149, 150, 151, 189].map((i) => intendedOffsetMs(schedule, i))).toEqual([490, 500, 501, 599, 600, 610, 990]);
  });

  it('spike at the very start and end of the phase', () => {
    const schedule: Schedule = {
      phases: [{ kind: 'spike', baseRateEventsPerS: 0, peakRateEventsPerS: 1000, durationMs: 10, spikeAtMs: 0, spikeDurationMs: 10 }],
    };
    expect(offsets(schedule)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('overlay', () => {
  it('sums concurrent sequences: 1000 + 1000 ev/s for 10 ms, then 1000 ev/s alone', () => {
    const schedule: Schedule = { overlay: [{ phases: [constant(1000, 10)] }, { phases: [constant(1000, 20)] }] };
    expect(totalDurationMs(schedule)).toBe(20);
    expect(totalEvents(schedule)).toBe(30);
    const times = offsets(schedule);
    expect(times.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => i / 2));
    expect(times.slice(20)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    expect(rateAt(schedule, 5)).toBe(2000);
    expect(rateAt(schedule, 15)).toBe(1000);
  });

  it('sums a ramp and a spike piece by piece (N(t_i) = i everywhere)', () => {
    const schedule: Schedule = {
      overlay: [
        { phases: [ramp(0, 1000, 100), constant(500, 50)] },
        { phases: [{ kind: 'spike', baseRateEventsPerS: 100, peakRateEventsPerS: 2000, durationMs: 120, spikeAtMs: 30, spikeDurationMs: 20 }] },
      ],
    };
    // ramp 50 + constant 25 + spike (3 + 40 + 7) = 125
    expect(totalEvents(schedule)).toBe(125);
    expect(rateAt(schedule, 40)).toBeCloseTo(400 + 2000, 9);
    expect(maxError(offsets(schedule).map((t) => expectedCount(schedule, t)), (i) => i)).toBeLessThan(1e-9);
  });

  it('reports the phase of each sequence running at t', () => {
    const schedule: Schedule = { overlay: [{ phases: [constant(1, 10, 'base')] }, { phases: [constant(1, 5), constant(1, 5, 'burst')] }] };
    expect(phasesAt(schedule, 7).map((p) => [p.sequenceIndex, p.phaseIndex, p.name])).toEqual([
      [0, 0, 'base'],
      [1, 1, 'burst'],
    ]);
    expect(phaseAt(schedule, 3)?.name).toBe('base');
    expect(phasesAt(schedule, 3)[1]?.name).toBe('constant-0');
  });
});

describe('zero-rate edges', () => {
  it('a leading pause delays event 0 to where the rate comes back', () => {
    const schedule = { phases: [constant(0, 1000), constant(1000, 3)] };
    expect(offsets(schedule)).toEqual([1000, 1001, 1002]);
  });

  it('an event that would land on a pause waits for the rate to return', () => {
    const schedule = { phases: [constant(1000, 2), constant(0, 100), constant(1000, 2)] };
    expect(offsets(schedule)).toEqual([0, 1, 102, 103]);
  });

  it('a ramp from zero starts at t = 0; a ramp from zero to zero holds nothing', () => {
    expect(intendedOffsetMs({ phases: [ramp(0, 10, 1000)] }, 0)).toBe(0);
    expect(totalEvents({ phases: [ramp(0, 0, 1000)] })).toBe(0);
  });

  it('an all-zero schedule has no events and still a duration', () => {
    const schedule = { phases: [constant(0, 500)] };
    expect(totalEvents(schedule)).toBe(0);
    expect(offsets(schedule)).toEqual([]);
    expect(totalDurationMs(schedule)).toBe(500);
    expect(dueCount(schedule, 1000)).toBe(0);
  });

  it('a trailing pause counts in the duration, not in the events', () => {
    const schedule = { phases: [constant(1000, 2), constant(0, 8)] };
    expect(totalEvents(schedule)).toBe(2);
    expect(totalDurationMs(schedule)).toBe(10);
    expect(phaseAt(schedule, 5)?.phaseIndex).toBe(1);
    expect(phaseAt(schedule, 10)).toBeUndefined();
  });
});

describe('counts and lookups', () => {
  const schedule = { phases: [constant(1000, 10), ramp(1000, 0, 10)] };

  it('random access agrees with the iterator, also when starting mid-way', () => {
    const all = offsets(schedule);
    expect(all.map((_, i) => intendedOffsetMs(schedule, i))).toEqual(all);
    expect([...intendedOffsetsMs(schedule, 12)]).toEqual(all.slice(12));
  });

  it('dueCount counts events with t_i ≤ t', () => {
    expect(dueCount(schedule, -1)).toBe(0);
    expect(dueCount(schedule, 0)).toBe(1);
    expect(dueCount(schedule, 2.5)).toBe(3);
    expect(dueCount(schedule, 3)).toBe(4);
    expect(dueCount(schedule, 1e9)).toBe(totalEvents(schedule));
  });

  it('expectedCount is N(t), clamped to [0, N(T)]', () => {
    expect(expectedCount(schedule, -5)).toBe(0);
    expect(expectedCount(schedule, 10)).toBe(10);
    expect(expectedCount(schedule, 15)).toBe(10 + 3.75);
    expect(expectedCount(schedule, 99)).toBe(15);
  });

  it('rateAt is 0 outside [0, T)', () => {
    expect([-1, 0, 10, 15, 20].map((t) => rateAt(schedule, t))).toEqual([0, 1000, 1000, 500, 0]);
  });

  it('rejects event indices outside the schedule', () => {
    expect(() => intendedOffsetMs(schedule, 15)).toThrow(StreamproofError);
  });

  it('lists phases with absolute bounds and default names', () => {
    expect(listPhases(schedule).map((p) => [p.name, p.kind, p.startMs, p.endMs])).toEqual([
      ['constant-0', 'constant', 0, 10],
      ['ramp-1', 'ramp', 10, 20],
    ]);
  });
});

describe('validation', () => {
  it('reports every problem at once with INVALID_ARGUMENT', () => {
    let caught: unknown;
    try {
      parseSchedule({
        phases: [
          { kind: 'constant', rateEventsPerS: -1, durationMs: 0 },
          { kind: 'step', fromRateEventsPerS: 1, toRateEventsPerS: 2, steps: 1, durationMs: 10 },
          { kind: 'spike', baseRateEventsPerS: 1, peakRateEventsPerS: 2, durationMs: 10, spikeAtMs: 5, spikeDurationMs: 6 },
        ],
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(StreamproofError);
    const error = caught as StreamproofError;
    expect(error.code).toBe(ERROR_CODES.INVALID_ARGUMENT);
    for (const path of ['phases.0.rateEventsPerS', 'phases.0.durationMs', 'phases.1.steps', 'phases.2.spikeDurationMs']) {
      expect(error.message).toContain(path);
    }
  });

  it('needs exactly one of phases and overlay', () => {
    expect(() => parseSchedule({})).toThrow(/exactly one of/);
    expect(() => totalEvents({ phases: [constant(1, 1)], overlay: [] } as unknown as Schedule)).toThrow(StreamproofError);
  });
});
