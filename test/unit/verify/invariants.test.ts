import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../../../src/pipeline/processor/aggregate.js';
import { formatEndOfInput } from '../../../src/contract/control.js';
import { encodeLateValue } from '../../../src/pipeline/processor/outputs.js';
import { windowKey, windowStartMs } from '../../../src/pipeline/processor/windows.js';
import { Fingerprint } from '../../../src/verify/fingerprint.js';
import { SequenceLedger } from '../../../src/base/sequence-ledger.js';
import { verdictCounters } from '../../../src/verify/verdict.js';
import { T0, makeEvent } from '../pipeline/processor/fixtures.js';
import { WINDOW_MS, buildWorld, copyWorld, deliver, invariant, processInto, verifyWorld, violationsOf, type World } from './world.js';

const clean = buildWorld();
const keyOf = (e: { userId: string; eventTime: number }) => windowKey(e.userId, windowStartMs(e.eventTime, WINDOW_MS));
const revisionsOf = (key: string) => clean.processed.filter((r) => r.key === key).length;
/** A final result whose key was emitted once, in a window with no late or DLQ event. */
const plainResult = clean.results.find((r) => revisionsOf(r.key) === 1 && r.count >= 3) as WindowResult;
const plainEvents = clean.events.filter((e) => keyOf(e) === plainResult.key);

function withProcessed(world: World, rows: World['processed']): World {
  const copy = copyWorld(world);
  copy.processed = rows;
  copy.s3 = [deliver(rows.map((r) => r.value as string), 'raw-data/0001')];
  return copy;
}

function examples(world: World, id: 'I1' | 'I2' | 'I3', options = {}): string[] {
  return invariant(verifyWorld(world, options), id).examples;
}

describe('a clean run', () => {
  it('has no violation, and every event is accounted for exactly once', () => {
    const verdict = verifyWorld(clean);
    expect(violationsOf(verdict)).toEqual({});
    expect(verdict.pass).toBe(true);
    const i2 = invariant(verdict, 'I2').counts;
    expect(i2.inResults! + i2.late! + i2.dlq!).toBe(240);
    expect([i2.late, i2.dlq]).toEqual([6, 4]);
    // Revisions are updates: 41 results for 38 windows, no "emitted more than once".
    expect([i2.results, i2.finalResults, i2.emittedMoreThanOnce]).toEqual([41, 38, 0]);
    expect(invariant(verdict, 'I3').counts).toMatchObject({ finalResults: 38, delivered: 38, superseded: 3, duplicates: 0 });
    expect(verdict.invariants.flatMap((inv) => inv.examples)).toEqual([]);
  });

  it('skips control records by the processor\'s rule; a look-alike is a malformed record, in the DLQ', () => {
    const world = copyWorld(clean);
    world.raw.push({ key: '__control', value: formatEndOfInput(T0 + 400_000), partition: 1, offset: 998n });
    world.raw.push({ key: '__control', value: '{"streamproofControl":"advance-watermark"}', partition: 1, offset: 999n });
    processInto(world);
    const verdict = verifyWorld(world);
    // The look-alike carries no event identity: I1 cannot tie it to the ledger; I2 finds it in the DLQ.
    expect(violationsOf(verdict)).toEqual({ I1: { unidentified: 1 } });
    expect(invariant(verdict, 'I1').examples).toEqual(['unidentified: p1@999']);
    // The world's own end of input is one control record per partition (3), plus the one above.
    expect(invariant(verdict, 'I1').counts).toMatchObject({ controlRecords: 4, records: 241 });
    expect(invariant(verdict, 'I2').counts).toMatchObject({ controlRecords: 4, dlq: 5 });
  });
});

