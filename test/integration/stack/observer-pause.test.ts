import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { tailTopic } from '../../../src/kafka/topic-tail.js';
import { stackControl } from '../../../src/stack/broker-control.js';
import { provisionTopology } from '../../../src/stack/provision.js';
import { readStackState } from '../../../src/stack/state.js';
import { deleteTopics, endpoints, freshTopology } from '../support.js';

/**
 * A live observer (the L2/L3 tails) across a hung broker: SIGSTOP of one of three brokers for
 * 12 s while records flow, then SIGCONT. The tail must go on and, once the load is over, have
 * seen every record — in the broker-hang scenario it stopped at the pause and the run passed
 * with a third of its L2 samples, silently.
 */
const stack = await endpoints();
const state = await readStackState();
const threeNativeBrokers = stack.provider === 'native' && stack.kafka.brokers === 3 && state !== null;
const topology = freshTopology('observer-pause', stack.kafka.brokers, 6);
let paused: number | null = null;

afterAll(async () => {
  if (paused !== null) await (await stackControl()).resumeBroker(paused).catch(() => undefined);
  await deleteTopics(stack, topology.topics.map((t) => t.name));
});

describe.runIf(threeNativeBrokers)('a live observer across a paused broker', () => {
  it('sees every record after the broker resumes', { timeout: 180_000 }, async () => {
    await provisionTopology(stack, topology, { delivery: false });
    const topic = topology.names.raw;
    const tail = await tailTopic(stack.kafka, topic, () => undefined, { clientId: 'it-observer-pause' });
    const producer = new BatchingProducer(stack.kafka, { clientId: 'it-observer-pause-load' });
    const control = await stackControl();
    let sent = 0;
    try {
      await producer.connect();
      const acks: Promise<void>[] = [];
      const startMs = Date.now();
      for (let second = 0; second < 40; second += 1) {
        if (second === 8) {
          await control.pauseBroker(2);
          paused = 2;
        }
        if (second === 20) {
          await control.resumeBroker(2);
          paused = null;
        }
        for (let i = 0; i < 300; i += 1) acks.push(producer.send(topic, `user-${sent % 97}`, String(sent++)));
        await sleep(Math.max(0, startMs + (second + 1) * 1000 - Date.now()));
      }
      await Promise.all(acks);
    } finally {
      await producer.close();
    }
    const deadline = Date.now() + 60_000;
    const receivedSoFar = (): number => {
      try {
        return tail.received;
      } catch (error) {
        const inner = ((error as { errors?: Error[] }).errors ?? []).map((e) => `${e.name} ${(e as { code?: string }).code} ${e.message}`);
        console.log(`observer failed: ${(error as Error).message}; inner: ${inner.join(' | ')}`);
        throw error;
      }
    };
    while (receivedSoFar() < sent && Date.now() < deadline) await sleep(500);
    const received = tail.received;
    await tail.stop();
    console.log(`observer across a 12 s broker pause: sent ${sent}, received ${received}`);
    expect(received).toBe(sent);
  });
});
