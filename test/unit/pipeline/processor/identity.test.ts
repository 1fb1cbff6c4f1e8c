import { describe, expect, it } from 'vitest';
import { extractIdentity, identityOf } from '../../../../src/pipeline/processor/identity.js';

describe('processor: event identity for DLQ records, best effort', () => {
  it('reads generatorId and seq from a decoded object, else from eventId', () => {
    expect(identityOf({ generatorId: 'gen-1', seq: 7 })).toEqual({ generatorId: 'gen-1', seq: 7 });
    expect(identityOf({ eventId: 'gen-1:8' })).toEqual({ generatorId: 'gen-1', seq: 8 });
    expect(identityOf({ generatorId: 'gen 1', seq: 7, eventId: 'gen-1:9' })).toEqual({ generatorId: 'gen-1', seq: 9 });
    for (const bad of [null, 'x', [1], {}, { generatorId: 'g', seq: -1 }, { generatorId: 'g', seq: 1.5 }, { eventId: 'g:' }, { eventId: ':5' }]) {
      expect(identityOf(bad), JSON.stringify(bad)).toBeNull();
    }
  });

  it('finds the fields in truncated or broken JSON text', () => {
    expect(extractIdentity('{"schemaVersion":1,"generatorId":"gen-2","seq":41,"userId":"u')).toEqual({ generatorId: 'gen-2', seq: 41 });
    expect(extractIdentity('{"eventId":"gen-3:5","type":')).toEqual({ generatorId: 'gen-3', seq: 5 });
    expect(extractIdentity('{"generatorId":"gen-2","seq":4.5}')).toBeNull();
    expect(extractIdentity('garbage')).toBeNull();
    expect(extractIdentity(null)).toBeNull();
  });

  it('uses an already-decoded value when given', () => {
    expect(extractIdentity('ignored', { generatorId: 'g', seq: 1 })).toEqual({ generatorId: 'g', seq: 1 });
    expect(extractIdentity('{"generatorId":"g","seq":2}', { other: true })).toEqual({ generatorId: 'g', seq: 2 });
  });

  it('scans past white space around the colon and refuses escaped or over-long values', () => {
    expect(extractIdentity('{ "generatorId" : "gen-4" ,\n "seq" :\t12, "type": ')).toEqual({ generatorId: 'gen-4', seq: 12 });
    expect(extractIdentity('{"generatorId":"ge\\"n","seq":1,')).toBeNull();
    expect(extractIdentity('{"generatorId":"g","seq":12345678901234567,')).toBeNull();
    expect(extractIdentity('{"generatorId":"g","seq":3e2,')).toBeNull();
  });

  it('ignores seqs that no bitmap could hold', () => {
    expect(identityOf({ generatorId: 'g', seq: 2 ** 31 })).toBeNull();
  });
});
