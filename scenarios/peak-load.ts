import { defineScenario } from '../src/scenario/define.js';

// Capacity question: does the pipeline absorb a 10× peak without losing or duplicating anything,
// and how fast does it catch up afterwards? `--rate N` scales the whole shape to peak at N.
export default defineScenario({
  name: 'peak-load',
  description: 'Baseline 2k ev/s, ramp to a 10x peak of 20k ev/s, hold 2m, ramp down; no loss, p99 per stage, lag recovered within 60s',
  stack: { brokers: 3 },
  workload: {
    seed: 1,
    users: 100_000,
    keyDistribution: { kind: 'zipf', skew: 1.1 },
    payloadBytes: 512,
    outOfOrderFraction: 0.01,
    outOfOrderMaxMs: '1s',
  },
  load: {
    phases: [
      { kind: 'constant', name: 'baseline', rateEventsPerS: 2_000, durationMs: '1m' },
      { kind: 'ramp', name: 'ramp-up', fromRateEventsPerS: 2_000, toRateEventsPerS: 20_000, durationMs: '1m' },
      { kind: 'constant', name: 'peak', rateEventsPerS: 20_000, durationMs: '2m' },
      { kind: 'ramp', name: 'ramp-down', fromRateEventsPerS: 20_000, toRateEventsPerS: 2_000, durationMs: '1m' },
      { kind: 'constant', name: 'recovery', rateEventsPerS: 2_000, durationMs: '2m' },
    ],
  },
  producer: { lingerMs: 10, compression: 'lz4' },
  processor: { instances: 3, windowMs: '10s', outOfOrdernessMs: '2s' },
  run: { warmUpMs: '30s', drainTimeoutMs: '3m' },
  thresholds: [
    'lost == 0',
    'duplicated == 0',
    'violations == 0',
    's3Missing == 0',
    'p99(l1) < 500ms',
    'p99(l2) < 1s',
    'p99(l3) < 10s',
    'p99(l4) < 30s',
    'achievedRate >= 0.98 * target',
    'p99(lag) < 250ms',
    'onTimeShare >= 0.98',
    'lagRecoveryS <= 60',
  ],
});
