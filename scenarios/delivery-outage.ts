import { defineScenario } from '../src/scenario/define.js';

// The Firehose/S3 endpoint hangs for 15 s (SIGSTOP; the emulator keeps its objects): the delivery sink
// must retry within its budget and deliver every result afterwards, duplicates accounted for.
// At smoke's rate (800 ev/s, 5s windows) for 90 s of load: with warm-up and drain well under 3 minutes on
// the native 3-broker stack. Correctness gates are the point (0 lost, 0 duplicated, every result in S3);
// recovery is reported per fault (docs/faults.md).
export default defineScenario({
  name: 'delivery-outage',
  description: 'the Firehose/S3 endpoint hung for 15 s in steady at 800 ev/s; every result still reaches S3, duplicates counted',
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
    { kind: 'delivery-outage', phase: 'steady', atMs: '25s', durationMs: '15s' },
  ],
  thresholds: [
    'lost == 0',
    'duplicated == 0',
    'violations == 0',
    's3Missing == 0',
    'minResultsInFault > 0',
  ],
});
