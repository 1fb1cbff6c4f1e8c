import { defineScenario } from '../src/scenario/define.js';

// Rebalances under load: a third instance joins for 20 s and leaves, then one of the two leaves for
// 20 s and comes back: partitions move between transactional producers while events keep coming.
// At smoke's rate (800 ev/s, 5s windows) for 90 s of load: with warm-up and drain well under 3 minutes on
// the native 3-broker stack. Correctness gates are the point (0 lost, 0 duplicated, every result in S3);
// recovery is reported per fault (docs/faults.md).
export default defineScenario({
  name: 'rebalance',
  description: 'a processor instance added for 20 s, then one removed for 20 s, at 800 ev/s: rebalances under load, exactly-once',
  stack: { brokers: 3 },
  workload: { seed: 1, users: 1_000, keyDistribution: { kind: 'zipf', skew: 1 }, outOfOrderFraction: 0.05, outOfOrderMaxMs: '500ms' },
  load: {
    phases: [
      { kind: 'ramp', name: 'ramp-up', fromRateEventsPerS: 100, toRateEventsPerS: 800, durationMs: '5s' },
      { kind: 'constant', name: 'steady', rateEventsPerS: 800, durationMs: '85s' },
    ],
  },
  processor: { instances: 2, windowMs: '5s', outOfOrdernessMs: '1s', allowedLatenessMs: 0, idleTimeoutMs: '2s' },
  run: { warmUpMs: '5s', drainTimeoutMs: '40s', onTimeMs: '500ms' },
  faults: [
    { kind: 'processor-scale', phase: 'steady', atMs: '10s', durationMs: '20s', change: 'add' },
    { kind: 'processor-scale', phase: 'steady', atMs: '45s', durationMs: '20s', change: 'remove', instance: 1 },
  ],
  thresholds: [
    'lost == 0',
    'duplicated == 0',
    'violations == 0',
    's3Missing == 0',
    'minResultsInFault > 0',
  ],
});
