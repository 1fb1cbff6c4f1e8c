import { describe, expect, it } from 'vitest';
import { ProcessorCore, type ProcessorOutputs } from '../../../../src/pipeline/processor/core.js';
import { Fingerprint } from '../../../../src/verify/fingerprint.js';
import { T0, makeEvent, rawRecord, recordOf, type EventSpec } from './fixtures.js';

const NOW = T0 + 3_600_000;
const END = T0 + 60_000;

/** One partition (0: users u0, u3, u6), 5 s out-of-orderness, idle timeout out of the way. */
function singlePartition(allowedLatenessMs = 0): ProcessorCore {
  const core = new ProcessorCore({ windowMs: 60_000, outOfOrdernessMs: 5_000, allowedLatenessMs, idleTimeoutMs: 1_000_000 });
  core.assign([0], NOW);
  return core;
}

let offset = 0;
function rec(spec: EventSpec) {
  offset += 1;
  return recordOf(makeEvent(spec), offset);
}

function changelogKeys(outputs: ProcessorOutputs): [string, 'upsert' | 'tombstone'][] {
  return outputs.changelog.map((entry) => [entry.key, entry.value === null ? 'tombstone' : 'upsert']);
}

describe('ProcessorCore windows and watermark', () => {
  it('fires a window when the watermark reaches its end, not before', () => {
    const core = singlePartition();
    let out = core.processBatch([rec({ seq: 1, userId: 'u0', eventTime: T0 + 1 }), rec({ seq: 2, userId: 'u3', eventTime: T0 + 64_999 })], NOW);
    expect(out.results).toEqual([]);
    expect(core.watermarkMs).toBe(T0 + 59_999);
    out = core.process(rec({ seq: 3, userId: 'u0', eventTime: END + 5_000 }), NOW);
    expect(out.results.map((r) => [r.key, r.revision, r.count])).toEqual([[`u0|${T0}`, 0, 1]]);
    expect(out.results[0]?.fingerprint).toEqual(Fingerprint.of(['gen-1:1']).toJSON());
    expect(out.results[0]?.closeAtMs).toBe(END + 5_000);
    expect(out.results[0]?.watermarkMs).toBe(END);
    // Without allowed lateness, firing is also the final close: state is tombstoned.
    expect(changelogKeys(out)).toEqual([
      [`u0|${END}`, 'upsert'],
      [`u0|${T0}`, 'tombstone'],
      ['__wm|0', 'upsert'],
    ]);
    expect(core.openWindowCount).toBe(2); // u3 and u0 in the window [END, END + 60 s)
  });

  it('sends an event whose window is closed to late-events with the raw value, and keeps the rest', () => {
    const core = singlePartition();
    core.processBatch([rec({ seq: 1, userId: 'u0', eventTime: T0 + 1 }), rec({ seq: 2, userId: 'u0', eventTime: END + 5_000 })], NOW);
    const lateRecord = rec({ seq: 3, userId: 'u3', eventTime: END - 1 });
    const out = core.processBatch([lateRecord, rec({ seq: 4, userId: 'u3', eventTime: END + 1 })], NOW);
    expect(out.results).toEqual([]);
    expect(out.late).toEqual([
      {
        key: 'u3',
        value: lateRecord.value,
        partition: 0,
        offset: lateRecord.offset,
        reason: `window u3|${T0} closed: end ${END} + allowed lateness 0 ms <= watermark ${END}`,
        eventId: 'gen-1:3',
        generatorId: 'gen-1',
        seq: 3,
        windowKey: `u3|${T0}`,
        windowEndMs: END,
        watermarkMs: END,
      },
    ]);
    expect(changelogKeys(out)).toEqual([[`u3|${END}`, 'upsert']]);
  });

  it('accepts out-of-order events within outOfOrdernessMs into their window', () => {
    const core = singlePartition();
    const out = core.processBatch(
      [
        rec({ seq: 1, userId: 'u0', eventTime: END + 4_000 }), // watermark END - 1000
        rec({ seq: 2, userId: 'u0', eventTime: END - 10 }), // out of order but on time
        rec({ seq: 3, userId: 'u0', eventTime: END + 5_000 }), // fires T0 window
      ],
      NOW,
    );
    expect(out.late).toEqual([]);
    expect(out.results.map((r) => [r.key, r.count, r.fingerprint])).toEqual([[`u0|${T0}`, 1, Fingerprint.of(['gen-1:2']).toJSON()]]);
  });

  it('with allowed lateness, re-emits a fired window with revision + 1 and closes it later', () => {
    const core = singlePartition(10_000);
    let out = core.processBatch([rec({ seq: 1, userId: 'u0', eventTime: T0 }), rec({ seq: 2, userId: 'u0', eventTime: END + 5_000 })], NOW);
    expect(out.results.map((r) => [r.key, r.revision, r.count])).toEqual([[`u0|${T0}`, 0, 1]]);
    expect(changelogKeys(out)).toContainEqual([`u0|${T0}`, 'upsert']);

    // Two late events for the fired window and one that opens a new window: one emission each per batch.
    out = core.processBatch(
      [rec({ seq: 3, userId: 'u0', eventTime: T0 + 5 }), rec({ seq: 4, userId: 'u0', eventTime: T0 + 6 }), rec({ seq: 5, userId: 'u3', eventTime: T0 + 7 })],
      NOW,
    );
    expect(out.late).toEqual([]);
    expect(out.results.map((r) => [r.key, r.revision, r.count])).toEqual([
      [`u0|${T0}`, 1, 3],
      [`u3|${T0}`, 0, 1],
    ]);

    // Watermark reaches END + lateness: closed without a new emission; later events are late.
    out = core.processBatch([rec({ seq: 6, userId: 'u0', eventTime: END + 15_000 }), rec({ seq: 7, userId: 'u0', eventTime: T0 + 8 })], NOW);
    expect(out.results).toEqual([]);
    expect(out.late.map((r) => r.eventId)).toEqual(['gen-1:7']);
    expect(changelogKeys(out).filter(([, kind]) => kind === 'tombstone')).toEqual([
      [`u0|${T0}`, 'tombstone'],
      [`u3|${T0}`, 'tombstone'],
    ]);
  });

  it('coalesces changelog entries per key within a batch', () => {
    const core = singlePartition();
    const out = core.processBatch([1, 2, 3].map((seq) => rec({ seq, userId: 'u0', eventTime: T0 + seq })), NOW);
    expect(out.changelog).toHaveLength(2);
    const state = JSON.parse(out.changelog[0]?.value as string);
    expect([state.key, state.count, state.partition]).toEqual([`u0|${T0}`, 3, 0]);
    expect(JSON.parse(out.changelog[1]?.value as string)).toEqual({ v: 1, partition: 0, maxEventTimeMs: T0 + 3, watermarkMs: T0 + 3 - 5_000 });
  });

  it('lets an idle partition release the watermark on tick()', () => {
    const core = new ProcessorCore({ windowMs: 60_000, outOfOrdernessMs: 5_000, idleTimeoutMs: 10_000 });
    core.assign([0, 1], NOW);
    let out = core.processBatch([rec({ seq: 1, userId: 'u0', eventTime: T0 }), rec({ seq: 2, userId: 'u0', eventTime: END + 5_000 })], NOW);
    expect(out.results).toEqual([]); // partition 1 has seen nothing and is not idle yet
    expect(core.tick(NOW + 9_999).results).toEqual([]);
    out = core.tick(NOW + 10_000);
    expect(out.results.map((r) => r.key)).toEqual([`u0|${T0}`]);
    expect(core.watermarkOf(1)).toBe(END);
  });

  it('drain() fires and closes every open window at the end of a bounded input', () => {
    const core = singlePartition(10_000);
    const before = core.processBatch([rec({ seq: 1, userId: 'u0', eventTime: T0 }), rec({ seq: 2, userId: 'u3', eventTime: END + 1_000 })], NOW);
    expect(before.results).toEqual([]);
    const out = core.drain(NOW);
    expect(out.results.map((r) => [r.key, r.revision])).toEqual([
      [`u0|${T0}`, 0],
      [`u3|${END}`, 0],
    ]);
    expect(changelogKeys(out)).toEqual([
      [`u0|${T0}`, 'tombstone'],
      [`u3|${END}`, 'tombstone'],
      ['__wm|0', 'upsert'],
    ]);
    expect(core.openWindowCount).toBe(0);
    expect(core.drain(NOW).results).toEqual([]);
  });

  it('revoke() drops the partition state; records for it are then refused', () => {
    const core = new ProcessorCore({ idleTimeoutMs: 1_000_000 });
    core.assign([0, 1], NOW);
    core.processBatch([rec({ seq: 1, userId: 'u0', eventTime: T0 }), rec({ seq: 2, userId: 'u1', eventTime: T0 })], NOW);
    expect(core.openWindowCount).toBe(2);
    core.revoke([1]);
    expect(core.openWindowCount).toBe(1);
    expect(core.assignedPartitions()).toEqual([0]);
    expect(() => core.process(rec({ seq: 3, userId: 'u1', eventTime: T0 }), NOW)).toThrowError(
      expect.objectContaining({ code: 'SP_INVALID_ARGUMENT' }),
    );
  });
});

