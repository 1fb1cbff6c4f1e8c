import { defineScenario } from '../src/scenario/define.js';

// Event-time edge cases. Out-of-order shifts reach 4s: past the 2s watermark delay but within
// the 5s allowed lateness, so fired windows get updated. Late events lie 30s back, beyond
// window + out-of-orderness + lateness (17s), so every one of them must reach late-events.
export default defineScenario({
  name: 'late-data',
  description: 'Messy event time: 20% out of order, 5% late, 1% malformed; windows, late-events and DLQ must account for every event',
  stack: { brokers: 3 },
  workload: {
    seed: 1,
    users: 10_000,
    keyDistribution: { kind: 'zipf', skew: 1 },
    outOfOrderFraction: 0.2,
    outOfOrderMaxMs: '4s',
    lateFraction: 0.05,
    lateDelayMs: '30s',
    malformedFraction: 0.01,
  },
  load: {
    phases: [
      { kind: 'ramp', name: 'ramp-up', fromRateEventsPerS: 0, toRateEventsPerS: 1_500, durationMs: '10s' },
      { kind: 'constant', name: 'steady', rateEventsPerS: 1_500, durationMs: '3m' },
    ],
  },
  processor: { instances: 2, windowMs: '10s', outOfOrdernessMs: '2s', allowedLatenessMs: '5s', idleTimeoutMs: '5s' },
  run: { warmUpMs: '15s', drainTimeoutMs: '1m' },
  thresholds: [
    'lost == 0',
    'duplicated == 0',
    'violations == 0',
    's3Missing == 0',
    'late >= 4%',
    'late <= 6%',
    'dlq >= 0.5%',
    'p99(l3) < 10s',
    'p99(lag) < 100ms',
    'onTimeShare >= 0.99',
  ],
});
