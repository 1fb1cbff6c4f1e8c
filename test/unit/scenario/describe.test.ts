import { describe, expect, it } from 'vitest';
import { describeLoad, describePhase, describeScenario, formatRate } from '../../../src/scenario/describe.js';
import { validateScenario } from '../../../src/scenario/validate.js';

describe('formatRate', () => {
  it('abbreviates thousands and millions', () => {
    expect([0.5, 500, 1_000, 2_500, 20_000, 1_250_000].map(formatRate)).toEqual(['0.5', '500', '1k', '2.5k', '20k', '1.3M']);
  });
});

describe('describePhase', () => {
  it('says each kind in a few words', () => {
    expect(describePhase({ kind: 'constant', rateEventsPerS: 800, durationMs: 25_000 })).toBe('800 ev/s for 25s');
    expect(describePhase({ kind: 'ramp', fromRateEventsPerS: 2_000, toRateEventsPerS: 20_000, durationMs: 60_000 })).toBe('ramp 2k→20k ev/s over 1m');
    expect(describePhase({ kind: 'step', fromRateEventsPerS: 1_000, toRateEventsPerS: 5_000, steps: 5, durationMs: 150_000 })).toBe(
      'step 1k→5k ev/s in 5 steps over 2m30s',
    );
    expect(
      describePhase({ kind: 'spike', baseRateEventsPerS: 2_000, peakRateEventsPerS: 20_000, durationMs: 240_000, spikeAtMs: 90_000, spikeDurationMs: 20_000 }),
    ).toBe('2k ev/s for 4m with a 20k ev/s spike at 1m30s for 20s');
  });

  it('rounds to whole seconds from 10s up, not below', () => {
    expect(describePhase({ kind: 'constant', rateEventsPerS: 1, durationMs: 25_714 })).toBe('1 ev/s for 26s');
    expect(describePhase({ kind: 'constant', rateEventsPerS: 1, durationMs: 2_500 })).toBe('1 ev/s for 2s500ms');
  });
});

describe('describeLoad', () => {
  it('describes overlays and cuts long schedules', () => {
    const c = (rateEventsPerS: number) => ({ kind: 'constant' as const, rateEventsPerS, durationMs: 1_000 });
    expect(describeLoad({ overlay: [{ phases: [c(100)] }, { phases: [c(50), c(10)] }] })).toBe(
      'overlay of [100 ev/s for 1s] + [50 ev/s for 1s, 10 ev/s for 1s] (2s, peak 150 ev/s)',
    );
    expect(describeLoad({ phases: [1, 2, 3, 4, 5, 6, 7].map(c) })).toBe(
      '1 ev/s for 1s, 2 ev/s for 1s, 3 ev/s for 1s, 4 ev/s for 1s, 5 ev/s for 1s, … 2 more phases (7s, peak 7 ev/s)',
    );
  });
});

describe('describeScenario', () => {
  it('is one line with the stack, load, ingest, processor, delivery, gates and faults', () => {
    const { scenario } = validateScenario({
      name: 'demo',
      description: 'demo',
      stack: { brokers: 1 },
      ingest: { kind: 'http', connections: 1, batchSize: 20 },
      load: { phases: [{ kind: 'constant', rateEventsPerS: 1_500, durationMs: '2m' }] },
      processor: { instances: 1, windowMs: '10s' },
      delivery: { enabled: false },
      faults: [{ kind: 'processor-kill', atMs: '1m', durationMs: '5s' }],
      thresholds: ['lost == 0'],
      workload: { seed: 'abc' },
    });
    expect(describeScenario(scenario)).toBe(
      'demo: 1 broker (native), 1.5k ev/s for 2m (2m, peak 1.5k ev/s); http ingest (1 connection, 20 ev/request), 1 processor, 10s windows, delivery off, 1 gate, 1 fault, seed abc',
    );
  });
});
