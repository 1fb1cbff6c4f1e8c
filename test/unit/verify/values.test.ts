import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../../../src/pipeline/processor/aggregate.js';
import { windowKey, windowStartMs } from '../../../src/pipeline/processor/windows.js';
import { WINDOW_MS, buildWorld, copyWorld, deliver, invariant, verifyWorld, violationsOf, type World } from './world.js';

/**
 * Every field of every final result recomputed from raw-events (src/verify/values.ts): planted
 * wrong values that leave count and fingerprint untouched are each reported once, per field, with
 * key, expected and actual; a clean world reports none, with or without fingerprints.
 */

const clean = buildWorld();
const keyOf = (e: { userId: string; eventTime: number }) => windowKey(e.userId, windowStartMs(e.eventTime, WINDOW_MS));
const finals = clean.results;
const purchaseResult = finals.find((r) => r.countsByType.purchase > 0 && r.countsByType.page_view > 0 && clean.processed.filter((p) => p.key === r.key).length === 1) as WindowResult;

/** The world with one final result replaced (committed and delivered as the processor would). */
function plant(world: World, key: string, change: (r: WindowResult) => Record<string, unknown>): World {
  const copy = copyWorld(world);
  const last = Math.max(...copy.processed.flatMap((r, i) => (r.key === key ? [i] : [])));
  copy.processed = copy.processed.map((r, i) => (i === last ? { ...r, value: JSON.stringify(change(JSON.parse(r.value as string) as WindowResult)) } : r));
  copy.s3 = [deliver(copy.processed.map((r) => r.value as string), 'raw-data/0001')];
  return copy;
}

describe('per-field recomputation of final results', () => {
  it('finds every value of a clean world right, every final result checked', () => {
    const verdict = verifyWorld(clean);
    expect(violationsOf(verdict)).toEqual({});
    expect(invariant(verdict, 'I2').counts).toMatchObject({ valueMismatches: 0, valuesChecked: finals.length });
  });

  it('reports revenue one cent off, count and fingerprint untouched', () => {
    const verdict = verifyWorld(plant(clean, purchaseResult.key, (r) => ({ ...r, revenueCents: r.revenueCents + 1 })));
    expect(violationsOf(verdict)).toEqual({ I2: { valueMismatches: 1 } });
    expect(invariant(verdict, 'I2').counts['wrong.revenueCents']).toBe(1);
    expect(invariant(verdict, 'I2').examples).toEqual([
      `wrong value: ${purchaseResult.key} rev 0 revenueCents: expected ${purchaseResult.revenueCents}, actual ${purchaseResult.revenueCents + 1}`,
    ]);
  });

  it('reports a type swapped with the sum intact, a wrong session count and a shifted event time, each by field', () => {
    const verdict = verifyWorld(
      plant(clean, purchaseResult.key, (r) => ({
        ...r,
        countsByType: { ...r.countsByType, page_view: r.countsByType.page_view - 1, click: r.countsByType.click + 1 },
        distinctSessions: r.distinctSessions + 1,
        firstEventTimeMs: r.firstEventTimeMs + 1,
        sourcePartition: r.sourcePartition + 1,
      })),
    );
    expect(violationsOf(verdict)).toEqual({ I2: { valueMismatches: 5 } });
    const counts = invariant(verdict, 'I2').counts;
    expect(counts).toMatchObject({ resultsWithWrongValues: 1, 'wrong.countsByType.page_view': 1, 'wrong.countsByType.click': 1, 'wrong.distinctSessions': 1, 'wrong.firstEventTimeMs': 1, 'wrong.sourcePartition': 1 });
  });

  it('holds closeAtMs and revision exactly when the settings are known, as bounds when not', () => {
    const world = plant(clean, purchaseResult.key, (r) => ({ ...r, closeAtMs: r.closeAtMs + 1 }));
    expect(violationsOf(verifyWorld(world))).toEqual({ I2: { valueMismatches: 1 } });
    expect(invariant(verifyWorld(world), 'I2').counts['wrong.closeAtMs']).toBe(1);
    // Not told the out-of-orderness, the verifier can only hold closeAtMs ≥ windowEndMs.
    expect(violationsOf(verifyWorld(world, { settings: {} }))).toEqual({});
  });

  it('bounds the watermark a result carries by the newest event time of the log', () => {
    const verdict = verifyWorld(plant(clean, purchaseResult.key, (r) => ({ ...r, watermarkMs: 9e15 })));
    expect(invariant(verdict, 'I2').counts['wrong.watermarkMs']).toBe(1);
    expect(invariant(verdict, 'I2').examples[0]).toMatch(/watermarkMs: expected in \[\d+, \d+\], actual 9000000000000000$/);
  });
});

describe('values-only mode (a processor without fingerprints)', () => {
  const stripped = (world: World): World => {
    const copy = copyWorld(world);
    const strip = (value: string | null) => {
      const { fingerprint: _drop, ...rest } = JSON.parse(value as string) as WindowResult;
      return JSON.stringify(rest);
    };
    copy.processed = copy.processed.map((r) => ({ ...r, value: strip(r.value) }));
    copy.s3 = [deliver(copy.processed.map((r) => r.value as string), 'raw-data/0001')];
    return copy;
  };

  it('verifies a clean world by its values and says so', () => {
    const verdict = verifyWorld(stripped(clean), { valuesOnly: true });
    expect(violationsOf(verdict)).toEqual({});
    expect(invariant(verdict, 'I2').name).toContain('VALUES ONLY');
    expect(invariant(verdict, 'I2').counts).toMatchObject({ valuesOnly: 1, valuesChecked: finals.length });
  });

  it('without values-only, results with no fingerprint are not window results', () => {
    expect(invariant(verifyWorld(stripped(clean)), 'I2').counts.invalidResults).toBe(clean.processed.length);
  });

  it('reports a wrong value, and a wrong count as a miscounted window', () => {
    const revenue = verifyWorld(plant(stripped(clean), purchaseResult.key, (r) => ({ ...r, revenueCents: r.revenueCents - 1 })), { valuesOnly: true });
    expect(violationsOf(revenue)).toEqual({ I2: { valueMismatches: 1 } });
    const events = clean.events.filter((e) => keyOf(e) === purchaseResult.key);
    const count = verifyWorld(plant(stripped(clean), purchaseResult.key, (r) => ({ ...r, count: r.count + 1, countsByType: { ...r.countsByType, click: r.countsByType.click + 1 } })), { valuesOnly: true });
    expect(violationsOf(count)).toEqual({ I2: { miscounted: 1 } });
    expect(events.length).toBe(purchaseResult.count);
  });
});
