import { describe, expect, it } from 'vitest';
import type { DlqReasonCode } from '../../../src/contract/side-outputs.js';
import { encodeDlqValue, encodeLateValue } from '../../../src/pipeline/processor/outputs.js';
import type { LateValue } from '../../../src/contract/side-outputs.js';
import type { AnalyticsEvent } from '../../../src/workload/event.js';
import { WORLD_SETTINGS, buildWorld, copyWorld, invariant, processInto, verifyWorld, violationsOf, type TopicRow, type World } from './world.js';

/**
 * The side outputs proven from the raw records they name (src/verify/sink-proofs.ts): a valid
 * event moved into the DLQ, its window's result re-derived without it so that every count and
 * value agrees, is reported for its reason — whatever reason it is given; late-events records
 * must be late by what the log shows.
 */

const clean = buildWorld();
const rowOf = (world: World, event: AnalyticsEvent) => world.raw.find((r) => r.value === JSON.stringify(event)) as TopicRow;
/** An on-time event of a window with several events and nothing diverted. */
const victim = (() => {
  const lateKeys = new Set(clean.late.map((l) => (JSON.parse(l.value as string) as LateValue).windowKey));
  const result = clean.results.find((r) => r.count >= 3 && r.revision === 0 && !lateKeys.has(r.key))!;
  return clean.events.find((e) => e.userId === result.userId && e.eventTime >= result.windowStartMs && e.eventTime < result.windowEndMs && e.seq % 10 !== 2)!;
})();

/** The processor's outputs over raw-events without the victim, then the victim put back and sent to the DLQ with `code`. */
function movedToDlq(code: DlqReasonCode, raw?: string): World {
  const row = rowOf(clean, victim);
  const without = copyWorld(clean);
  without.raw = clean.raw.filter((r) => r !== row);
  processInto(without);
  const world = { ...without, raw: clean.raw };
  const dlq = encodeDlqValue({ key: row.key, value: raw ?? row.value, partition: row.partition, offset: row.offset, code, reason: 'planted', generatorId: victim.generatorId, seq: victim.seq });
  world.dlq = [...without.dlq, { key: row.key, value: dlq, partition: 0, offset: 900n }];
  return world;
}

describe('DLQ proofs', () => {
  it('a clean world: every DLQ record proven', () => {
    expect(violationsOf(verifyWorld(clean))).toEqual({});
    expect(clean.dlq.length).toBeGreaterThan(0);
  });

  for (const code of ['invalid-event', 'not-json', 'key-mismatch', 'event-time-ahead', 'partition-changed'] as const) {
    it(`a valid event moved to the DLQ as ${code}, its result made consistent → unjustifiedDlq 1`, () => {
      const verdict = verifyWorld(movedToDlq(code));
      expect(violationsOf(verdict)).toEqual({ I2: { unjustifiedDlq: 1 } });
      expect(invariant(verdict, 'I2').counts.dlq).toBe(clean.dlq.length + 1);
      expect(invariant(verdict, 'I2').examples).toHaveLength(1);
      expect(invariant(verdict, 'I2').examples[0]).toMatch(new RegExp(`^unjustified dlq: ${victim.eventId} \\(p\\d@\\d+\\) `));
    });
  }

  it('event-time-ahead is held to the record timestamp when the processor has a limit', () => {
    const world = movedToDlq('event-time-ahead');
    const row = rowOf(world, victim);
    // Record timestamps far before the event time: it may have been ahead; just after it: it was not.
    const stamped = (ts: number) => ({ ...world, raw: world.raw.map((r) => (r === row ? { ...r, timestampMs: ts } : r)) });
    const settings = { ...WORLD_SETTINGS, maxEventTimeAheadMs: 60_000 };
    expect(violationsOf(verifyWorld(stamped(victim.eventTime - 120_000), { settings }))).toEqual({});
    expect(violationsOf(verifyWorld(stamped(victim.eventTime), { settings }))).toEqual({ I2: { unjustifiedDlq: 1 } });
  });

  it('a DLQ record whose raw text is not the raw record\'s, or that names another position, is unjustified', () => {
    const bad = clean.dlq[0]!;
    const value = JSON.parse(bad.value as string) as Record<string, unknown>;
    const world = copyWorld(clean);
    world.dlq = [...clean.dlq.slice(1), { ...bad, value: JSON.stringify({ ...value, raw: `${String(value.raw)} ` }) }];
    expect(violationsOf(verifyWorld(world))).toEqual({ I2: { unjustifiedDlq: 1 } });
    expect(invariant(verifyWorld(world), 'I2').examples[0]).toContain('carries a raw value that is not the raw record');
    const moved = copyWorld(clean);
    moved.dlq = [...clean.dlq.slice(1), { ...bad, value: JSON.stringify({ ...value, sourceOffset: '999999' }) }];
    expect(invariant(verifyWorld(moved), 'I2').examples[0]).toMatch(/names raw-events \d+:999999, which does not hold it$/);
  });
});

