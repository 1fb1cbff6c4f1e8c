import { describe, expect, it } from 'vitest';
import { ProcessorCore } from '../../../../src/pipeline/processor/core.js';
import { foldChangelog, type ChangelogEntry } from '../../../../src/pipeline/processor/changelog.js';
import { T0, makeEvent, recordOf } from './fixtures.js';
import { STREAM_CONFIG, STREAM_NOW, STREAM_PARTITIONS, append, makeStream, runBatches } from './stream.js';

const stream = makeStream({ seed: 11, count: 3_000, users: 12, batchSize: 64 });

function freshCore(allowedLatenessMs: number): ProcessorCore {
  const core = new ProcessorCore({ ...STREAM_CONFIG, allowedLatenessMs });
  core.assign(STREAM_PARTITIONS, STREAM_NOW);
  return core;
}

/** Keeps only the last value per key, as a compacted topic would. */
function compact(entries: ChangelogEntry[]): ChangelogEntry[] {
  const latest = new Map<string, ChangelogEntry>();
  for (const entry of entries) {
    latest.delete(entry.key);
    latest.set(entry.key, entry);
  }
  return [...latest.values()].filter((entry) => entry.value !== null);
}

describe('ProcessorCore restore from changelog', () => {
  for (const allowedLatenessMs of [0, 20_000]) {
    for (const crashAfter of [1, 17, 40]) {
      it(`equals an uninterrupted run (lateness ${allowedLatenessMs} ms, restart after batch ${crashAfter})`, () => {
        const uninterrupted = freshCore(allowedLatenessMs);
        const expected = runBatches(uninterrupted, stream.batches);
        append(expected, uninterrupted.drain(STREAM_NOW + 1_000_000));

        const first = freshCore(allowedLatenessMs);
        const actual = runBatches(first, stream.batches.slice(0, crashAfter));
        const log = [...actual.changelog];

        const second = new ProcessorCore({ ...STREAM_CONFIG, allowedLatenessMs });
        const restartNowMs = STREAM_NOW + crashAfter * 100;
        second.assign(STREAM_PARTITIONS, restartNowMs);
        second.restore(crashAfter % 2 === 0 ? compact(log) : log, restartNowMs);
        expect(second.snapshotChangelog()).toEqual(first.snapshotChangelog());
        append(actual, runBatches(second, stream.batches.slice(crashAfter), crashAfter));
        append(actual, second.drain(STREAM_NOW + 1_000_000));

        expect(actual.results).toEqual(expected.results);
        expect(actual.late).toEqual(expected.late);
        expect(actual.dlq).toEqual(expected.dlq);
        expect(actual.changelog).toEqual(expected.changelog);
        expect(expected.results.length).toBeGreaterThan(60);
        expect(expected.late.length).toBeGreaterThan(10);
        expect(expected.dlq.length).toBeGreaterThan(10);
        const reEmitted = expected.results.filter((r) => r.revision > 0).length;
        if (allowedLatenessMs > 0) expect(reEmitted).toBeGreaterThan(10);
        else expect(reEmitted).toBe(0);
      });
    }
  }

  it('the new owner of a partition never reopens a window the old owner closed', () => {
    const config = { windowMs: 60_000, outOfOrdernessMs: 5_000, idleTimeoutMs: 1_000_000 };
    const oldOwner = new ProcessorCore(config);
    oldOwner.assign([0], STREAM_NOW);
    const log = oldOwner.processBatch(
      [recordOf(makeEvent({ seq: 1, userId: 'u0', eventTime: T0 }), 1), recordOf(makeEvent({ seq: 2, userId: 'u3', eventTime: T0 + 65_000 }), 2)],
      STREAM_NOW,
    ).changelog;
    oldOwner.revoke([0]);

    // The new owner also owns partition 1, which is far behind: partition 0 keeps its watermark.
    const newOwner = new ProcessorCore(config);
    newOwner.assign([0, 1], STREAM_NOW);
    newOwner.restore(log, STREAM_NOW, [0]);
    newOwner.process(recordOf(makeEvent({ seq: 3, userId: 'u1', eventTime: T0 - 600_000 }), 1), STREAM_NOW);
    expect(newOwner.watermarkOf(0)).toBe(T0 + 60_000);
    const out = newOwner.process(recordOf(makeEvent({ seq: 4, userId: 'u0', eventTime: T0 + 10 }), 3), STREAM_NOW);
    expect(out.late.map((r) => r.eventId)).toEqual(['gen-1:4']);
    expect(out.results).toEqual([]);
    expect(newOwner.openWindowCount).toBe(2); // u3's window from the changelog, u1's new one
  });

  it('fires restored windows that the restored watermark already passed (in the next batch)', () => {
    const core = new ProcessorCore({ ...STREAM_CONFIG });
    core.assign([0], STREAM_NOW);
    const window = new ProcessorCore({ ...STREAM_CONFIG });
    window.assign([0], STREAM_NOW);
    const entries = window.processBatch([recordOf(makeEvent({ seq: 1, userId: 'u0', eventTime: T0 }), 1)], STREAM_NOW).changelog;
    // A watermark state that is ahead of the window (as if written by a newer owner).
    const wm = { key: '__wm|0', value: JSON.stringify({ v: 1, partition: 0, maxEventTimeMs: T0 + 70_000, watermarkMs: T0 + 65_000 }) };
    core.restore([...entries, wm], STREAM_NOW);
    const out = core.tick(STREAM_NOW);
    expect(out.results.map((r) => [r.key, r.revision])).toEqual([[`u0|${T0}`, 0]]);
    expect(out.changelog.map((e) => [e.key, e.value === null])).toEqual([[`u0|${T0}`, true]]);
  });

  it('refuses to restore unassigned partitions or a corrupt changelog', () => {
    const core = new ProcessorCore(STREAM_CONFIG);
    core.assign([0], STREAM_NOW);
    expect(() => core.restore([], STREAM_NOW, [1])).toThrowError(expect.objectContaining({ code: 'SP_INVALID_ARGUMENT' }));
    expect(() => core.restore([{ key: `u0|${T0}`, value: '{' }], STREAM_NOW)).toThrowError(
      expect.objectContaining({ code: 'SP_INVALID_CHANGELOG' }),
    );
    expect(() => core.restore([{ key: '__wm|0', value: '{"v":1,"partition":1,"maxEventTimeMs":null,"watermarkMs":null}' }], STREAM_NOW)).toThrowError(
      /does not match partition 1/,
    );
  });

  it('folds an uncompacted changelog: last value wins, tombstones delete, other partitions are skipped', () => {
    const core = new ProcessorCore({ ...STREAM_CONFIG, allowedLatenessMs: 20_000 });
    core.assign(STREAM_PARTITIONS, STREAM_NOW);
    const log = runBatches(core, stream.batches.slice(0, 30)).changelog;
    const folded = foldChangelog(log, new Set([1]));
    const live = core.snapshotChangelog().filter((entry) => entry.partition === 1);
    expect(folded.windows.map((w) => w.key).sort()).toEqual(live.filter((e) => !e.key.startsWith('__wm|')).map((e) => e.key).sort());
    expect([...folded.watermarks.keys()]).toEqual([1]);
    expect(folded.windows.every((w) => w.partition === 1)).toBe(true);
  });
});
