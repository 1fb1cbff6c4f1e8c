import { describe, expect, it } from 'vitest';
import { IngestLedger } from '../../../../src/pipeline/ingest/ingest-ledger.js';

describe('IngestLedger', () => {
  it('keeps one outcome per identity and derives unresolved = sent without an outcome', () => {
    const ledger = new IngestLedger();
    for (let seq = 0; seq < 10; seq += 1) ledger.recordSent('g', seq, seq === 4 || seq === 7);
    for (const seq of [0, 1, 2, 4]) ledger.recordAcked('g', seq);
    ledger.recordFailed('g', 3);
    ledger.recordFailed('g', 7);
    ledger.recordRefused('g', 5);
    expect(ledger.counts()).toEqual({
      sent: 10,
      acked: 4,
      failed: 2,
      refused: 1,
      unresolved: 3,
      malformed: 2,
      malformedAcked: 1,
      outcomeConflicts: 0,
    });
    expect([...ledger.unresolved().ids()]).toEqual(['g:6', 'g:8', 'g:9']);
    expect([...ledger.maybePresent().ids()]).toEqual(['g:3', 'g:6', 'g:7', 'g:8', 'g:9']);
  });

  it('counts a second, different outcome as a conflict and keeps the first', () => {
    const ledger = new IngestLedger();
    ledger.recordAcked('g', 1);
    ledger.recordFailed('g', 1);
    ledger.recordRefused('h', 2);
    ledger.recordAcked('h', 2);
    ledger.recordAcked('g', 1); // the same outcome again is not a conflict
    expect(ledger.acked.has('g', 1)).toBe(true);
    expect(ledger.failed.has('g', 1)).toBe(false);
    expect(ledger.refused.has('h', 2)).toBe(true);
    expect(ledger.acked.has('h', 2)).toBe(false);
    expect(ledger.counts().outcomeConflicts).toBe(2);
  });

  it('an outcome implies sent (the HTTP path reports outcomes only), and counts split per generator', () => {
    const ledger = new IngestLedger();
    ledger.recordAcked('b', 0);
    ledger.recordAcked('b', 1);
    ledger.recordMalformed('a', 3);
    ledger.recordRefused('a', 3);
    ledger.recordSent('a', 4);
    ledger.recordFailed('a', 4);
    ledger.recordFailed('b', 1);
    expect(ledger.perGenerator()).toEqual([
      { generatorId: 'a', sent: 2, acked: 0, failed: 1, refused: 1, unresolved: 0, malformed: 1, malformedAcked: 0, outcomeConflicts: 0 },
      { generatorId: 'b', sent: 2, acked: 2, failed: 0, refused: 0, unresolved: 0, malformed: 0, malformedAcked: 0, outcomeConflicts: 1 },
    ]);
  });
});
