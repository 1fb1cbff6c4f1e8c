import { defineScenario } from '../src/scenario/define.js';

// A broker hung, not dead (SIGSTOP for 10 s, then SIGCONT): sockets stay open and nothing answers, the
// failure clients detect only by timeouts.
// At smoke's rate (800 ev/s, 5s windows) for 90 s of load: with warm-up and drain well under 3 minutes on
// the native 3-broker stack. Correctness gates are the point (0 lost, 0 duplicated, every result in S3);
// recovery is reported per fault (docs/faults.md).
export default defineScenario({
  name: 'broker-hang',
  description: 'one of three brokers paused (SIGSTOP) for 10 s in steady at 800 ev/s, then resumed; exactly-once holds',
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
    { kind: 'broker-pause', phase: 'steady', atMs: '25s', durationMs: '10s', broker: 2 },
  ],
  thresholds: [
    'lost == 0',
    'duplicated == 0',
    'violations == 0',
    's3Missing == 0',
    'minAckedInFault >= 0',
  ],
});
