import { describe, expect, it } from 'vitest';
import { checkIngest } from '../../../../src/pipeline/ingest/ingest-check.js';
import { IngestLedger } from '../../../../src/pipeline/ingest/ingest-ledger.js';
import { DuplicateLedger } from '../../../../src/base/sequence-ledger.js';

function ledgerOf(): IngestLedger {
  const ledger = new IngestLedger();
  for (let seq = 0; seq < 8; seq += 1) ledger.recordSent('g', seq, seq === 2);
  for (const seq of [0, 1, 2, 3, 4]) ledger.recordAcked('g', seq);
  ledger.recordFailed('g', 5);
  ledger.recordRefused('g', 6);
  // seq 7: unresolved
  return ledger;
}

function observedOf(ids: Array<[string, number]>): DuplicateLedger {
  const observed = new DuplicateLedger();
  for (const [generatorId, seq] of ids) observed.add(generatorId, seq);
  return observed;
}

describe('checkIngest (I1)', () => {
  it('holds when every acked event is present once; failed and unresolved ones found anyway are reported, not faulted', () => {
    const check = checkIngest(ledgerOf(), observedOf([['g', 0], ['g', 1], ['g', 2], ['g', 3], ['g', 4], ['g', 5], ['g', 7]]));
    expect(check).toEqual({
      ok: true,
      ackedPresent: 5,
      ackedMissing: 0,
      duplicateOccurrences: 0,
      unackedPresent: 2,
      refusedPresent: 0,
      unexpected: 0,
      unidentified: 0,
      malformedPresent: 1,
      samples: { missing: [], duplicated: [], unexpected: [], refusedPresent: [] },
    });
  });

  it('names every kind of violation: missing, duplicated, refused present, never sent, unidentified', () => {
    const observed = observedOf([['g', 0], ['g', 0], ['g', 1], ['g', 3], ['g', 4], ['g', 6], ['g', 99], ['other', 0]]);
    const check = checkIngest(ledgerOf(), observed, 3);
    expect(check).toMatchObject({
      ok: false,
      ackedPresent: 4,
      ackedMissing: 1,
      duplicateOccurrences: 1,
      unackedPresent: 0,
      refusedPresent: 1,
      unexpected: 2,
      unidentified: 3,
      malformedPresent: 0,
      samples: { missing: ['g:2'], duplicated: ['g:0'], unexpected: ['g:99', 'other:0'], refusedPresent: ['g:6'] },
    });
  });

  it('fails on a duplicate alone', () => {
    const check = checkIngest(ledgerOf(), observedOf([['g', 0], ['g', 1], ['g', 2], ['g', 3], ['g', 4], ['g', 4]]));
    expect(check.ok).toBe(false);
    expect(check.duplicateOccurrences).toBe(1);
  });
});