describe('late-events proofs', () => {
  const withLate = (change: (late: LateValue) => LateValue): World => {
    const world = copyWorld(clean);
    const first = JSON.parse(clean.late[0]!.value as string) as LateValue;
    world.late = [{ ...clean.late[0]!, value: JSON.stringify(change(first)) }, ...clean.late.slice(1)];
    return world;
  };

  it('a clean world: every late record proven, exactly and within the bounds', () => {
    const stamped = copyWorld(clean);
    stamped.raw = clean.raw.map((r, i) => ({ ...r, timestampMs: 1_000 + i }));
    expect(violationsOf(verifyWorld(stamped))).toEqual({});
    expect(clean.late.length).toBeGreaterThan(0);
  });

  it('judged late before its window closed (watermark < end + allowed lateness) → unjustifiedLate 1', () => {
    const verdict = verifyWorld(withLate((l) => ({ ...l, watermarkMs: l.windowEndMs + 9_999 })));
    expect(violationsOf(verdict)).toEqual({ I2: { unjustifiedLate: 1 } });
    expect(invariant(verdict, 'I2').examples[0]).toMatch(/before its window closed/);
  });

  it('naming a window that is not the event\'s → unjustifiedLate 1', () => {
    const verdict = verifyWorld(withLate((l) => ({ ...l, windowEndMs: l.windowEndMs + 60_000, watermarkMs: l.watermarkMs + 60_000 })));
    expect(invariant(verdict, 'I2').counts.unjustifiedLate).toBe(1);
  });

  it('a watermark beyond what its partition had seen, on a partition that cannot have idled → unjustifiedLate 1', () => {
    const world = withLate((l) => ({ ...l, watermarkMs: l.watermarkMs + 500_000 }));
    world.raw = world.raw.map((r, i) => ({ ...r, timestampMs: 1_000 + i }));
    // The processor was assigned its partitions no earlier than 0: every first record came within idleTimeoutMs of that.
    const assigned = { settings: { ...WORLD_SETTINGS, assignedNotBeforeMs: 0 } };
    const verdict = verifyWorld(world, assigned);
    expect(violationsOf(verdict)).toEqual({ I2: { unjustifiedLate: 1 } });
    expect(invariant(verdict, 'I2').examples[0]).toMatch(/its partition had seen event times only up to \d+ .* and cannot have idled$/);
    // With a gap of idleTimeoutMs in its record times the partition may have idled: only the global bound applies.
    const gapped = { ...world, raw: world.raw.map((r, i) => ({ ...r, timestampMs: 1_000 + i * 2_000_000_000 })) };
    expect(violationsOf(verifyWorld(gapped, assigned))).toEqual({});
    // Without a bound on the assignment time, a partition may have idled before its first record (timers start at assignment).
    expect(violationsOf(verifyWorld(world))).toEqual({});
    // Likewise when the assignment may have been more than idleTimeoutMs before the first record.
    expect(violationsOf(verifyWorld(world, { settings: { ...WORLD_SETTINGS, assignedNotBeforeMs: 1_000 - 2_000_000_000 } }))).toEqual({});
  });

  it('a late record that is not a valid event → unjustifiedLate 1', () => {
    const invalid = clean.raw.find((r) => r.value?.includes('teleport'))!;
    const world = copyWorld(clean);
    const fake = encodeLateValue({ key: invalid.key, value: invalid.value as string, partition: invalid.partition, offset: invalid.offset, reason: 'x', eventId: 'gen-1:17', generatorId: 'gen-1', seq: 17, windowKey: 'u8|0', windowEndMs: 60_000, watermarkMs: 1e13 });
    world.late = [...clean.late, { key: invalid.key, value: fake, partition: 0, offset: 800n }];
    const i2 = invariant(verifyWorld(world), 'I2');
    expect(i2.counts.unjustifiedLate).toBe(1);
    expect(i2.examples.find((e) => e.startsWith('unjustified late'))).toMatch(/is not a valid event \(invalid-event\): it belongs in the DLQ$/);
  });
});