describe('I1 ingest', () => {
  it('reports an acked event missing from raw-events as lost', () => {
    const ledger = { ...clean.ledger, acked: clean.ledger.acked.union(new SequenceLedger()) };
    ledger.acked.add('gen-1', 240);
    const verdict = verifyWorld(clean, { ledger });
    expect(violationsOf(verdict)).toEqual({ I1: { lost: 1 } });
    expect(invariant(verdict, 'I1').examples).toEqual(['lost: gen-1:240']);
  });

  it('reports a record present twice as duplicated, with its position', () => {
    const world = copyWorld(clean);
    const original = world.raw[100]!;
    // A producer retry's copy right behind the original; the processor counts both (I2 holds).
    world.raw.splice(101, 0, { ...original, offset: 500n });
    processInto(world);
    const verdict = verifyWorld(world);
    expect(violationsOf(verdict)).toEqual({ I1: { duplicated: 1 } });
    expect(invariant(verdict, 'I1').examples).toEqual([`duplicated: gen-1:100 again at p${original.partition}@500`]);
  });

  it('allows an unacknowledged send that is present, and reports it', () => {
    const acked = clean.ledger.acked.difference(new SequenceLedger());
    acked.delete('gen-1', 5);
    const failed = new SequenceLedger();
    failed.add('gen-1', 5);
    const verdict = verifyWorld(clean, { ledger: { ...clean.ledger, acked, failed } });
    expect(violationsOf(verdict)).toEqual({});
    expect(invariant(verdict, 'I1').counts).toMatchObject({ failed: 1, unackedPresent: 1, acked: 239 });
  });

  it('reports present events that were refused or never sent', () => {
    const acked = clean.ledger.acked.difference(new SequenceLedger());
    const sent = clean.ledger.sent.difference(new SequenceLedger());
    const refused = new SequenceLedger();
    for (const seq of [7, 8]) {
      acked.delete('gen-1', seq);
      sent.delete('gen-1', seq);
    }
    refused.add('gen-1', 7);
    const verdict = verifyWorld(clean, { ledger: { acked, sent, refused } });
    expect(violationsOf(verdict)).toEqual({ I1: { refusedPresent: 1, neverSent: 1 } });
    expect(invariant(verdict, 'I1').examples).toEqual(['refused but present: gen-1:7', 'never sent but present: gen-1:8']);
  });

  it('reports a record without identity (I1) that nothing accounts for (I2)', () => {
    const world = copyWorld(clean);
    world.raw.push({ key: 'u1', value: 'garbage', partition: 1, offset: 700n });
    const verdict = verifyWorld(world);
    expect(violationsOf(verdict)).toEqual({ I1: { unidentified: 1 }, I2: { missing: 1 } });
    expect(invariant(verdict, 'I1').examples).toEqual(['unidentified: p1@700']);
    expect(invariant(verdict, 'I2').examples).toEqual(['missing: p1@700 is not a valid event and not in the DLQ']);
  });
});

