import { describe, expect, it } from 'vitest';
import {
  encodeDlqValue,
  encodeLateValue,
  parseDlqValue,
  parseLateValue,
  parseWindowResult,
  type DlqRecord,
  type LateRecord,
} from '../../../../src/pipeline/processor/outputs.js';
import { WindowAccumulator } from '../../../../src/pipeline/processor/aggregate.js';
import { T0, makeEvent } from './fixtures.js';

describe('side output wire formats', () => {
  it('round-trips a late record, offsets as decimal strings', () => {
    const record: LateRecord = {
      key: 'u0',
      value: '{"raw":true}',
      partition: 3,
      offset: 12345678901234567890n,
      reason: 'window closed',
      eventId: 'gen-1:4',
      generatorId: 'gen-1',
      seq: 4,
      windowKey: `u0|${T0}`,
      windowEndMs: T0 + 60_000,
      watermarkMs: T0 + 61_000,
    };
    expect(parseLateValue(encodeLateValue(record))).toEqual({
      schemaVersion: 1,
      reason: 'window closed',
      sourcePartition: 3,
      sourceOffset: '12345678901234567890',
      eventId: 'gen-1:4',
      generatorId: 'gen-1',
      seq: 4,
      windowKey: `u0|${T0}`,
      windowEndMs: T0 + 60_000,
      watermarkMs: T0 + 61_000,
      raw: '{"raw":true}',
    });
  });

  it('round-trips a DLQ record without identity or value', () => {
    const record: DlqRecord = { key: null, value: null, partition: 0, offset: 9n, reason: 'record has no value', generatorId: null, seq: null };
    expect(parseDlqValue(encodeDlqValue(record))).toEqual({
      schemaVersion: 1,
      reason: 'record has no value',
      sourcePartition: 0,
      sourceOffset: '9',
      generatorId: null,
      seq: null,
      raw: null,
    });
  });

  it('parses a window result and names every bad field of an invalid one', () => {
    const window = new WindowAccumulator({ key: `u0|${T0}`, userId: 'u0', partition: 0, windowStartMs: T0, windowEndMs: T0 + 60_000 });
    window.add(makeEvent({ seq: 1, userId: 'u0', eventTime: T0 }));
    const result = window.toResult({ revision: 0, outOfOrdernessMs: 5_000, watermarkMs: T0 + 60_000 });
    expect(parseWindowResult(JSON.stringify(result))).toEqual(result);
    const bad = JSON.stringify({ ...result, count: -1, fingerprint: { count: 1, hashSum: 'zz' } });
    expect(() => parseWindowResult(bad)).toThrowError(/count: .*fingerprint\.hashSum: /);
    expect(() => parseWindowResult('{')).toThrowError(expect.objectContaining({ code: 'SP_INVALID_RESULT' }));
    expect(() => parseLateValue('{"schemaVersion":2}')).toThrowError(expect.objectContaining({ code: 'SP_INVALID_RESULT' }));
  });
});
