import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  PRODUCTION_BUFFERING,
  describeObservedDelivery,
  measureGzipRatio,
  modelFirehoseBuffering,
} from '../../../../src/pipeline/delivery/buffering-model.js';

const small = { sizeBytes: 1_000, intervalS: 300 };

describe('modelFirehoseBuffering', () => {
  it('flushes on the interval, measured from the first record of each buffer', () => {
    const samples = [0, 1_000, 299_999, 300_000, 650_000].map((atMs) => ({ sizeBytes: 100, atMs }));
    const model = modelFirehoseBuffering(samples, { hints: small, gzipRatio: 0.5 });
    expect(model.flushes).toEqual([
      { trigger: 'interval', openedAtMs: 0, flushedAtMs: 300_000, records: 3, rawBytes: 300, gzipBytes: 150 },
      { trigger: 'interval', openedAtMs: 300_000, flushedAtMs: 600_000, records: 1, rawBytes: 100, gzipBytes: 50 },
      { trigger: 'interval', openedAtMs: 650_000, flushedAtMs: 950_000, records: 1, rawBytes: 100, gzipBytes: 50 },
    ]);
    expect(model).toMatchObject({ objects: 3, sizeTriggered: 0, intervalTriggered: 3, records: 5, rawBytes: 500, spanMs: 950_000 });
    // waits: 300000, 299000, 1, 300000, 300000
    expect(model.addedLatencyMs).toEqual({ p50: 300_000, p99: 300_000, max: 300_000, mean: 239_800.2 });
  });

  it('flushes on size with the record that reaches the limit, then on the interval for the rest', () => {
    const samples = [0, 10, 20, 30, 40].map((atMs) => ({ sizeBytes: 400, atMs }));
    const model = modelFirehoseBuffering(samples, { hints: small, gzipRatio: 0.5 });
    expect(model.flushes.map((f) => [f.trigger, f.flushedAtMs, f.records, f.rawBytes, f.gzipBytes])).toEqual([
      ['size', 20, 3, 1_200, 600],
      ['interval', 300_030, 2, 800, 400],
    ]);
    expect(model.objectRawBytes).toEqual({ mean: 1_000, max: 1_200 });
    expect(model.objectGzipBytes).toEqual({ mean: 500, max: 600 });
    expect(model.objectsPerHour).toBe((2 * 3_600_000) / 300_030);
    // waits: 20, 10, 0, 300000, 299990 → sorted 0, 10, 20, 299990, 300000
    expect(model.addedLatencyMs).toMatchObject({ p50: 20, p99: 300_000, max: 300_000 });
  });

  it('with production hints, 1 KiB records at 10/s for an hour give 12 interval-triggered objects', () => {
    const samples = Array.from({ length: 36_000 }, (_, i) => ({ sizeBytes: 1_024, atMs: i * 100 }));
    const model = modelFirehoseBuffering(samples, { hints: PRODUCTION_BUFFERING, gzipRatio: 0.1 });
    expect(model).toMatchObject({ objects: 12, sizeTriggered: 0, intervalTriggered: 12, spanMs: 3_600_000, objectsPerHour: 12 });
    expect(model.flushes.every((f) => f.records === 3_000)).toBe(true);
  });

  it('with production hints, 1 KiB records at 100/s for an hour give 70 size-triggered objects and one tail', () => {
    const samples = Array.from({ length: 360_000 }, (_, i) => ({ sizeBytes: 1_024, atMs: i * 10 }));
    const model = modelFirehoseBuffering(samples, { hints: PRODUCTION_BUFFERING, gzipRatio: 0.1 });
    expect(model).toMatchObject({ objects: 71, sizeTriggered: 70, intervalTriggered: 1 });
    expect(model.flushes[0]).toMatchObject({ records: 5_120, rawBytes: 5 * 1024 * 1024, flushedAtMs: 51_190 });
    expect(model.flushes[70]).toMatchObject({ trigger: 'interval', records: 1_600, openedAtMs: 3_584_000, flushedAtMs: 3_884_000 });
  });

  it('orders samples by time before modelling', () => {
    const sorted = modelFirehoseBuffering([{ sizeBytes: 1, atMs: 0 }, { sizeBytes: 1, atMs: 400_000 }], { hints: small, gzipRatio: 1 });
    const shuffled = modelFirehoseBuffering([{ sizeBytes: 1, atMs: 400_000 }, { sizeBytes: 1, atMs: 0 }], { hints: small, gzipRatio: 1 });
    expect(shuffled.flushes).toEqual(sorted.flushes);
    expect(sorted.objects).toBe(2);
  });

  it('returns an empty model for no records and rejects nonsense inputs', () => {
    expect(modelFirehoseBuffering([], { gzipRatio: 0.2 })).toMatchObject({
      objects: 0,
      objectsPerHour: null,
      addedLatencyMs: null,
      objectRawBytes: null,
    });
    expect(() => modelFirehoseBuffering([], { gzipRatio: 0 })).toThrow(RangeError);
    expect(() => modelFirehoseBuffering([], { hints: { sizeBytes: 0, intervalS: 1 }, gzipRatio: 1 })).toThrow(RangeError);
  });
});

describe('measureGzipRatio', () => {
  it('is the gzip size of the framed sample over its raw size', () => {
    const records = Array.from({ length: 50 }, (_, i) => new TextEncoder().encode(`{"window":${i},"count":42}`));
    const raw = Buffer.from(records.map((r) => `${new TextDecoder().decode(r)}\n`).join(''));
    expect(measureGzipRatio(records)).toBe(gzipSync(raw).length / raw.length);
    expect(measureGzipRatio(records)).toBeLessThan(0.5);
  });
});

describe('describeObservedDelivery', () => {
  it('summarises objects, records per object, bytes and compression', () => {
    const summary = describeObservedDelivery(
      [
        { sizeBytes: 100, rawBytes: 100, recordCount: 2, compressed: false },
        { sizeBytes: 300, rawBytes: 300, recordCount: 6, compressed: false },
      ],
      2,
    );
    expect(summary).toEqual({
      objects: 2,
      records: 8,
      recordsPerObject: { mean: 4, min: 2, max: 6 },
      storedBytes: { total: 400, mean: 200, max: 300 },
      rawBytes: 400,
      compression: 'none',
      observedGzipRatio: null,
      objectsPerPutCall: 1,
    });
  });

  it('detects gzip and mixed objects', () => {
    const gz = { sizeBytes: 20, rawBytes: 100, recordCount: 1, compressed: true };
    const plain = { sizeBytes: 50, rawBytes: 50, recordCount: 1, compressed: false };
    expect(describeObservedDelivery([gz, gz])).toMatchObject({ compression: 'gzip', observedGzipRatio: 0.2, objectsPerPutCall: null });
    expect(describeObservedDelivery([gz, plain]).compression).toBe('mixed');
    expect(describeObservedDelivery([])).toMatchObject({ compression: 'no-objects', recordsPerObject: null, storedBytes: null });
  });
});