describe('I2 processing', () => {
  it('reports a result emitted twice (same key and revision)', () => {
    const row = clean.processed.find((r) => r.key === plainResult.key)!;
    const world = copyWorld(clean);
    world.processed.push({ ...row, offset: 900n });
    const verdict = verifyWorld(world);
    expect(violationsOf(verdict)).toEqual({ I2: { emittedMoreThanOnce: 1 } });
    expect(invariant(verdict, 'I2').examples).toEqual([`emitted twice: ${plainResult.key} rev 0 again at p${row.partition}@900 (first at p${row.partition}@${row.offset})`]);
  });

  it('reports a wrong count and names the event the result is missing', () => {
    const dropped = plainEvents[1]!;
    const tampered: WindowResult = {
      ...plainResult,
      count: plainResult.count - 1,
      countsByType: { ...plainResult.countsByType, [dropped.type]: plainResult.countsByType[dropped.type] - 1 },
      revenueCents: plainResult.revenueCents - Math.round((dropped.value ?? 0) * 100),
      fingerprint: Fingerprint.parse(plainResult.fingerprint).minus(Fingerprint.of([dropped.eventId])).toJSON(),
    };
    const rows = clean.processed.map((r) => (r.key === plainResult.key ? { ...r, value: JSON.stringify(tampered) } : r));
    const verdict = verifyWorld(withProcessed(clean, rows));
    expect(violationsOf(verdict)).toEqual({ I2: { miscounted: 1 } });
    const i2 = invariant(verdict, 'I2');
    expect(i2.counts).toMatchObject({ windowsMismatched: 1, countDelta: 1, unverified: plainResult.count });
    expect(i2.examples[0]).toMatch(new RegExp(`^miscounted: ${dropped.eventId} \\(p\\d@\\d+\\) is missing from result ${plainResult.key.replace('|', '\\|')} rev 0$`));
    expect(i2.examples[1]).toContain(`miscounted: result ${plainResult.key} rev 0: expected ${plainResult.count}/`);
  });

  /** plainResult as an at-least-once replay makes it: `events` (its own) counted a second time. */
  const countingTwice = (events: typeof plainEvents): WindowResult => {
    const countsByType = { ...plainResult.countsByType };
    for (const e of events) countsByType[e.type] += 1;
    return {
      ...plainResult,
      count: plainResult.count + events.length,
      countsByType,
      fingerprint: Fingerprint.parse(plainResult.fingerprint).merge(Fingerprint.of(events.map((e) => e.eventId))).toJSON(),
    };
  };

  it('counts a result that counts its own events twice (an at-least-once replay) exactly: overCounted, and duplicated in the counters', () => {
    const twice = plainEvents.slice(0, 2);
    const replayed = countingTwice(twice);
    const rows = clean.processed.map((r) => (r.key === plainResult.key ? { ...r, value: JSON.stringify(replayed) } : r));
    const verdict = verifyWorld(withProcessed(clean, rows));
    expect(violationsOf(verdict)).toEqual({ I2: { miscounted: 2 } });
    expect(invariant(verdict, 'I2').counts).toMatchObject({ overCounted: 2, extraCountings: 2, multiple: 0, countDelta: 2 });
    expect(verdictCounters(verdict)).toMatchObject({ duplicated: 2, lost: 0 });
    // A result short of events is not a duplicate.
    const verdictShort = verifyWorld(withProcessed(clean, clean.processed.map((r) => (r.key === plainResult.key ? { ...r, value: JSON.stringify({ ...plainResult, count: plainResult.count - 2, fingerprint: Fingerprint.parse(plainResult.fingerprint).minus(Fingerprint.of(twice.map((e) => e.eventId))).toJSON() }) } : r))));
    expect(invariant(verdictShort, 'I2').counts).toMatchObject({ overCounted: 0, miscounted: 2 });
    expect(verdictCounters(verdictShort).duplicated).toBe(0);
  });

  it('judges a key emitted twice at one revision by its later result, and counts that result\'s extra countings', () => {
    // A replay on state that missed the batch: the window fires again, its events counted twice.
    const twice = plainEvents.slice(0, 3);
    const replayed = countingTwice(twice);
    const original = clean.processed.find((r) => r.key === plainResult.key)!;
    const again = { ...original, offset: 900n, value: JSON.stringify(replayed) };
    const laterWrong = verifyWorld(withProcessed(clean, [...clean.processed, again]));
    expect(invariant(laterWrong, 'I2').counts).toMatchObject({ revisionConflicts: 1, extraCountings: 3 });
    expect(verdictCounters(laterWrong)).toMatchObject({ duplicated: 3, lost: 0 });
    // The same two texts the other way round: the final (later) result is right, no extra counting.
    const first = { ...original, value: JSON.stringify(replayed) };
    const laterRight = verifyWorld(withProcessed(clean, [...clean.processed.map((r) => (r === original ? first : r)), { ...original, offset: 900n }]));
    expect(invariant(laterRight, 'I2').counts).toMatchObject({ revisionConflicts: 1, extraCountings: 0 });
    expect(laterRight.pass).toBe(false);
  });

  it('counts every sink copy beyond the first: a late record three times, a DLQ record twice', () => {
    const world = copyWorld(clean);
    world.late.push({ ...world.late[0]!, offset: 800n }, { ...world.late[0]!, offset: 801n });
    world.dlq.push({ ...world.dlq[0]!, offset: 802n });
    const verdict = verifyWorld(world);
    // Two records are in more than one place; they were counted three extra times.
    expect(invariant(verdict, 'I2').counts).toMatchObject({ multiple: 2, extraCountings: 3 });
    expect(verdictCounters(verdict)).toMatchObject({ duplicated: 3 });
  });

  it('names the one event a result counts twice', () => {
    const extra = plainEvents[0]!;
    const replayed: WindowResult = {
      ...plainResult,
      count: plainResult.count + 1,
      countsByType: { ...plainResult.countsByType, [extra.type]: plainResult.countsByType[extra.type] + 1 },
      fingerprint: Fingerprint.parse(plainResult.fingerprint).merge(Fingerprint.of([extra.eventId])).toJSON(),
    };
    const rows = clean.processed.map((r) => (r.key === plainResult.key ? { ...r, value: JSON.stringify(replayed) } : r));
    const i2 = examples(withProcessed(clean, rows), 'I2');
    expect(i2[0]).toMatch(new RegExp(`^miscounted: ${extra.eventId} \\(p\\d@\\d+\\) is counted twice in result ${plainResult.key.replace('|', '\\|')} rev 0$`));
  });

  it('reports a final result whose count field disagrees with its fingerprint as one wrong value', () => {
    const rows = clean.processed.map((r) => (r.key === plainResult.key ? { ...r, value: JSON.stringify({ ...plainResult, count: plainResult.count + 1 }) } : r));
    const verdict = verifyWorld(withProcessed(clean, rows));
    expect(violationsOf(verdict)).toEqual({ I2: { valueMismatches: 1 } });
    expect(invariant(verdict, 'I2').counts['wrong.count']).toBe(1);
    expect(invariant(verdict, 'I2').examples).toEqual([`wrong value: ${plainResult.key} rev 0 count: expected ${plainResult.count}, actual ${plainResult.count + 1}`]);
  });

  it('excludes and counts an aborted transaction\'s result', () => {
    const world = copyWorld(clean);
    const bogus = { ...plainResult, revision: 1, count: 99, fingerprint: Fingerprint.of(['x:1']).toJSON() };
    world.aborted = [{ key: plainResult.key, value: JSON.stringify(bogus), partition: 0, offset: 950n }];
    const verdict = verifyWorld(world);
    expect(violationsOf(verdict)).toEqual({});
    expect(invariant(verdict, 'I2').counts.abortedResults).toBe(1);
    expect(invariant(verdict, 'I2').examples).toEqual([`aborted (excluded, not a violation): ${plainResult.key} rev 1 count 99 (p0@950)`]);
  });

  it('reports an event both in a result and in late-events', () => {
    const event = plainEvents[0]!;
    const world = copyWorld(clean);
    // A late record that proves itself (its raw record's position, a watermark past the window's close): only the double accounting is wrong.
    const source = clean.raw.find((r) => r.value === JSON.stringify(event))!;
    const value = encodeLateValue({
      key: event.userId, value: source.value as string, partition: source.partition, offset: source.offset, reason: 'planted', eventId: event.eventId,
      generatorId: event.generatorId, seq: event.seq, windowKey: plainResult.key, windowEndMs: plainResult.windowEndMs, watermarkMs: plainResult.windowEndMs + 10_000,
    });
    world.late.push({ key: event.userId, value, partition: 0, offset: 77n });
    const verdict = verifyWorld(world);
    expect(violationsOf(verdict)).toEqual({ I2: { multiple: 1 } });
    expect(invariant(verdict, 'I2').counts.late).toBe(6);
    expect(invariant(verdict, 'I2').examples[0]).toMatch(new RegExp(`^multiple: ${event.eventId} \\(p\\d@\\d+\\) is counted in result ${plainResult.key.replace('|', '\\|')} and is in late-events$`));
  });

  it('counts a replayed result of a window whose events all went to late-events: mismatched, not a phantom window', () => {
    // The window fired counting its first two events; a replay then sent every event of it to
    // late-events. Countings beyond one per event: the two in the result.
    const world = copyWorld(clean);
    plainEvents.forEach((event, i) => {
      const source = clean.raw.find((r) => r.value === JSON.stringify(event))!;
      const value = encodeLateValue({
        key: event.userId, value: source.value as string, partition: source.partition, offset: source.offset, reason: 'planted', eventId: event.eventId,
        generatorId: event.generatorId, seq: event.seq, windowKey: plainResult.key, windowEndMs: plainResult.windowEndMs, watermarkMs: plainResult.windowEndMs + 10_000,
      });
      world.late.push({ key: event.userId, value, partition: 0, offset: BigInt(700 + i) });
    });
    const counted = plainEvents.slice(0, 2);
    const countsByType = { page_view: 0, click: 0, add_to_cart: 0, remove_from_cart: 0, checkout: 0, purchase: 0 };
    for (const e of counted) countsByType[e.type] += 1;
    const partial: WindowResult = {
      ...plainResult,
      count: 2,
      countsByType,
      revenueCents: counted.reduce((sum, e) => sum + (e.type === 'purchase' ? Math.round((e.value as number) * 100) : 0), 0),
      fingerprint: Fingerprint.of(counted.map((e) => e.eventId)).toJSON(),
    };
    const rows = world.processed.map((r) => (r.key === plainResult.key ? { ...r, value: JSON.stringify(partial) } : r));
    const verdict = verifyWorld(withProcessed(world, rows));
    const counts = invariant(verdict, 'I2').counts;
    expect(counts).toMatchObject({ windowsMismatched: 1, resultsUnexpected: 0, overCounted: 2, extraCountings: 2, miscounted: 2 });
    expect(verdictCounters(verdict)).toMatchObject({ duplicated: 2, lost: 0 });
  });

  it('reports the events of a window without any result as missing', () => {
    const rows = clean.processed.filter((r) => r.key !== plainResult.key);
    const verdict = verifyWorld(withProcessed(clean, rows));
    expect(violationsOf(verdict)).toEqual({ I2: { missing: plainResult.count } });
    // The second pass names the events (up to the limit); without it, the window is named.
    const ids = plainEvents.slice(0, 5).map((e) => e.eventId);
    expect(invariant(verdict, 'I2').examples.map((e) => e.replace(/ \(p\d@\d+\)/, ''))).toEqual(ids.map((id) => `missing: ${id} is in no result: window ${plainResult.key} has none`));
    const unpinned = verifyWorld(withProcessed(clean, rows), { pinpoint: false });
    expect(invariant(unpinned, 'I2').examples).toEqual([`missing: window ${plainResult.key} has no result (${plainResult.count} events)`]);
  });

  it('reports sink identities that were never ingested, and sink values it cannot read', () => {
    const world = copyWorld(clean);
    const ghost = makeEvent({ seq: 5_000, userId: 'u1', eventTime: T0 });
    world.late.push({ key: 'u1', value: encodeLateValue({ key: 'u1', value: JSON.stringify(ghost), partition: 0, offset: 1n, reason: 'x', eventId: ghost.eventId, generatorId: 'gen-1', seq: 5_000, windowKey: 'u1|0', windowEndMs: 60_000, watermarkMs: 0 }), partition: 0, offset: 88n });
    world.dlq.push({ key: 'u1', value: '{"not":"a dlq value"}', partition: 0, offset: 89n });
    const verdict = verifyWorld(world);
    expect(violationsOf(verdict)).toEqual({ I2: { phantomLate: 1, invalidSinkRecords: 1 } });
    expect(invariant(verdict, 'I2').examples[0]).toBe('phantom late: gen-1:5000');
    expect(invariant(verdict, 'I2').examples[1]).toMatch(/^invalid sink record: dlq p0@89: invalid DLQ value/);
  });

  it('reports a higher revision that does not count more events', () => {
    const world = copyWorld(clean);
    world.processed.push({ key: plainResult.key, value: JSON.stringify({ ...plainResult, revision: 1 }), partition: 0, offset: 901n });
    world.s3 = [deliver(world.processed.map((r) => r.value as string), 'raw-data/0001')];
    const verdict = verifyWorld(world);
    expect(violationsOf(verdict)).toEqual({ I2: { revisionsUnexplained: 1 } });
  });

  it('reports a result for a window no event belongs to', () => {
    const countsByType = { ...plainResult.countsByType, page_view: 2, purchase: 0 };
    const stray = { ...plainResult, key: 'u99|1700000040000', userId: 'u99', fingerprint: Fingerprint.of(['gen-9:1', 'gen-9:2']).toJSON(), count: 2, countsByType, revenueCents: 0, distinctSessions: 1 };
    const verdict = verifyWorld(withProcessed(clean, [...clean.processed, { key: stray.key, value: JSON.stringify(stray), partition: 0, offset: 902n }]));
    expect(violationsOf(verdict)).toEqual({ I2: { resultsUnexpected: 2 } });
  });
});

