import { describe, expect, it } from 'vitest';
import { decodeLedgerFile, encodeLedgerFile, ledgerToRanges } from '../../../src/base/ledger-file.js';
import { SequenceLedger } from '../../../src/base/sequence-ledger.js';

const data = { raw: 'r', processed: 'p', late: 'l', dlq: 'd', bucket: 'b', prefix: 'raw-data/' };

describe('ledger file', () => {
  it('stores each generator as ranges and reads back exactly the same identities', () => {
    const acked = new SequenceLedger();
    for (let seq = 0; seq < 1000; seq += 1) if (seq !== 17 && seq !== 500) acked.add('g', seq);
    acked.add('h', 0);
    acked.add('h', 99);
    expect(ledgerToRanges(acked)).toEqual({ g: [[0, 16], [18, 499], [501, 999]], h: [[0, 0], [99, 99]] });
    const empty = new SequenceLedger();
    const back = decodeLedgerFile(encodeLedgerFile('run-1', data, { sent: acked, acked, failed: empty, refused: empty, malformed: empty }), 'ledger.json');
    expect(back.runId).toBe('run-1');
    expect(back.data).toEqual(data);
    expect(back.ledgers.acked.count).toBe(acked.count);
    expect(back.ledgers.acked.countNotIn(acked) + acked.countNotIn(back.ledgers.acked)).toBe(0);
    expect(back.ledgers.failed.count).toBe(0);
  });

  it('refuses other formats, versions and broken ranges with a hint', () => {
    expect(() => decodeLedgerFile('{}', 'x.json')).toThrowError(/not a ledger file/);
    expect(() => decodeLedgerFile('{"format":"streamproof-ingest-ledger","version":2}', 'x.json')).toThrowError(/version 2, this streamproof reads version 1/);
    const bad = JSON.stringify({ format: 'streamproof-ingest-ledger', version: 1, runId: 'r', data, ledgers: { acked: { g: [[5, 1]] } } });
    expect(() => decodeLedgerFile(bad, 'x.json')).toThrowError(/bad range \[5,1\] of g/);
  });
});
