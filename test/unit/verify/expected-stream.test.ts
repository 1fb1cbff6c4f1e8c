import { describe, expect, it } from 'vitest';
import { ProcessorCore } from '../../../src/pipeline/processor/core.js';
import { encodeDlqValue, encodeLateValue } from '../../../src/pipeline/processor/outputs.js';
import { parseDlqValue, parseLateValue } from '../../../src/verify/records.js';
import { ExpectedAccumulator, decodeRawValue } from '../../../src/verify/expected-stream.js';
import { recomputeExpected } from '../../../src/verify/recompute.js';
import { T0, makeEvent } from '../pipeline/processor/fixtures.js';
import { STREAM_CONFIG, STREAM_NOW, STREAM_PARTITIONS, append, makeStream, runBatches } from '../pipeline/processor/stream.js';

const stream = makeStream({ seed: 11, count: 2_000, users: 10, batchSize: 40 });

function sinks() {
  const core = new ProcessorCore(STREAM_CONFIG);
  core.assign(STREAM_PARTITIONS, STREAM_NOW);
  const outputs = append(runBatches(core, stream.batches), core.drain(STREAM_NOW + 1_000_000));
  return {
    late: outputs.late.map((r) => parseLateValue(encodeLateValue(r))),
    dlq: outputs.dlq.map((r) => parseDlqValue(encodeDlqValue(r))),
  };
}

describe('ExpectedAccumulator', () => {
  it('reaches exactly what recomputeExpected computes, record by record', () => {
    const { late, dlq } = sinks();
    const raw = stream.records.map((r) => ({ value: r.value, partition: r.partition, offset: r.offset }));
    const batch = recomputeExpected({ windowMs: STREAM_CONFIG.windowMs, raw, late, dlq });
    const streaming = new ExpectedAccumulator({ windowMs: STREAM_CONFIG.windowMs });
    for (const record of late) streaming.addLate(record);
    for (const record of dlq) streaming.addDlq(record);
    for (const record of stream.records) streaming.addRaw(record);
    const got = streaming.recomputation;
    expect(got.occurrences).toEqual(batch.occurrences);
    expect([...got.expected].map(([k, f]) => [k, f.toString()])).toEqual([...batch.expected].map(([k, f]) => [k, f.toString()]));
    expect([...got.diverted].map(([k, d]) => [k, d.fingerprint.toString(), d.late, d.dlq])).toEqual(
      [...batch.diverted].map(([k, d]) => [k, d.fingerprint.toString(), d.late, d.dlq]),
    );
    expect(got.unmatchedDlqPositions).toEqual(batch.unmatchedDlqPositions);
    expect(got.ledgers.raw.distinctCount).toBe(batch.ledgers.raw.distinctCount);
    expect(batch.occurrences.late).toBeGreaterThan(10);
    expect(batch.occurrences.dlq).toBeGreaterThan(10);
    // The fixture's 'garbage' records have no identity: counted for I1, matched to the DLQ by position.
    expect(streaming.stats.unidentified).toBeGreaterThan(0);
    expect(streaming.stats.records).toBe(stream.records.length);
  });

  it('accounts an already-decoded event exactly as its raw text', () => {
    const { late, dlq } = sinks();
    const fromRaw = new ExpectedAccumulator({ windowMs: STREAM_CONFIG.windowMs });
    const fromEvents = new ExpectedAccumulator({ windowMs: STREAM_CONFIG.windowMs });
    for (const acc of [fromRaw, fromEvents]) {
      for (const record of late) acc.addLate(record);
      for (const record of dlq) acc.addDlq(record);
    }
    stream.events.forEach((event, i) => {
      fromRaw.addRaw({ key: event.userId, value: JSON.stringify(event), partition: 0, offset: i });
      fromEvents.addEvent(event, { partition: 0, offset: i });
    });
    const flat = (acc: ExpectedAccumulator) => [...acc.recomputation.expected].map(([k, f]) => `${k}=${f}`).sort();
    expect(flat(fromEvents)).toEqual(flat(fromRaw));
    expect(fromEvents.recomputation.occurrences).toEqual(fromRaw.recomputation.occurrences);
  });

  it('skips control records and refuses sink records once raw-events started', () => {
    const acc = new ExpectedAccumulator({ windowMs: 60_000 });
    acc.addRaw({ key: '__control', value: '{"streamproofControl":"advance-watermark","eventTimeMs":5}', partition: 0, offset: 0n });
    acc.addRaw({ key: 'u1', value: JSON.stringify(makeEvent({ seq: 0, userId: 'u1', eventTime: T0 })), partition: 0, offset: 1n });
    expect(acc.stats).toMatchObject({ records: 1, control: 1, unidentified: 0 });
    expect(acc.recomputation.occurrences.records).toBe(1);
    expect(() => acc.addLate({ generatorId: 'gen-1', seq: 0 })).toThrow(/after raw-events records/);
  });

  it('decodes like the processor: valid events, and identities of invalid ones', () => {
    const event = makeEvent({ seq: 3, userId: 'u1', eventTime: T0 });
    expect(decodeRawValue(JSON.stringify(event)).event).toEqual(event);
    expect(decodeRawValue(JSON.stringify({ ...event, type: 'teleport' }))).toEqual({ event: null, identity: { generatorId: 'gen-1', seq: 3 } });
    expect(decodeRawValue('{"generatorId":"g","seq":4')).toEqual({ event: null, identity: { generatorId: 'g', seq: 4 }, json: false });
    expect(decodeRawValue('garbage')).toEqual({ event: null, identity: null, json: false });
  });
});
