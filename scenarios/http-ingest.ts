import { defineScenario } from '../src/scenario/define.js';

// The HTTP collector path: clients POST NDJSON batches, the collector produces to raw-events.
// HTTP latency is measured from the intended send time like every other stage.
export default defineScenario({
  name: 'http-ingest',
  description: 'Events POSTed to the HTTP collector at 2k ev/s for 2m (16 connections, 50 events per request); HTTP and end-to-end latency',
  stack: { brokers: 3 },
  ingest: { kind: 'http', connections: 16, batchSize: 50 },
  workload: {
    seed: 1,
    users: 50_000,
    keyDistribution: { kind: 'zipf', skew: 1 },
    outOfOrderFraction: 0.01,
    outOfOrderMaxMs: '1s',
    malformedFraction: 0.001,
  },
  load: {
    phases: [
      { kind: 'ramp', name: 'ramp-up', fromRateEventsPerS: 0, toRateEventsPerS: 2_000, durationMs: '15s' },
      { kind: 'constant', name: 'steady', rateEventsPerS: 2_000, durationMs: '2m' },
    ],
  },
  processor: { instances: 2, windowMs: '10s', outOfOrdernessMs: '2s' },
  run: { warmUpMs: '15s', drainTimeoutMs: '1m' },
  thresholds: [
    'lost == 0',
    'duplicated == 0',
    'violations == 0',
    's3Missing == 0',
    'httpErrors == 0',
    'p99(http) < 250ms',
    'p99(l2) < 1s',
    'p99(l3) < 10s',
    'achievedRate >= 0.98 * target',
    'p99(lag) < 100ms',
    'onTimeShare >= 0.99',
  ],
});
