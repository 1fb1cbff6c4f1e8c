import { describe, expect, it } from 'vitest';
import { Fingerprint } from '../../../src/verify/fingerprint.js';
import { ResultLedger } from '../../../src/verify/result-ledger.js';
import { T0 } from '../pipeline/processor/fixtures.js';

/** A processed-events value as the processor writes it. */
function result(key: string, revision: number, ids: string[], extra: Record<string, unknown> = {}): string {
  const [userId, start] = key.split('|') as [string, string];
  return JSON.stringify({
    schemaVersion: 1, key, userId, windowStartMs: Number(start), windowEndMs: Number(start) + 60_000, sourcePartition: 0,
    count: ids.length, countsByType: { page_view: ids.length, click: 0, add_to_cart: 0, remove_from_cart: 0, checkout: 0, purchase: 0 },
    revenueCents: 0, distinctSessions: 1, firstEventTimeMs: Number(start), lastEventTimeMs: Number(start), fingerprint: Fingerprint.of(ids).toJSON(),
    maxIntendedAtMs: Number(start), revision, closeAtMs: Number(start) + 65_000, watermarkMs: 0, ...extra,
  });
}

const K = `u1|${T0}`;
const at = (offset: number, key: string | null, value: string | null) => ({ key, value, partition: 0, offset: BigInt(offset) });

