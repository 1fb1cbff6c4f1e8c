import { describe, expect, it } from 'vitest';
import { DEFAULT_MIX } from '../../../src/workload/generator-config.js';
import { parseSchedule } from '../../../src/workload/schedule.js';
import { scenarioSchema, SCENARIO_SECTIONS } from '../../../src/scenario/schema.js';

const minimal = {
  name: 'minimal',
  description: 'the smallest valid scenario',
  load: { phases: [{ kind: 'constant', rateEventsPerS: 100, durationMs: '30s' }] },
};

describe('scenarioSchema', () => {
  it('fills every default from a minimal scenario', () => {
    const parsed = scenarioSchema.parse(minimal);
    expect(parsed.stack).toEqual({ provider: 'native', brokers: 3 });
    expect(parsed.topology).toEqual({ rawEventsPartitions: 12, processedEventsPartitions: 12, retentionMs: 604_800_000 });
    expect(parsed.processor).toEqual({ kind: 'builtin', instances: 2, guarantee: 'exactly-once', windowMs: 60_000, outOfOrdernessMs: 5_000, allowedLatenessMs: 0, idleTimeoutMs: 10_000 });
    expect(parsed.producer).toEqual({ acks: 'all', idempotent: true, retries: 3, lingerMs: 5, batchMaxRecords: 2_000, compression: 'none', maxInFlight: 3 });
    expect(parsed.ingest).toEqual({ kind: 'kafka', loadWorkers: 1, producerThread: false });
    expect(parsed.delivery).toEqual({ enabled: true, bucket: 'streamproof-analytics', streamName: 'streamproof-delivery' });
    expect(parsed.run).toEqual({ warmUpMs: 10_000, drainTimeoutMs: 60_000, onTimeMs: 100 });
    expect(parsed.workload.seed).toBe(1);
    expect(parsed.workload.mix).toEqual(DEFAULT_MIX);
    expect(parsed.faults).toEqual([]);
    expect(parsed.thresholds).toEqual([]);
  });

  it('takes producer.maxInFlight from 1 to 16 and rejects anything else', () => {
    expect(scenarioSchema.parse({ ...minimal, producer: { maxInFlight: 5 } }).producer.maxInFlight).toBe(5);
    for (const maxInFlight of [0, 17, 2.5]) expect(scenarioSchema.safeParse({ ...minimal, producer: { maxInFlight } }).success).toBe(false);
  });

  it('merges a partial section with that section’s defaults', () => {
    const parsed = scenarioSchema.parse({ ...minimal, processor: { windowMs: '10s' }, ingest: { kind: 'http', connections: 4 } });
    expect(parsed.processor).toEqual({ kind: 'builtin', instances: 2, guarantee: 'exactly-once', windowMs: 10_000, outOfOrdernessMs: 5_000, allowedLatenessMs: 0, idleTimeoutMs: 10_000 });
    expect(parsed.ingest).toEqual({ kind: 'http', connections: 4, batchSize: 100, loadWorkers: 1 });
  });

  it('turns human durations in phases and faults into ms', () => {
    const parsed = scenarioSchema.parse({
      ...minimal,
      load: { phases: [{ kind: 'spike', baseRateEventsPerS: 10, peakRateEventsPerS: 100, durationMs: '2m', spikeAtMs: '30s', spikeDurationMs: '10s' }] },
      faults: [{ kind: 'processor-kill', atMs: '1m', durationMs: '5s' }],
    });
    expect(parsed.load).toEqual({ phases: [{ kind: 'spike', baseRateEventsPerS: 10, peakRateEventsPerS: 100, durationMs: 120_000, spikeAtMs: 30_000, spikeDurationMs: 10_000 }] });
    expect(parsed.faults).toEqual([{ kind: 'processor-kill', atMs: 60_000, durationMs: 5_000, instance: 0, whileTransactionOpen: false }]);
  });

  it('produces a load the schedule module accepts unchanged', () => {
    const parsed = scenarioSchema.parse({
      ...minimal,
      load: {
        overlay: [
          { phases: [{ kind: 'ramp', fromRateEventsPerS: 0, toRateEventsPerS: 10, durationMs: '1m' }] },
          { phases: [{ kind: 'step', fromRateEventsPerS: 1, toRateEventsPerS: 4, steps: 4, durationMs: 40_000 }] },
        ],
      },
    });
    expect(parseSchedule(parsed.load)).toEqual(parsed.load);
  });

  it('rejects both or neither of phases and overlay', () => {
    expect(scenarioSchema.safeParse({ ...minimal, load: {} }).success).toBe(false);
    const both = { phases: minimal.load.phases, overlay: [{ phases: minimal.load.phases }] };
    expect(scenarioSchema.safeParse({ ...minimal, load: both }).error?.issues[0]?.message).toBe('give exactly one of `phases` or `overlay`');
  });

  it('keeps acks and idempotence fixed', () => {
    expect(scenarioSchema.safeParse({ ...minimal, producer: { acks: '1' } }).success).toBe(false);
    expect(scenarioSchema.safeParse({ ...minimal, producer: { idempotent: false } }).success).toBe(false);
  });

  it('parses each threshold with the gate grammar', () => {
    const ok = scenarioSchema.safeParse({ ...minimal, thresholds: ['p99(l3) < 2s', { threshold: 'lost == 0', abortOnFail: true }] });
    expect(ok.success).toBe(true);
    const bad = scenarioSchema.safeParse({ ...minimal, thresholds: ['lost == 0', 'lost =< 0'] });
    expect(bad.error?.issues.map((i) => i.path)).toEqual([['thresholds', 1]]);
    expect(bad.error?.issues[0]?.message).toMatch(/^invalid threshold "lost =< 0" at column 6/);
  });

  it('lists its sections in a fixed order', () => {
    expect(SCENARIO_SECTIONS).toEqual([
      'name',
      'description',
      'stack',
      'topology',
      'workload',
      'load',
      'ingest',
      'producer',
      'processor',
      'delivery',
      'run',
      'faults',
      'thresholds',
    ]);
  });
});

describe('processor.guarantee', () => {
  it('is exactly-once by default; the builtin kind also runs the at-least-once control', () => {
    expect(scenarioSchema.parse({ ...minimal, processor: { guarantee: 'at-least-once' } }).processor).toMatchObject({ kind: 'builtin', guarantee: 'at-least-once' });
  });

  it('is refused for every other kind, naming the field and the kind that has it', () => {
    for (const kind of ['kafka-streams', 'flink', 'external']) {
      const parsed = scenarioSchema.safeParse({ ...minimal, processor: { kind, guarantee: 'at-least-once' } });
      expect(parsed.success).toBe(false);
      const issue = parsed.error?.issues.find((i) => i.path.join('.') === 'processor.guarantee');
      expect(issue?.message).toContain(`processor.kind=${kind} runs exactly-once only`);
      expect(issue?.message).toContain('processor.kind=builtin');
      expect(scenarioSchema.parse({ ...minimal, processor: { kind, guarantee: 'exactly-once' } }).processor).toMatchObject({ kind, guarantee: 'exactly-once' });
    }
  });
});
