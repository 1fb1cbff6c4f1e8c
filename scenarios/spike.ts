import { defineScenario } from '../src/scenario/define.js';

// A sudden burst with no ramp: the sender must stay open-loop (latency from intended time), and
// the backlog built during the spike must drain soon after it.
export default defineScenario({
  name: 'spike',
  description: 'Steady 2k ev/s with a sudden 10x spike for 20s; no loss, bounded latency, backlog drained within 60s',
  stack: { brokers: 3 },
  workload: {
    seed: 1,
    users: 50_000,
    keyDistribution: { kind: 'zipf', skew: 1 },
    outOfOrderFraction: 0.01,
    outOfOrderMaxMs: '1s',
  },
  load: {
    phases: [
      {
        kind: 'spike',
        name: 'spike',
        baseRateEventsPerS: 2_000,
        peakRateEventsPerS: 20_000,
        durationMs: '4m',
        spikeAtMs: '90s',
        spikeDurationMs: '20s',
      },
    ],
  },
  processor: { instances: 2, windowMs: '10s', outOfOrdernessMs: '2s' },
  run: { warmUpMs: '30s', drainTimeoutMs: '2m' },
  thresholds: [
    'lost == 0',
    'duplicated == 0',
    'violations == 0',
    's3Missing == 0',
    'p99(l1) < 2s',
    'p99(l3) < 20s',
    'achievedRate >= 0.95 * target',
    'p99(lag) < 500ms',
    'onTimeShare >= 0.95',
    'lagRecoveryS <= 60',
  ],
});