describe('ResultLedger', () => {
  it('treats revisions as updates and the same key+revision twice as a duplicate emission', () => {
    const ledger = new ResultLedger();
    ledger.addCommitted(at(0, K, result(K, 0, ['g:1'])));
    ledger.addCommitted(at(1, K, result(K, 1, ['g:1', 'g:2'])));
    expect(ledger.results()).toMatchObject({ finalResults: 1, emittedMoreThanOnce: 0, revisionsUnexplained: 0 });
    ledger.addCommitted(at(2, K, result(K, 1, ['g:1', 'g:2'], { watermarkMs: 5 })));
    const findings = ledger.results();
    expect(findings).toMatchObject({ emittedMoreThanOnce: 1, revisionConflicts: 0 });
    expect(findings.examples.emittedMoreThanOnce).toEqual([`${K} rev 1 again at p0@2 (first at p0@1)`]);
    expect(ledger.finalRevision(K)).toBe(1);
    expect([...ledger.committedResults()].map((r) => r.revision)).toEqual([0, 1, 1]);
  });

  it('counts a key+revision committed with two fingerprints as a conflict', () => {
    const ledger = new ResultLedger();
    ledger.addCommitted(at(0, K, result(K, 0, ['g:1'])));
    ledger.addCommitted(at(1, K, result(K, 0, ['g:2'])));
    expect(ledger.results()).toMatchObject({ emittedMoreThanOnce: 1, revisionConflicts: 1 });
    // The final result is the text committed last, as a compacted topic keeps it; a copy of the
    // first text after that makes the first final again.
    const finalIds = () => [...ledger.finalResults()].map((r) => r.result.fingerprint);
    expect(finalIds()).toEqual([Fingerprint.of(['g:2']).toJSON()]);
    expect([...ledger.committedResults()].at(-1)?.fingerprint).toEqual(Fingerprint.of(['g:2']).toJSON());
    ledger.addCommitted(at(2, K, result(K, 0, ['g:1'])));
    expect(finalIds()).toEqual([Fingerprint.of(['g:1']).toJSON()]);
    expect([...ledger.committedResults()].at(-1)?.fingerprint).toEqual(Fingerprint.of(['g:1']).toJSON());
  });

  it('counts what only read_uncommitted saw as aborted, whichever read came first', () => {
    const ledger = new ResultLedger();
    const kept = result(K, 0, ['g:1']);
    const dropped = result(K, 1, ['g:1', 'g:9']);
    ledger.addUncommitted(at(0, K, kept));
    ledger.addUncommitted(at(1, K, dropped));
    ledger.addUncommitted(at(2, K, kept)); // the retry after the abort wrote the same result again
    ledger.addCommitted(at(2, K, kept));
    expect(ledger.results()).toMatchObject({ abortedResults: 2, finalResults: 1, emittedMoreThanOnce: 0 });
    expect(ledger.finalRevision(K)).toBe(0);
    expect([...ledger.committedResults()]).toHaveLength(1);
  });

  it('flags invalid values, key mismatches, missing keys, tombstones and count/fingerprint disagreement', () => {
    const ledger = new ResultLedger();
    ledger.addCommitted(at(0, K, '{"nope":1}'));
    ledger.addCommitted(at(1, 'other|1', result(K, 0, ['g:1'])));
    ledger.addCommitted(at(2, K, result(K, 0, ['g:1'], { count: 2 })));
    ledger.addCommitted(at(3, K, null));
    ledger.addCommitted(at(4, null, result(K, 1, ['g:1', 'g:2'])));
    const findings = ledger.results();
    // Every committed record is a window result that is checked, or a violation: the contract has no tombstones.
    expect(findings).toMatchObject({ invalidResults: 4, inconsistentResults: 1, tombstones: 1, committedRecords: 5 });
    expect(findings.examples.invalidResults[1]).toContain('differs from result key');
    expect(findings.examples.invalidResults[2]).toMatch(/^p0@3: a tombstone/);
    expect(findings.examples.invalidResults[3]).toContain('no Kafka key');
  });

  it('leaves the self-consistency of a final result checked field by field to the value check', () => {
    const ledger = new ResultLedger();
    ledger.addCommitted(at(0, K, result(K, 0, ['g:1'], { count: 2 })));
    expect(ledger.results((key) => key === K)).toMatchObject({ inconsistentResults: 0 });
    expect(ledger.results()).toMatchObject({ inconsistentResults: 1 });
  });

  it('holds a higher revision to every field of a lower one: sums grow, extremes widen, the window stays', () => {
    const ledger = new ResultLedger();
    ledger.addCommitted(at(0, K, result(K, 0, ['g:1'])));
    const rev1 = JSON.parse(result(K, 1, ['g:1', 'g:2'])) as Record<string, unknown>;
    ledger.addCommitted(at(1, K, JSON.stringify({ ...rev1, sourcePartition: 5, maxIntendedAtMs: 0 })));
    const findings = ledger.results();
    expect(findings.revisionsUnexplained).toBe(1);
    expect(findings.examples.revisionsUnexplained[0]).toMatch(/maxIntendedAtMs 0 < rev 0's .*sourcePartition 5 differs/);
  });

  it('matches S3 lines by exact text: duplicates de-duplicated, superseded revisions fine, others unexpected', () => {
    const ledger = new ResultLedger();
    const rev0 = result(K, 0, ['g:1']);
    const rev1 = result(K, 1, ['g:1', 'g:2']);
    const other = `u2|${T0}`;
    ledger.addCommitted(at(0, K, rev0));
    ledger.addCommitted(at(1, K, rev1));
    ledger.addCommitted(at(2, other, result(other, 0, ['g:3'])));
    ledger.addDeliveredObject(true);
    for (const line of [rev0, rev1, rev1]) ledger.addDelivered(new TextEncoder().encode(line), 'o1');
    ledger.addDeliveredObject(false);
    ledger.addDelivered(rev1.replace('"watermarkMs":0', '"watermarkMs":1'), 'o2#1');
    expect(ledger.delivery()).toMatchObject({
      objects: 2, records: 4, unterminatedObjects: 1, finalResults: 2, delivered: 1, missing: 1, duplicates: 1, superseded: 1, unexpected: 1,
      examples: { missing: [`${other} rev 0`], duplicates: [`${K} rev 1 ×2`], unexpected: [`o2#1: ${K} rev 1 matches no committed result`] },
    });
  });
});
