import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createFirehosePut } from '../../../src/aws/firehose-put.js';
import { S3DeliveryReader } from '../../../src/aws/s3-reader.js';
import { frameRecord } from '../../../src/pipeline/delivery/batching.js';
import { useProvisionedTarget } from './provisioned-target.js';
import { byteKey, makeResults } from './support.js';

describe('Firehose put adapter and S3 reader (real endpoint from the running stack)', () => {
  const fx = useProvisionedTarget('put');

  it('lands a PutRecordBatch under raw-data/ and reads it back byte-equal', async () => {
    const values = makeResults(25, 300);
    const put = createFirehosePut(fx.clients.firehose, fx.clients.target);
    const outcome = await put.putBatch(fx.target.streamName, values.map(frameRecord));
    expect(outcome.kind).toBe('response');
    expect(outcome.kind === 'response' && outcome.entries.every((e) => e.ok)).toBe(true);

    let seenAtMs = 1_000;
    const reader = new S3DeliveryReader(fx.clients.s3, { bucket: fx.target.bucket, nowMs: () => seenAtMs++, target: fx.clients.target });
    const objects = [];
    // Emulators write at once; real Firehose buffers up to 300 s.
    const deadlineMs = Date.now() + (fx.aws.firehoseBehaviour === 'aws-buffered' ? 400_000 : 10_000);
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
    if (fx.aws.firehoseBehaviour === 'emulator-immediate') {
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
    const put = createFirehosePut(fx.clients.firehose, fx.clients.target);
    const outcome = await put.putBatch(`${fx.target.streamName}-missing`, [frameRecord(new Uint8Array([0x7b, 0x7d]))]);
    expect(outcome).toMatchObject({ kind: 'error', error: { name: 'ResourceNotFoundException', httpStatus: 400 } });
  });
});
