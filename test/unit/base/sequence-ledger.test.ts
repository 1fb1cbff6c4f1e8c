import { describe, expect, it } from 'vitest';
import { DuplicateLedger, SequenceLedger } from '../../../src/base/sequence-ledger.js';

function ledgerOf(entries: [string, number][]): SequenceLedger {
  const ledger = new SequenceLedger();
  for (const [generatorId, seq] of entries) ledger.add(generatorId, seq);
  return ledger;
}

describe('SequenceLedger', () => {
  it('keeps one bitmap per generator and counts per generator and in total', () => {
    const ledger = ledgerOf([
      ['g2', 0],
      ['g1', 0],
      ['g1', 1],
      ['g2', 0],
    ]);
    expect(ledger.count).toBe(3);
    expect(ledger.countFor('g1')).toBe(2);
    expect(ledger.countFor('g3')).toBe(0);
    expect(ledger.generators()).toEqual(['g1', 'g2']);
    expect(ledger.has('g1', 1)).toBe(true);
    expect(ledger.has('g2', 1)).toBe(false);
    expect(ledger.has('g3', 0)).toBe(false);
    expect([...ledger.ids()]).toEqual(['g1:0', 'g1:1', 'g2:0']);
    expect([...ledger.ids(2)]).toEqual(['g1:0', 'g1:1']);
    expect(ledger.delete('g1', 0)).toBe(true);
    expect(ledger.count).toBe(2);
  });

  it('diffs ledgers across generators (A \\ B, A ∩ B, A ∪ B)', () => {
    const a = ledgerOf([
      ['g1', 1],
      ['g1', 2],
      ['g2', 7],
    ]);
    const b = ledgerOf([
      ['g1', 2],
      ['g3', 9],
    ]);
    expect([...a.difference(b).ids()]).toEqual(['g1:1', 'g2:7']);
    expect(a.countNotIn(b)).toBe(2);
    expect(b.countNotIn(a)).toBe(1);
    expect([...a.intersection(b).ids()]).toEqual(['g1:2']);
    expect([...a.union(b).ids()]).toEqual(['g1:1', 'g1:2', 'g2:7', 'g3:9']);
    expect(a.count).toBe(3); // operands unchanged
  });

  it('answers has() correctly when alternating generators (last-generator cache)', () => {
    const ledger = new SequenceLedger();
    ledger.add('a', 1);
    ledger.add('b', 2);
    expect(ledger.has('a', 1)).toBe(true);
    expect(ledger.has('b', 1)).toBe(false);
    expect(ledger.has('a', 2)).toBe(false);
  });
});

describe('DuplicateLedger', () => {
  it('counts distinct, repeated and extra sightings without strings', () => {
    const ledger = new DuplicateLedger();
    const sightings = [
      ledger.add('g', 1),
      ledger.add('g', 2),
      ledger.add('g', 1),
      ledger.add('g', 1),
      ledger.add('h', 2),
    ];
    expect(sightings).toEqual(['first', 'first', 'duplicate', 'duplicate', 'first']);
    expect(ledger.distinctCount).toBe(3);
    expect(ledger.repeatedCount).toBe(1);
    expect(ledger.extraOccurrences).toBe(2);
    expect(ledger.occurrences).toBe(5);
    expect(ledger.isRepeated('g', 1)).toBe(true);
    expect(ledger.isRepeated('g', 2)).toBe(false);
    expect(ledger.has('h', 2)).toBe(true);
  });

  it('holds 10M sequential identities in under 2 bytes per event', () => {
    const ledger = new DuplicateLedger();
    const total = 10_000_000;
    for (let seq = 0; seq < total; seq += 1) ledger.add(seq % 2 === 0 ? 'g0' : 'g1', seq >>> 1);
    ledger.add('g0', 0);
    expect(ledger.distinctCount).toBe(total);
    expect(ledger.repeatedCount).toBe(1);
    expect(ledger.byteLength / total).toBeLessThan(2);
  });
});
