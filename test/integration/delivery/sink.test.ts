import { describe, expect, it } from 'vitest';
import { createFirehosePut } from '../../../src/aws/firehose-put.js';
import { S3DeliveryReader } from '../../../src/aws/s3-reader.js';
import { describeObservedDelivery, type ObservedObject } from '../../../src/pipeline/delivery/buffering-model.js';
import type { SourceRecord } from '../../../src/base/delivery-ports.js';
import { DeliverySink } from '../../../src/pipeline/delivery/sink.js';
import { useProvisionedTarget } from './provisioned-target.js';
import {
  InMemoryResultSource,
  abortableSleep,
  byteKey,
  makeResults,
  readDelivered,
  seededRandom,
  systemClock,
  waitFor,
} from './support.js';

describe('delivery sink → Firehose → S3 (real endpoint from the running stack)', () => {
  const fx = useProvisionedTarget('sink');

  it('delivers N records as exactly N byte-equal NDJSON records across S3 objects', async () => {
    const values = makeResults(1_300, 900);
    const source = new InMemoryResultSource();
    const dlq: SourceRecord[] = [];
    const accepted: { visibleAtMs: number; acceptedAtMs: number }[] = [];
    const sink = new DeliverySink({
      streamName: fx.target.streamName,
      source,
      firehose: createFirehosePut(fx.clients.firehose, fx.clients.target),
      dlq: { send: async (record) => void dlq.push(record) },
      clock: systemClock,
      sleep: abortableSleep,
      random: seededRandom(7),
      pollMaxRecords: 700,
      pollTimeoutMs: 100,
      recorder: {
        recordsAccepted: (records, acceptedAtMs) => {
          for (const r of records) accepted.push({ visibleAtMs: r.visibleAtMs, acceptedAtMs });
        },
      },
    });
    const controller = new AbortController();
    const running = sink.run(controller.signal);
    source.push(values.slice(0, 650));
    source.push(values.slice(650));
    await waitFor('all records committed', () => source.committedCount === values.length, 60_000);
    controller.abort();
    const stats = await running;

    expect(dlq).toEqual([]);
    expect(stats).toMatchObject({ recordsPolled: 1_300, recordsPut: 1_300, recordsCommitted: 1_300, recordsRetried: 0, duplicateRiskRecords: 0 });
    expect(stats.maxCallRecords).toBeLessThanOrEqual(500);
    expect(accepted).toHaveLength(1_300);
    expect(accepted.every((a) => a.acceptedAtMs >= a.visibleAtMs)).toBe(true);

    const reader = new S3DeliveryReader(fx.clients.s3, { bucket: fx.target.bucket, nowMs: () => Date.now(), target: fx.clients.target });
    const contents = await readDelivered(reader);
    expect(contents.records).toBe(values.length);
    expect(contents.unterminatedObjects).toBe(0);
    expect([...contents.copies.entries()].sort()).toEqual(values.map((v) => [byteKey(v), 1] as [string, number]).sort());

    if (fx.aws.firehoseBehaviour === 'emulator-immediate') {
      // The emulator writes one uncompressed object per successful call.
      const observed: ObservedObject[] = [];
      for await (const o of reader.readAll()) {
        observed.push({ sizeBytes: o.sizeBytes, rawBytes: o.rawBytes, recordCount: o.records.length, compressed: o.compressed });
      }
      expect(describeObservedDelivery(observed, stats.calls)).toMatchObject({ objects: stats.calls, objectsPerPutCall: 1, compression: 'none', records: 1_300 });
    }
  });
});
