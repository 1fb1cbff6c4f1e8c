import { describe, expect, it } from 'vitest';
import { WINDOW_RESULT_FIELDS } from '../../../../src/contract/window-result.js';
import { WindowAccumulator, toCents, windowStateSchema } from '../../../../src/pipeline/processor/aggregate.js';
import { Fingerprint } from '../../../../src/pipeline/processor/fingerprint.js';
import { T0, makeEvent } from './fixtures.js';

function accumulator(): WindowAccumulator {
  return new WindowAccumulator({ key: `u1|${T0}`, userId: 'u1', partition: 1, windowStartMs: T0, windowEndMs: T0 + 60_000 });
}

describe('WindowAccumulator', () => {
  it('aggregates counts, types, revenue in cents, sessions, times and the fingerprint', () => {
    const window = accumulator();
    const events = [
      makeEvent({ seq: 3, userId: 'u1', eventTime: T0 + 30_000, type: 'purchase', value: 19.99, sessionId: 's1', intendedAt: T0 + 31_000 }),
      makeEvent({ seq: 1, userId: 'u1', eventTime: T0 + 5_000, type: 'click', sessionId: 's2', intendedAt: T0 + 50_000 }),
      makeEvent({ seq: 2, userId: 'u1', eventTime: T0 + 59_999, type: 'purchase', value: 0.1, sessionId: 's1', intendedAt: T0 + 40_000 }),
      makeEvent({ seq: 4, userId: 'u1', eventTime: T0, type: 'purchase', value: 0.2, sessionId: 's1' }),
    ];
    for (const event of events) window.add(event);
    const result = window.toResult({ revision: 0, outOfOrdernessMs: 5_000, watermarkMs: T0 + 60_000 });
    expect(result).toEqual({
      schemaVersion: 1,
      key: `u1|${T0}`,
      userId: 'u1',
      windowStartMs: T0,
      windowEndMs: T0 + 60_000,
      sourcePartition: 1,
      count: 4,
      countsByType: { page_view: 0, click: 1, add_to_cart: 0, remove_from_cart: 0, checkout: 0, purchase: 3 },
      revenueCents: 1999 + 10 + 20,
      distinctSessions: 2,
      firstEventTimeMs: T0,
      lastEventTimeMs: T0 + 59_999,
      fingerprint: ['gen-1:1', 'gen-1:2', 'gen-1:3', 'gen-1:4'].reduce((f, id) => f.addEventId(id), new Fingerprint()).toJSON(),
      maxIntendedAtMs: T0 + 50_000,
      revision: 0,
      closeAtMs: T0 + 65_000,
      watermarkMs: T0 + 60_000,
    });
    expect(Object.keys(JSON.parse(JSON.stringify(result)))).toEqual([...WINDOW_RESULT_FIELDS]);
  });

  it('rounds each value to cents once, so sums do not drift', () => {
    expect(toCents(19.99)).toBe(1999);
    expect(toCents(0.1) + toCents(0.2)).toBe(30);
    expect(toCents(1.005)).toBe(100); // 1.005 is 1.00499999... in binary: documented, not a bug
    expect(toCents(0)).toBe(0);
  });

  it('round-trips through its changelog state', () => {
    const window = accumulator();
    window.add(makeEvent({ seq: 1, userId: 'u1', eventTime: T0 + 1, type: 'purchase', value: 5, sessionId: 'a' }));
    window.add(makeEvent({ seq: 2, userId: 'u1', eventTime: T0 + 2, sessionId: 'b' }));
    window.emittedRevisions = 2;
    const state = JSON.parse(JSON.stringify(window.toState()));
    expect(windowStateSchema.parse(state)).toEqual(state);
    const restored = WindowAccumulator.fromState(windowStateSchema.parse(state));
    expect(restored.toState()).toEqual(window.toState());
    // And it keeps accumulating identically.
    const next = makeEvent({ seq: 3, userId: 'u1', eventTime: T0 + 3, sessionId: 'c' });
    restored.add(next);
    window.add(next);
    const options = { revision: 2, outOfOrdernessMs: 0, watermarkMs: 0 };
    expect(restored.toResult(options)).toEqual(window.toResult(options));
  });
});
