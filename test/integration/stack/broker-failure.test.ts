import { afterAll, describe, expect, it } from 'vitest';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { readTopicToEnd } from '../../../src/kafka/topic-reader.js';
import { probeKafka, waitUntilHealthy } from '../../../src/stack/health.js';
import { nativeStartService, nativeStopService } from '../../../src/stack/native/native-provider.js';
import { provisionTopology } from '../../../src/stack/provision.js';
import { readStackState } from '../../../src/stack/state.js';
import { deleteTopics, endpoints, freshTopology } from '../support.js';

const stack = await endpoints();
const state = await readStackState();
const threeNativeBrokers = stack.provider === 'native' && stack.kafka.brokers === 3 && state !== null;
const topology = freshTopology('broker-loss', stack.kafka.brokers, 6);

afterAll(async () => {
  // Whatever happened, leave the stack with all its brokers.
  const current = await readStackState();
  if (current) await nativeStartService(current, 'kafka-3').catch(() => undefined);
  await waitUntilHealthy(() => probeKafka(stack.kafka, stack.kafka.brokers), { service: 'kafka', timeoutMs: 120_000 }).catch(() => undefined);
  await deleteTopics(stack, topology.topics.map((t) => t.name));
});

// This test needs the 3-broker native stack that .ci/run starts; with another stack it cannot
// kill a broker, and says so rather than pretending.
describe.runIf(threeNativeBrokers)('one of three brokers killed', () => {
  it('leaves the cluster writable with acks=all at min.insync.replicas=2', async () => {
    await provisionTopology(stack, topology, { delivery: false });
    await nativeStopService(state!, 'kafka-3', 'kill');
    // Wait until the controller has fenced the dead broker, so writes really run on two replicas.
    await waitUntilHealthy(
      async () => {
        const probe = await probeKafka(stack.kafka, 2);
        return { healthy: probe.detail.startsWith('2/'), detail: probe.detail };
      },
      { service: 'kafka (2 of 3)', timeoutMs: 60_000, intervalMs: 500 },
    );

    const producer = new BatchingProducer({ ...stack.kafka, bootstrapServers: stack.kafka.bootstrapServers.slice(0, 2) }, { clientId: 'it-broker-loss' });
    await producer.connect();
    const count = 2_000;
    await Promise.all(Array.from({ length: count }, (_, i) => producer.send(topology.names.raw, `k-${i % 50}`, String(i))));
    await producer.close();

    const ids = new Set<string>();
    const { records } = await readTopicToEnd({ ...stack.kafka, bootstrapServers: stack.kafka.bootstrapServers.slice(0, 2) }, topology.names.raw, {
      readCommitted: true,
      onRecord: (r) => ids.add(r.value ?? ''),
    });
    expect(records).toBe(count);
    expect(ids.size).toBe(count);

    const restarted = await nativeStartService((await readStackState())!, 'kafka-3');
    expect(restarted.processes.find((p) => p.service === 'kafka-3')?.pid).not.toBe(state!.processes.find((p) => p.service === 'kafka-3')?.pid);
    await waitUntilHealthy(() => probeKafka(stack.kafka, 3), { service: 'kafka', timeoutMs: 120_000, intervalMs: 1000 });
  });
});
