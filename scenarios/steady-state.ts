import { defineScenario } from '../src/scenario/define.js';

// Production-shaped traffic at a rate a laptop sustains: the baseline the other scenarios and
// CI comparisons are read against. One-minute windows as in production.
export default defineScenario({
  name: 'steady-state',
  description: 'Production-like steady load: 2k ev/s for 5m after a 30s ramp, 1m windows, every invariant and stage gated',
  stack: { brokers: 3 },
  workload: {
    seed: 1,
    users: 100_000,
    keyDistribution: { kind: 'zipf', skew: 1 },
    payloadBytes: 512,
    outOfOrderFraction: 0.02,
    outOfOrderMaxMs: '2s',
    lateFraction: 0.001,
    lateDelayMs: '2m',
    malformedFraction: 0.0005,
  },
  load: {
    phases: [
      { kind: 'ramp', name: 'ramp-up', fromRateEventsPerS: 0, toRateEventsPerS: 2_000, durationMs: '30s' },
      { kind: 'constant', name: 'steady', rateEventsPerS: 2_000, durationMs: '5m' },
    ],
  },
  processor: { instances: 2, windowMs: '1m', outOfOrdernessMs: '5s' },
  run: { warmUpMs: '30s', drainTimeoutMs: '2m' },
  thresholds: [
    'lost == 0',
    'duplicated == 0',
    'violations == 0',
    's3Missing == 0',
    'p99(l1) < 250ms',
    'p99(l2) < 500ms',
    'p99(l3) < 5s',
    'p99(l4) < 10s',
    'achievedRate >= 0.98 * target',
    'p99(lag) < 100ms',
    'onTimeShare >= 0.99',
  ],
});