describe('I3 delivery', () => {
  it('reports a final result missing from S3', () => {
    const world = copyWorld(clean);
    world.s3 = [deliver(clean.processed.filter((r) => r.key !== plainResult.key).map((r) => r.value as string), 'raw-data/0001')];
    const verdict = verifyWorld(world);
    expect(violationsOf(verdict)).toEqual({ I3: { missing: 1 } });
    expect(invariant(verdict, 'I3').examples).toEqual([`missing from S3: ${plainResult.key} rev 0`]);
  });

  it('de-duplicates a record delivered twice exactly, and reports it without failing', () => {
    const world = copyWorld(clean);
    world.s3.push(deliver([JSON.stringify(plainResult)], 'raw-data/0002'));
    const verdict = verifyWorld(world);
    expect(violationsOf(verdict)).toEqual({});
    expect(invariant(verdict, 'I3').counts).toMatchObject({ duplicates: 1, missing: 0, delivered: 38, records: 42 });
    expect(invariant(verdict, 'I3').examples).toEqual([`duplicate in S3 (de-duplicated, not a violation): ${plainResult.key} rev 0 ×2`]);
  });

  it('reports lines that match no committed result as unexpected', () => {
    const world = copyWorld(clean);
    world.aborted = [{ key: plainResult.key, value: JSON.stringify({ ...plainResult, revision: 1, count: 9 }), partition: 0, offset: 3n }];
    world.s3.push(deliver(['{oops', JSON.stringify({ ...plainResult, revision: 1, count: 9 })], 'raw-data/0003'));
    const verdict = verifyWorld(world);
    expect(violationsOf(verdict)).toEqual({ I3: { unexpected: 2 } });
    expect(invariant(verdict, 'I3').counts.unparsableLines).toBe(1);
    expect(invariant(verdict, 'I3').examples).toEqual([
      'unexpected in S3: raw-data/0003#1: not JSON (5 characters, a result cut short?, ends "{oops")',
      `unexpected in S3: raw-data/0003#2: ${plainResult.key} rev 1 matches an aborted result`,
    ]);
  });

  it('is reported as not checked, never as a silent pass, when delivery is off', () => {
    const world = copyWorld(clean);
    world.s3 = [];
    const verdict = verifyWorld(world, { delivery: false });
    const i3 = invariant(verdict, 'I3');
    expect(i3).toMatchObject({ status: 'not-checked', pass: true, violations: 0, counts: { checked: 0 } });
    expect(i3.name).toContain('NOT CHECKED');
    expect(i3.examples).toEqual(['not checked: delivery is disabled in this scenario']);
    expect(verdict.pass).toBe(true);
  });
});

it('keeps at most `exampleLimit` examples per kind', () => {
  const ledger = { acked: clean.ledger.acked.union(new SequenceLedger()) };
  for (let seq = 240; seq < 260; seq += 1) ledger.acked.add('gen-1', seq);
  const verdict = verifyWorld(clean, { ledger, exampleLimit: 3 });
  expect(invariant(verdict, 'I1').counts.lost).toBe(20);
  expect(examples(clean, 'I1', { ledger, exampleLimit: 3 })).toEqual(['lost: gen-1:240', 'lost: gen-1:241', 'lost: gen-1:242']);
});
