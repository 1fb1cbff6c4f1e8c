import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAwsClients, type AwsClients } from '../../../src/aws/clients.js';
import { createFirehosePut } from '../../../src/aws/firehose-put.js';
import { provisionDelivery } from '../../../src/aws/provision.js';
import { S3DeliveryReader } from '../../../src/aws/s3-reader.js';
import { deleteDelivery } from '../../../src/aws/teardown.js';
import { frameRecord } from '../../../src/pipeline/delivery/batching.js';
import type { AwsEndpoints } from '../../../src/stack/endpoints.js';
import { loadStackEndpoints } from '../../../src/stack/state.js';
import { byteKey, freshTarget, makeResults } from './support.js';

describe('Firehose put adapter and S3 reader (real endpoint from the running stack)', () => {
  let aws: AwsEndpoints;
  let clients: AwsClients;
  const target = freshTarget('put');

  beforeAll(async () => {
    aws = (await loadStackEndpoints()).aws;
    clients = buildAwsClients(aws);
    await provisionDelivery(aws, target, { clients });
  });
  afterAll(async () => {
    if (clients) await deleteDelivery(aws, target, { clients });
    clients?.destroy();
  });

  it('lands a PutRecordBatch under raw-data/ and reads it back byte-equal', async () => {
    const values = makeResults(25, 300);
    const put = createFirehosePut(clients.firehose, clients.target);
    const outcome = await put.putBatch(target.streamName, values.map(frameRecord));
    expect(outcome.kind).toBe('response');
    expect(outcome.kind === 'response' && outcome.entries.every((e) => e.ok)).toBe(true);

    let seenAtMs = 1_000;
    const reader = new S3DeliveryReader(clients.s3, { bucket: target.bucket, nowMs: () => seenAtMs++, target: clients.target });
    const objects = [];
    // Emulators write at once; real Firehose buffers up to 300 s.
    const deadlineMs = Date.now() + (aws.firehoseBehaviour === 'aws-buffered' ? 400_000 : 10_000);
    while (objects.length === 0 && Date.now() < deadlineMs) {
      for await (const object of reader.poll()) objects.push(object);
      if (objects.length === 0) await delay(200);
    }
    const records = objects.flatMap((o) => o.records.map(byteKey));
    expect(records.sort()).toEqual(values.map(byteKey).sort());
    for (const object of objects) {
      expect(object.key.startsWith('raw-data/')).toBe(true);
      expect(object.terminated).toBe(true);
      expect(object.records.length).toBeGreaterThan(0);
    }
    if (aws.firehoseBehaviour === 'emulator-immediate') {
      expect(objects).toHaveLength(1);
      expect(objects[0]?.firstSeenAtMs).toBe(1_000); // stamped by the injected clock at the first listing
      expect(objects[0]).toMatchObject({ compressed: false, sizeBytes: values.reduce((s, v) => s + v.length + 1, 0) });
    }

    // Incremental: nothing new on the next poll; readAll still sees it.
    const again = [];
    for await (const object of reader.poll()) again.push(object);
    expect(again).toEqual([]);
    const all = [];
    for await (const object of reader.readAll()) all.push(object.key);
    expect(all).toEqual(objects.map((o) => o.key));
  });

  it('answers a missing stream as an error outcome, not a throw', async () => {
    const put = createFirehosePut(clients.firehose, clients.target);
    const outcome = await put.putBatch(`${target.streamName}-missing`, [frameRecord(new Uint8Array([0x7b, 0x7d]))]);
    expect(outcome).toMatchObject({ kind: 'error', error: { name: 'ResourceNotFoundException', httpStatus: 400 } });
  });
});
