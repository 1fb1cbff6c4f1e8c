import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAwsClients, type AwsClients } from '../../../src/aws/clients.js';
import { S3DeliveryReader } from '../../../src/aws/s3-reader.js';
import { deleteDelivery } from '../../../src/aws/teardown.js';
import { withKafkaAdmin } from '../../../src/kafka/admin.js';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { startDeliverySink, type RunningDeliverySink } from '../../../src/pipeline/delivery/run-sink.js';
import type { StackEndpoints } from '../../../src/base/endpoints.js';
import { nativeStartService, nativeStopService } from '../../../src/stack/native/native-provider.js';
import { readStackState, type StackState } from '../../../src/stack/state.js';
import type { Topology } from '../../../src/contract/topology.js';
import { deleteTopics, endpoints, freshTopology } from '../support.js';
import { createTopics, produceResults, windowResultValues } from './kafka-results.js';
import { checkCopies, type OutageResult } from './outage.js';
import { byteKey, readDelivered, waitFor } from './support.js';

/**
 * Issue 5 fault test on the STACK's own moto (not a private one): the delivery sink reads
 * processed-events from Kafka while results keep arriving; moto is stopped (SIGTERM) for ~3 s and
 * started again with the stack's own command. moto keeps everything in memory, so it comes back
 * without bucket and stream: the sink's onStreamMissing re-provisions them, and whatever was in
 * S3 before is gone — hence the snapshot of S3 taken right before the stop, with the sink idle
 * (anything delivered between snapshot and stop would be wiped and look like a loss).
 *
 * Other tests using the stack's moto at the same moment lose their buckets too: this file runs
 * the outage once and restores moto in afterAll whatever happens.
 */

const MOTO = 'moto';

async function motoAnswers(url: string): Promise<boolean> {
  // Any HTTP answer means the server is up (data.json can answer 500 on some stored states).
  return fetch(`${url}/moto-api/data.json`, { signal: AbortSignal.timeout(2_000) }).then(() => true, () => false);
}

async function waitMotoUp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await motoAnswers(url))) {
    if (Date.now() > deadline) throw new Error(`the stack's moto at ${url} is not answering ${timeoutMs / 1000} s after its restart`);
    await delay(200);
  }
}

describe("delivery sink from Kafka through an outage of the stack's moto", () => {
  let stack: StackEndpoints;
  let state: StackState;
  let topology: Topology;
  let clients: AwsClients;

  beforeAll(async () => {
    stack = await endpoints();
    const current = await readStackState();
    if (stack.provider !== 'native' || !current || !current.processes.some((p) => p.service === MOTO && p.command)) {
      throw new Error(
        `this test stops and restarts the stack's moto process, so it needs the native stack (found provider "${stack.provider}"${current ? '' : ', no state file'}); start it with \`npm run stack -- up\``,
      );
    }
    state = current;
    topology = freshTopology('moto-outage', stack.kafka.brokers);
    clients = buildAwsClients(stack.aws);
    await createTopics(stack, topology, [topology.names.processed, topology.names.dlq]);
  });

  afterAll(async () => {
    // Leave the stack with its moto running, whatever happened above.
    const current = await readStackState();
    if (current && stack?.aws.endpoint) {
      await nativeStartService(current, MOTO);
      await waitMotoUp(stack.aws.endpoint, 30_000);
    }
    if (topology) {
      await deleteTopics(stack, [topology.names.processed, topology.names.dlq]);
      await deleteDelivery(stack.aws, { bucket: topology.delivery.bucket, streamName: topology.delivery.streamName }, { clients }).catch(() => undefined);
    }
    clients?.destroy();
  });

  it('loses no result: the sink retries through the outage, re-provisions, and every duplicate is a counted ambiguous re-send', async () => {
    const topic = topology.names.processed;
    const groupId = `${topic}-delivery`;
    const ambiguousResends = new Map<string, number>();
    const producer = new BatchingProducer(stack.kafka, { clientId: 'it-moto-outage', tuning: { lingerMs: 2, batchMaxRecords: 200 } });
    await producer.connect();
    const produced: string[] = [];
    const produce = async (count: number) => {
      const values = windowResultValues(count, produced.length);
      produced.push(...values);
      await produceResults(producer, topic, values);
    };

    let sink: RunningDeliverySink | null = await startDeliverySink({
      endpoints: stack,
      topology,
      groupId,
      pollMaxRecords: 200,
      pollTimeoutMs: 100,
      aws: { connectionTimeoutMs: 1_000, requestTimeoutMs: 5_000 },
      retry: { baseDelayMs: 100, maxDelayMs: 1_000, maxAttempts: 1_000, maxTotalMs: 120_000 },
      recorder: {
        recordsResent: (records, retry) => {
          if (!retry.ambiguous) return;
          for (const r of records) ambiguousResends.set(byteKey(r.value), (ambiguousResends.get(byteKey(r.value)) ?? 0) + 1);
        },
      },
    });
    try {
      const reader = new S3DeliveryReader(clients.s3, { bucket: topology.delivery.bucket, nowMs: () => Date.now(), target: clients.target });
      await produce(600);
      await sink.drain({ timeoutMs: 60_000 });
      const snapshot = await readDelivered(reader);

      // Results keep arriving from here on: during the outage and after the restart.
      let loading = true;
      const load = (async () => {
        while (loading) {
          await produce(40);
          await delay(100);
        }
      })();
      const failedBefore = sink.stats().failedCalls;
      await nativeStopService(state, MOTO, 'stop');
      const running = sink;
      await waitFor('the sink to hit the outage', () => running.stats().failedCalls > failedBefore || running.failure() !== null, 30_000);
      await delay(3_000);
      const failedCallsDuringOutage = sink.stats().failedCalls - failedBefore;
      state = await nativeStartService((await readStackState()) ?? state, MOTO);
      await waitMotoUp(stack.aws.endpoint as string, 30_000);
      await delay(2_000);
      loading = false;
      await load;
      await producer.close();

      await sink.drain({ timeoutMs: 120_000 });
      const stats = await sink.stop();
      sink = null;
      const contents = await readDelivered(reader, snapshot);
      const result: OutageResult = { stats, contents, ambiguousResends, failedCallsDuringOutage };
      const check = checkCopies(produced.map((v) => new TextEncoder().encode(v)), result);
      console.log(`stack moto outage: ${JSON.stringify({ produced: produced.length, ...check, failedCallsDuringOutage, recoveries: stats.streamRecoveries, duplicateRisk: stats.duplicateRiskRecords })}`);

      expect(check).toMatchObject({ missing: 0, unexpected: 0, unexplainedDuplicates: 0 });
      expect(check.duplicates).toBeLessThanOrEqual(stats.duplicateRiskRecords);
      expect(contents.records).toBe(produced.length + check.duplicates);
      expect(failedCallsDuringOutage).toBeGreaterThan(0);
      expect(stats.streamRecoveries).toBeGreaterThanOrEqual(1);
      expect(stats.recordsCommitted).toBe(produced.length);
      expect(stats.recordsDeadLettered).toBe(0);

      const { ends, committed } = await withKafkaAdmin(stack.kafka, async (admin) => ({
        ends: await admin.endOffsets(topic, 12, true),
        committed: await admin.groupOffsets(groupId, topic),
      }));
      expect(ends.map((_, p) => committed.get(p) ?? 0n)).toEqual(ends);
    } finally {
      await sink?.stop().catch(() => undefined);
      await producer.close().catch(() => undefined);
    }
  });
});
