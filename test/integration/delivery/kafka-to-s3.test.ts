import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAwsClients, type AwsClients } from '../../../src/aws/clients.js';
import { S3DeliveryReader } from '../../../src/aws/s3-reader.js';
import { deleteDelivery } from '../../../src/aws/teardown.js';
import { ERROR_CODES } from '../../../src/base/errors.js';
import { withKafkaAdmin } from '../../../src/kafka/admin.js';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { readTopicToEnd } from '../../../src/kafka/topic-reader.js';
import { startDeliverySink, type StartDeliverySinkOptions } from '../../../src/pipeline/delivery/run-sink.js';
import type { StackEndpoints } from '../../../src/base/endpoints.js';
import type { Topology } from '../../../src/contract/topology.js';
import { deleteTopics, endpoints, freshTopology } from '../support.js';
import { createTopics, produceResults, produceTransaction, resultKey, windowResultValues } from './kafka-results.js';
import { byteKey, readDelivered } from './support.js';

/**
 * Issue 5 end to end, on the real stack: processed-events (read_committed) → KafkaResultSource →
 * DeliverySink → Firehose → S3. Two sink runs on one consumer group, so the second proves the
 * first one's commits: S3 ends with every committed result exactly once.
 */
describe('processed-events → delivery sink → Firehose → S3 (real stack)', () => {
  let stack: StackEndpoints;
  let topology: Topology;
  let clients: AwsClients;
  const encoder = new TextEncoder();

  beforeAll(async () => {
    stack = await endpoints();
    topology = freshTopology('k2s3', stack.kafka.brokers);
    clients = buildAwsClients(stack.aws);
    await createTopics(stack, topology, [topology.names.processed, topology.names.dlq]);
  });
  afterAll(async () => {
    if (topology) {
      await deleteTopics(stack, [topology.names.processed, topology.names.dlq]);
      await deleteDelivery(stack.aws, { bucket: topology.delivery.bucket, streamName: topology.delivery.streamName }, { clients });
    }
    clients?.destroy();
  });

  it('delivers each committed result exactly once, byte-equal, and commits the group to the end offsets', async () => {
    const topic = topology.names.processed;
    const groupId = `${topology.names.processed}-delivery`;
    const sinkOptions: StartDeliverySinkOptions = {
      endpoints: stack,
      topology,
      groupId,
      pollMaxRecords: 700,
      pollTimeoutMs: 100,
      watchS3: { intervalMs: 250 },
    };
    const producer = new BatchingProducer(stack.kafka, { clientId: 'it-k2s3', tuning: { lingerMs: 2, batchMaxRecords: 500 } });
    await producer.connect();

    // Run 1: the sink is up before anything is written, so it reads results as they become visible.
    const first = await startDeliverySink(sinkOptions);
    const aborted = windowResultValues(300, 0, 'aborted');
    await produceTransaction(stack.kafka, topic, aborted.map((value) => ({ key: resultKey(value), value })), 'abort');
    const plain1 = windowResultValues(1_500, 0);
    await produceResults(producer, topic, plain1);
    const tx1 = windowResultValues(500, 1_500);
    const tombstones = Array.from({ length: 40 }, (_, i) => ({ key: `deleted-${i}`, value: null }));
    await produceTransaction(stack.kafka, topic, [...tx1.map((value) => ({ key: resultKey(value), value })), ...tombstones], 'commit');
    await first.drain({ timeoutMs: 90_000 });
    const l4First = await first.scanS3();
    const statsFirst = await first.stop();

    // Run 2, same group: starts from run 1's commits. One record cannot be framed as NDJSON: DLQ.
    const plain2 = windowResultValues(500, 2_000);
    await produceResults(producer, topic, plain2);
    const tx2 = windowResultValues(500, 2_500);
    const unframeable = '{"key":"bad|0",\n"revision":0}';
    await produceTransaction(
      stack.kafka,
      topic,
      [...tx2.map((value) => ({ key: resultKey(value), value })), { key: 'bad|0', value: unframeable }, { key: 'deleted-x', value: null }],
      'commit',
    );
    await producer.close();
    const second = await startDeliverySink(sinkOptions);
    await second.drain({ timeoutMs: 90_000 });
    const l4Second = await second.scanS3();
    const statsSecond = await second.stop();

    const expected = [...plain1, ...tx1, ...plain2, ...tx2];
    expect(expected).toHaveLength(3_000);
    expect(statsFirst).toMatchObject({ recordsPolled: 2_000, recordsPut: 2_000, recordsCommitted: 2_000, recordsDeadLettered: 0, recordsRetried: 0, duplicateRiskRecords: 0 });
    expect(statsSecond).toMatchObject({ recordsPolled: 1_001, recordsPut: 1_000, recordsCommitted: 1_001, recordsDeadLettered: 1, recordsRetried: 0, duplicateRiskRecords: 0 });

    // S3: exactly the committed results, one copy each, byte for byte; nothing of the aborted transaction.
    const reader = new S3DeliveryReader(clients.s3, { bucket: topology.delivery.bucket, nowMs: () => Date.now(), target: clients.target });
    const contents = await readDelivered(reader);
    expect(contents.records).toBe(3_000);
    expect(contents.unterminatedObjects).toBe(0);
    expect([...contents.copies.entries()].sort()).toEqual(expected.map((v) => [byteKey(encoder.encode(v)), 1] as [string, number]).sort());

    // The group's offsets are the end offsets: past tombstones, aborted records and transaction markers.
    const { ends, committed } = await withKafkaAdmin(stack.kafka, async (admin) => ({
      ends: await admin.endOffsets(topic, 12, true),
      committed: await admin.groupOffsets(groupId, topic),
    }));
    expect(ends.every((end) => end > 0n)).toBe(true);
    expect(ends.map((_, p) => committed.get(p) ?? -1n)).toEqual(ends);

    // L4: every result of each run got exactly one latency sample; run 2 saw run 1's objects as not its own.
    expect(l4First).toMatchObject({ resultsAccepted: 2_000, samples: 2_000, s3Records: 2_000, duplicateCopies: 0, notSeen: 0, unexplainedRecords: 0, watchErrors: 0 });
    expect(l4Second).toMatchObject({ resultsAccepted: 1_000, samples: 1_000, s3Records: 3_000, duplicateCopies: 0, notSeen: 0, unexplainedRecords: 2_000, watchErrors: 0 });

    // The DLQ record says why and carries the result unchanged.
    const dlq: string[] = [];
    await readTopicToEnd(stack.kafka, topology.names.dlq, { readCommitted: true, onRecord: (r) => dlq.push(r.value ?? '') });
    expect(dlq).toHaveLength(1);
    expect(JSON.parse(dlq[0] as string)).toMatchObject({ stage: 'delivery', sourceTopic: topic, key: 'bad|0', raw: unframeable, reason: expect.stringContaining('newline') });
  });

  it('refuses to start on a missing topic or an unreachable cluster, naming it, before touching AWS', async () => {
    const missing = freshTopology('k2s3-missing', stack.kafka.brokers);
    await expect(startDeliverySink({ endpoints: stack, topology: missing, groupId: 'it-k2s3-missing' })).rejects.toMatchObject({
      code: ERROR_CODES.TOPIC_MISMATCH,
      message: expect.stringContaining(missing.names.processed),
    });
    const unreachable = { ...stack, kafka: { ...stack.kafka, bootstrapServers: ['127.0.0.1:1'] } };
    await expect(startDeliverySink({ endpoints: unreachable, topology: missing, groupId: 'it-k2s3-missing' })).rejects.toMatchObject({
      code: ERROR_CODES.SERVICE_UNREACHABLE,
      message: expect.stringContaining('127.0.0.1:1'),
    });
    // Nothing was provisioned for the topology that never started.
    await expect(clients.s3.send(new HeadBucketCommand({ Bucket: missing.delivery.bucket }))).rejects.toMatchObject({ name: 'NotFound' });
  });
});
