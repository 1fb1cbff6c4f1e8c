import { describe, expect, it } from 'vitest';
import type { Schedule } from '../../../src/workload/schedule.js';
import { meanRateEventsPerS, peakRateEventsPerS, scaleDurations, scaleRates, scheduleDurationMs } from '../../../src/scenario/load-shape.js';

const peakShape: Schedule = {
  phases: [
    { kind: 'constant', rateEventsPerS: 2_000, durationMs: 60_000 },
    { kind: 'ramp', fromRateEventsPerS: 2_000, toRateEventsPerS: 20_000, durationMs: 60_000 },
    { kind: 'spike', baseRateEventsPerS: 1_000, peakRateEventsPerS: 5_000, durationMs: 30_000, spikeAtMs: 10_000, spikeDurationMs: 5_000 },
  ],
};

describe('load shape', () => {
  it('measures length, peak and mean', () => {
    expect(scheduleDurationMs(peakShape)).toBe(150_000);
    expect(peakRateEventsPerS(peakShape)).toBe(20_000);
    // 120k + 660k + (25k·1 + 5k·5)= 830k events over 150 s.
    expect(meanRateEventsPerS(peakShape)).toBeCloseTo(830_000 / 150, 9);
  });

  it('sums overlay rates for the peak', () => {
    const overlay: Schedule = {
      overlay: [
        { phases: [{ kind: 'constant', rateEventsPerS: 100, durationMs: 10_000 }] },
        { phases: [{ kind: 'constant', rateEventsPerS: 0, durationMs: 5_000 }, { kind: 'constant', rateEventsPerS: 50, durationMs: 10_000 }] },
      ],
    };
    expect(peakRateEventsPerS(overlay)).toBe(150);
    expect(scheduleDurationMs(overlay)).toBe(15_000);
  });

  it('scales every rate and keeps timing', () => {
    expect(scaleRates(peakShape, 0.25)).toEqual({
      phases: [
        { kind: 'constant', rateEventsPerS: 500, durationMs: 60_000 },
        { kind: 'ramp', fromRateEventsPerS: 500, toRateEventsPerS: 5_000, durationMs: 60_000 },
        { kind: 'spike', baseRateEventsPerS: 250, peakRateEventsPerS: 1_250, durationMs: 30_000, spikeAtMs: 10_000, spikeDurationMs: 5_000 },
      ],
    });
  });

  it('scales every time, landing exactly on the new total', () => {
    const scaled = scaleDurations(peakShape, 1 / 3);
    expect(scaled).toEqual({
      phases: [
        { kind: 'constant', rateEventsPerS: 2_000, durationMs: 20_000 },
        { kind: 'ramp', fromRateEventsPerS: 2_000, toRateEventsPerS: 20_000, durationMs: 20_000 },
        { kind: 'spike', baseRateEventsPerS: 1_000, peakRateEventsPerS: 5_000, durationMs: 10_000, spikeAtMs: 3_333, spikeDurationMs: 1_667 },
      ],
    });
    const odd: Schedule = { phases: [1_000, 1_000, 1_000].map((durationMs) => ({ kind: 'constant' as const, rateEventsPerS: 1, durationMs })) };
    const thirds = scaleDurations(odd, 0.7777);
    expect(scheduleDurationMs(thirds)).toBe(Math.round(3_000 * 0.7777));
    expect('phases' in thirds && thirds.phases.map((p) => p.durationMs)).toEqual([778, 777, 778]);
  });

  it('never shrinks a phase to nothing', () => {
    const tiny: Schedule = { phases: [{ kind: 'constant', rateEventsPerS: 1, durationMs: 10 }, { kind: 'constant', rateEventsPerS: 1, durationMs: 10 }] };
    expect(scaleDurations(tiny, 0.01)).toEqual({
      phases: [
        { kind: 'constant', rateEventsPerS: 1, durationMs: 1 },
        { kind: 'constant', rateEventsPerS: 1, durationMs: 1 },
      ],
    });
  });
});
