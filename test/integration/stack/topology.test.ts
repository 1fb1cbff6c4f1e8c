import { afterAll, describe, expect, it } from 'vitest';
import { deleteDelivery } from '../../../src/aws/teardown.js';
import { withKafkaAdmin } from '../../../src/kafka/admin.js';
import { provisionTopology } from '../../../src/stack/provision.js';
import { buildTopology } from '../../../src/contract/topology.js';
import { deleteTopics, endpoints, freshPrefix } from '../support.js';

const stack = await endpoints();
const topology = buildTopology({ brokers: stack.kafka.brokers, prefix: freshPrefix('topology') });

afterAll(async () => {
  await deleteTopics(stack, topology.topics.map((t) => t.name));
  await deleteDelivery(stack.aws, topology.delivery).catch(() => undefined);
});

describe('topology provisioning against the real stack', () => {
  it('creates every topic with the seed configuration, read back through the admin API', async () => {
    const report = await provisionTopology(stack, topology);
    expect(report.created.sort()).toEqual(topology.topics.map((t) => t.name).sort());
    const expectedRf = Math.min(3, stack.kafka.brokers);
    await withKafkaAdmin(stack.kafka, async (admin) => {
      const raw = await admin.waitForTopic(topology.names.raw, ['cleanup.policy', 'retention.ms', 'min.insync.replicas']);
      expect(raw).toMatchObject({ partitions: 12, replicationFactor: expectedRf });
      expect(raw?.configs).toMatchObject({ 'cleanup.policy': 'delete', 'retention.ms': '604800000' });
      const processed = await admin.waitForTopic(topology.names.processed, ['cleanup.policy', 'retention.ms']);
      expect(processed).toMatchObject({ partitions: 12, replicationFactor: expectedRf });
      expect(processed?.configs).toMatchObject({ 'cleanup.policy': 'compact', 'retention.ms': '604800000' });
      for (const name of [topology.names.late, topology.names.dlq, topology.names.changelog]) {
        expect(await admin.waitForTopic(name, [])).toMatchObject({ partitions: 12, replicationFactor: expectedRf });
      }
      if (stack.kafka.brokers >= 3) {
        const details = raw?.partitionDetails ?? [];
        expect(details.every((p) => p.replicas.length === 3 && p.isr.length === 3)).toBe(true);
        expect(raw?.configs['min.insync.replicas']).toBe('2');
      }
    });
    expect(report.deliveryDetails).toMatchObject({ prefix: 'raw-data/', bufferSizeMiB: 5, bufferIntervalS: 300, compression: 'GZIP' });
  });

  it('is idempotent: provisioning again creates nothing', async () => {
    const again = await provisionTopology(stack, topology);
    expect(again.created).toEqual([]);
    expect(again.existing.sort()).toEqual(topology.topics.map((t) => t.name).sort());
    expect(again.delivery).toBe('existing');
  });

  it('rejects an existing topic whose partition count differs, naming the difference', async () => {
    const other = buildTopology({ brokers: stack.kafka.brokers, partitions: 6, prefix: topology.names.raw.replace('raw-events', '') });
    await expect(provisionTopology(stack, other, { delivery: false })).rejects.toMatchObject({
      code: 'SP_TOPIC_MISMATCH',
      message: expect.stringContaining(`${topology.names.raw} has 12 partitions, expected 6`),
    });
  });
});
