import { defineScenario } from '../src/scenario/define.js';

// Jepsen-style: a fault drawn from the seed every 20 s (kind and target), each healed after 8 s. The
// same seed gives the same plan (printed at the start and kept in result.json): `--set faults.0.seed=8`
// draws another.
// At smoke's rate (800 ev/s, 5s windows) for 90 s of load: with warm-up and drain well under 3 minutes on
// the native 3-broker stack. Correctness gates are the point (0 lost, 0 duplicated, every result in S3);
// recovery is reported per fault (docs/faults.md).
export default defineScenario({
  name: 'chaos',
  description: 'a random fault from the seed every 20 s (8 s each) at 800 ev/s; the same seed replays the same plan',
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
    { kind: 'chaos', seed: 7, phase: 'steady', atMs: '5s', everyMs: '20s', durationMs: '8s' },
  ],
  thresholds: [
    'lost == 0',
    'duplicated == 0',
    'violations == 0',
    's3Missing == 0',
    'minAckedInFault >= 0',
  ],
});
