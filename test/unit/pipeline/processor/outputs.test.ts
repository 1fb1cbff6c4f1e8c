import { describe, expect, it } from 'vitest';
import { encodeDlqValue, encodeLateValue, type DlqRecord, type LateRecord } from '../../../../src/pipeline/processor/outputs.js';
import { T0 } from './fixtures.js';

describe('side output wire formats (docs/contract.md)', () => {
  it('encodes a late record, offsets as decimal strings', () => {
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
    expect(JSON.parse(encodeLateValue(record))).toStrictEqual({
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

  it('encodes a DLQ record without identity or value, with its reason code', () => {
    const record: DlqRecord = { key: null, value: null, partition: 0, offset: 9n, code: 'no-value', reason: 'record has no value', generatorId: null, seq: null };
    expect(JSON.parse(encodeDlqValue(record))).toStrictEqual({
      schemaVersion: 1,
      reasonCode: 'no-value',
      reason: 'record has no value',
      sourcePartition: 0,
      sourceOffset: '9',
      generatorId: null,
      seq: null,
      raw: null,
    });
  });

});
