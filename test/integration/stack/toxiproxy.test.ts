import { afterAll, describe, expect, it } from 'vitest';
import type { KafkaEndpoints } from '../../../src/base/endpoints.js';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { readTopicToEnd } from '../../../src/kafka/topic-reader.js';
import { listToxics, networkFault, type HealableFault } from '../../../src/stack/native/toxiproxy.js';
import { provisionTopology } from '../../../src/stack/provision.js';
import { deleteTopics, endpoints, freshTopology } from '../support.js';

/**
 * Network faults through Toxiproxy on the real stack (started with `stack up --toxiproxy`): a
 * client that bootstraps through the proxies reaches the brokers only through them, so a latency
 * toxic on every proxy raises its produce round trip by at least about the toxic — which could not
 * happen if metadata had sent it to a broker's own address — and a heal leaves no toxic behind.
 * Correctness of the path with a generous margin, no timing bound from above.
 */
const stack = await endpoints();
const created: string[] = [];
const faults: HealableFault[] = [];
afterAll(async () => {
  for (const fault of faults) await fault.heal().catch(() => undefined);
  await deleteTopics(stack, created);
});

function proxied(): NonNullable<typeof stack.toxiproxy> {
  if (!stack.toxiproxy) throw new Error('the stack runs without Toxiproxy: start it with `npm run stack -- up --toxiproxy` (.ci/run does)');
  return stack.toxiproxy;
}

/** Median of `n` produce round trips (send one record, wait for its ack), one after another. */
async function medianProduceMs(kafka: KafkaEndpoints, topic: string, n: number, tag: string): Promise<number> {
  const producer = new BatchingProducer(kafka, { clientId: `it-toxiproxy-${tag}`, tuning: { lingerMs: 0, batchMaxRecords: 1, maxInFlightBatches: 1 } });
  try {
    await producer.connect();
    await producer.sendToPartition(topic, 0, 'warm-up', `{"tag":"${tag}","i":-1}`); // metadata and connections first
    const times: number[] = [];
    for (let i = 0; i < n; i += 1) {
      const started = performance.now();
      await producer.sendToPartition(topic, 0, `k${i}`, `{"tag":"${tag}","i":${i}}`);
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(n / 2)]!;
  } finally {
    await producer.close();
  }
}

describe('Toxiproxy in front of the brokers', () => {
  it('round trip through the proxies; 200 ms latency on all brokers raises the produce round trip by ≥ ~200 ms; heal leaves no toxic', { timeout: 120_000 }, async () => {
    const toxiproxy = proxied();
    expect(toxiproxy.proxies).toHaveLength(stack.kafka.brokers);
    expect(await listToxics(toxiproxy)).toEqual([]);
    const topology = freshTopology('toxiproxy', stack.kafka.brokers, 1);
    created.push(...topology.topics.map((t) => t.name));
    await provisionTopology(stack, topology, { delivery: false });
    const topic = topology.names.raw;

    const before = await medianProduceMs(toxiproxy.kafka, topic, 15, 'before');
    const fault = await networkFault(toxiproxy, 'all', { kind: 'latency', latencyMs: 200, jitterMs: 0 });
    faults.push(fault);
    expect(fault.toxics).toEqual(toxiproxy.proxies.map((p) => `${p.name}/${fault.toxics[0]!.split('/')[1]}`));
    expect(await listToxics(toxiproxy)).toEqual([...fault.toxics]);
    const during = await medianProduceMs(toxiproxy.kafka, topic, 7, 'during');
    await fault.heal();
    await fault.heal(); // idempotent
    expect(await listToxics(toxiproxy)).toEqual([]);
    const after = await medianProduceMs(toxiproxy.kafka, topic, 15, 'after');
    console.log(`produce round trip through the proxies (median): before ${before.toFixed(1)} ms, with 200 ms latency ${during.toFixed(1)} ms, after heal ${after.toFixed(1)} ms`);
    // Every ack crosses the toxic (a lower bound, whatever the machine's load), and the rise is ~the toxic.
    expect(during).toBeGreaterThanOrEqual(195);
    expect(during - before).toBeGreaterThanOrEqual(150);

    // Everything sent through the proxies is in the topic, read back through the proxies too.
    const seen = new Map<string, number>();
    await readTopicToEnd(toxiproxy.kafka, topic, {
      readCommitted: true,
      onRecord: (r) => {
        const tag = (JSON.parse(r.value as string) as { tag: string }).tag;
        seen.set(tag, (seen.get(tag) ?? 0) + 1);
      },
    });
    expect(Object.fromEntries(seen)).toEqual({ before: 16, during: 8, after: 16 });
  });

  it('refuses a broker index the stack does not have, adding nothing', async () => {
    const toxiproxy = proxied();
    await expect(networkFault(toxiproxy, toxiproxy.proxies.length, { kind: 'reset' })).rejects.toMatchObject({ code: 'SP_INVALID_ARGUMENT' });
    expect(await listToxics(toxiproxy)).toEqual([]);
  });
});
