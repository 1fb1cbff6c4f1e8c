import { describe, expect, it } from 'vitest';
import { buildTopology, checkExistingTopic } from '../../../src/contract/topology.js';

describe('buildTopology', () => {
  it('follows the production seed with 3 brokers and warns about nothing', () => {
    const t = buildTopology({ brokers: 3 });
    expect(t.warnings).toEqual([]);
    const raw = t.topics.find((x) => x.name === 'raw-events');
    expect(raw).toEqual({ name: 'raw-events', partitions: 12, replicationFactor: 3, configs: { 'retention.ms': '604800000', 'min.insync.replicas': '2', 'cleanup.policy': 'delete' } });
    expect(t.topics.find((x) => x.name === 'processed-events')?.configs['cleanup.policy']).toBe('compact');
    expect(t.topics.map((x) => x.name)).toEqual(['raw-events', 'processed-events', 'late-events', 'dlq-events', 'processor-window-changelog']);
    expect(t.delivery).toMatchObject({ prefix: 'raw-data/', bufferingSizeMiB: 5, bufferingIntervalS: 300, compression: 'GZIP' });
  });

  it('clamps replication to the broker count and says so', () => {
    const t = buildTopology({ brokers: 1 });
    expect(t.topics.every((x) => x.replicationFactor === 1 && x.configs['min.insync.replicas'] === '1')).toBe(true);
    expect(t.warnings).toHaveLength(1);
    expect(t.warnings[0]).toContain('replication factor clamped to 1');
  });

  it('prefixes every name, bucket and stream for isolation', () => {
    const t = buildTopology({ brokers: 3, prefix: 'it-x-1a2b3c-' });
    expect(t.names.raw).toBe('it-x-1a2b3c-raw-events');
    expect(t.delivery.bucket).toBe('streamproof-analytics-it-x-1a2b3c');
    expect(t.delivery.bucket).toMatch(/^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/);
  });
});

describe('checkExistingTopic', () => {
  const spec = buildTopology({ brokers: 3 }).topics[0]!;
  it('creates a missing topic', () => expect(checkExistingTopic(spec, null)).toEqual({ kind: 'create' }));
  it('accepts a matching topic', () => expect(checkExistingTopic(spec, { partitions: 12, replicationFactor: 3, configs: { 'cleanup.policy': 'delete' } })).toEqual({ kind: 'ok' }));
  it('names every difference', () => {
    expect(checkExistingTopic(spec, { partitions: 6, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } })).toEqual({
      kind: 'mismatch',
      problems: ['has 6 partitions, expected 12', 'has replication factor 1, expected 3', 'has cleanup.policy=compact, expected delete'],
    });
  });
});
