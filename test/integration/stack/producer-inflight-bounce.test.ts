import { channel } from 'node:diagnostics_channel';
import { afterAll, describe, expect, it } from 'vitest';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { readIngested } from '../../../src/pipeline/ingest/read-back.js';
import { probeKafka, waitUntilHealthy } from '../../../src/stack/health.js';
import { nativeStartService, nativeStopService } from '../../../src/stack/native/native-provider.js';
import { provisionTopology } from '../../../src/stack/provision.js';
import { readStackState } from '../../../src/stack/state.js';
import { deleteTopics, endpoints, freshTopology } from '../support.js';

/**
 * Several produce requests in flight per broker (BatchingProducer lanes, src/kafka/producer.ts)
 * stay exactly-once and in order per partition while a broker is SIGKILLed and restarted under
 * load: the read-back finds every acknowledged record once, no duplicate, no seq out of order in
 * any partition. A lane sharing a client with another, or a partition written by two lanes, would
 * show duplicates, losses (DUPLICATE_SEQUENCE drops) or order violations here.
 */
const stack = await endpoints();
const state = await readStackState();
const threeNativeBrokers = stack.provider === 'native' && stack.kafka.brokers === 3 && state !== null;
const topology = freshTopology('inflight-bounce', stack.kafka.brokers, 12);
const VICTIM = 'kafka-2';

afterAll(async () => {
  const current = await readStackState();
  if (current) await nativeStartService(current, VICTIM).catch(() => undefined);
  await waitUntilHealthy(() => probeKafka(stack.kafka, stack.kafka.brokers), { service: 'kafka', timeoutMs: 120_000 }).catch(() => undefined);
  await deleteTopics(stack, topology.topics.map((t) => t.name));
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Most Produce requests seen in flight at once per broker (written to the socket, response not yet
 * read), from the Kafka client's diagnostics channels. Read before any connection breaks: a
 * request lost with its connection publishes no response.
 */
function watchProduceInFlight(): { maxPerBroker: () => number; stop: () => void } {
  const PRODUCE = 0;
  const inFlight = new Map<string, number>();
  let max = 0;
  type Context = { apiKey?: number; connection?: { host?: string; port?: number } };
  const broker = (c: Context) => `${c.connection?.host}:${c.connection?.port}`;
  const onStart = (message: unknown) => {
    const c = message as Context;
    if (c.apiKey !== PRODUCE) return;
    const n = (inFlight.get(broker(c)) ?? 0) + 1;
    inFlight.set(broker(c), n);
    if (n > max) max = n;
  };
  const onResponse = (message: unknown) => {
    const c = message as Context;
    if (c.apiKey === PRODUCE) inFlight.set(broker(c), (inFlight.get(broker(c)) ?? 1) - 1);
  };
  channel('tracing:plt:kafka:connections:api:start').subscribe(onStart);
  channel('tracing:plt:kafka:connections:api:asyncStart').subscribe(onResponse);
  return {
    maxPerBroker: () => max,
    stop: () => {
      channel('tracing:plt:kafka:connections:api:start').unsubscribe(onStart);
      channel('tracing:plt:kafka:connections:api:asyncStart').unsubscribe(onResponse);
    },
  };
}

// Needs the 3-broker native stack (.ci/run starts it) to kill a broker by its PID; says so otherwise.
describe.runIf(threeNativeBrokers)('4 produce requests in flight per broker through a broker bounce', () => {
  it('reads back every acknowledged record once, in seq order per partition', { timeout: 240_000 }, async () => {
    await provisionTopology(stack, topology, { delivery: false });
    // Retries cover the leader election after the kill (the client retries every second).
    const producer = new BatchingProducer(stack.kafka, { clientId: 'it-inflight-bounce', tuning: { maxInFlightBatches: 4, batchMaxRecords: 500, lingerMs: 2, retries: 30 } });
    const watch = watchProduceInFlight();
    await producer.connect();
    const generatorId = 'it-bounce';
    let seq = 0;
    let acked = 0;
    let failed = 0;
    let firstError: unknown;
    const outstanding = new Set<Promise<void>>();
    let sending = true;
    // A steady closed loop of groups of 200 records over 400 keys, until told to stop.
    const loop = (async () => {
      while (sending) {
        const records = Array.from({ length: 200 }, () => {
          seq += 1;
          return { key: `user-${seq % 400}`, value: JSON.stringify({ generatorId, seq, pad: 'x'.repeat(100) }) };
        });
        const group = producer.sendMany(topology.names.raw, records).then((outcome) => {
          failed += outcome.failed.length;
          if (outcome.failed.length > 0) firstError ??= outcome.failed[0]?.error;
          acked += records.length - outcome.failed.length;
        });
        outstanding.add(group);
        void group.finally(() => outstanding.delete(group));
        if (outstanding.size >= 40) await Promise.race(outstanding);
      }
    })();

    await sleep(3_000);
    const ackedBeforeKill = acked;
    const maxInFlightPerBroker = watch.maxPerBroker();
    watch.stop();
    await nativeStopService((await readStackState())!, VICTIM, 'kill');
    await sleep(4_000);
    await nativeStartService((await readStackState())!, VICTIM);
    await waitUntilHealthy(() => probeKafka(stack.kafka, 3), { service: 'kafka', timeoutMs: 120_000, intervalMs: 1000 });
    await sleep(3_000);
    sending = false;
    await loop;
    await Promise.all(outstanding);
    await producer.close();

    const back = await readIngested(stack.kafka, topology.names.raw, { timeoutMs: 180_000 });
    const detail = (e: unknown): string => (e instanceof Error ? `${e.message} ${JSON.stringify((e as { errors?: unknown[] }).errors?.map((x) => String((x as Error).message ?? x)))}` : String(e));
    console.log(`most Produce requests in flight to one broker before the kill: ${maxInFlightPerBroker}`);
    console.log(`sent ${seq}, acked ${acked} (${ackedBeforeKill} before the kill), failed ${failed}${firstError ? ` (${detail(firstError)})` : ''}; read back ${back.records}, distinct ${back.observed.distinctCount}, duplicates ${back.observed.extraOccurrences}, partition order ${back.orderViolations}, key order ${back.keyOrderViolations}`);
    expect(ackedBeforeKill).toBeGreaterThan(0);
    expect(maxInFlightPerBroker).toBeGreaterThan(1);
    expect(maxInFlightPerBroker).toBeLessThanOrEqual(4);
    expect(failed).toBe(0);
    expect(acked).toBe(seq);
    expect(back.unidentified).toBe(0);
    expect(back.observed.extraOccurrences).toBe(0);
    expect(back.observed.distinctCount).toBe(seq);
    expect(back.records).toBe(seq);
    expect(back.orderViolations).toBe(0);
    expect(back.keyOrderViolations).toBe(0);
  });
});