describe('ProcessorCore DLQ', () => {
  it('routes every kind of bad record to the DLQ with its reason and identity, and keeps going', () => {
    const core = new ProcessorCore({ idleTimeoutMs: 1_000_000, maxEventTimeAheadMs: 60_000 });
    core.assign([0], NOW);
    const good = makeEvent({ seq: 10, userId: 'u0', eventTime: T0 });
    const badType = { ...makeEvent({ seq: 11, userId: 'u0', eventTime: T0 }), type: 'teleport' };
    const future = makeEvent({ seq: 12, userId: 'u0', eventTime: NOW + 60_001 });
    const records = [
      rawRecord(0, 1, 'u0', '{"generatorId":"gen-1","seq":9,'), // truncated JSON
      rawRecord(0, 2, 'u0', JSON.stringify(badType)),
      rawRecord(0, 3, 'u9', JSON.stringify(good)), // key is not the userId
      rawRecord(0, 4, null, null),
      rawRecord(0, 5, 'u0', JSON.stringify(future)),
      rawRecord(0, 6, 'u0', JSON.stringify(good)),
    ];
    const out = core.processBatch(records, NOW);
    expect(out.dlq.map((r) => [Number(r.offset), r.generatorId, r.seq])).toEqual([
      [1, 'gen-1', 9],
      [2, 'gen-1', 11],
      [3, 'gen-1', 10],
      [4, null, null],
      [5, 'gen-1', 12],
    ]);
    expect(out.dlq[0]?.reason).toMatch(/^not JSON: /);
    expect(out.dlq[1]?.reason).toMatch(/^invalid event: type: /);
    expect(out.dlq[2]?.reason).toBe('record key "u9" does not match userId "u0"');
    expect(out.dlq[3]?.reason).toBe('record has no value');
    expect(out.dlq[4]?.reason).toBe(`eventTime ${NOW + 60_001} is more than 60000 ms ahead of processing time ${NOW}`);
    expect(out.dlq[1]?.value).toBe(records[1]?.value);
    expect(core.openWindowCount).toBe(1);
    expect(out.changelog.map((entry) => entry.key)).toEqual([`u0|${T0}`, '__wm|0']);
  });
});
