import { describe, expect, it } from 'vitest';
import { decodeRecord, fastValidate } from '../../../../src/pipeline/processor/decode.js';
import { validateEvent } from '../../../../src/workload/event.js';
import { T0, makeEvent } from './fixtures.js';

const FIELD_VALUES: Record<string, unknown[]> = {
  schemaVersion: [0, 2, '1', null],
  eventId: ['gen-1:2', 'gen-1:01', '', 'x'.repeat(129), 7],
  generatorId: ['', 'g'.repeat(65), 'gen 1', 'gén', 'gen-1', 5],
  seq: [-1, 1.5, 2 ** 53, '1', null, 0],
  userId: ['', 'u'.repeat(128), 'u'.repeat(129), '😀', 3],
  sessionId: ['', 's'.repeat(129), null],
  type: ['teleport', 'PURCHASE', null],
  page: ['', 'p'.repeat(512), 'p'.repeat(513), null],
  device: ['phone', null],
  country: ['D', 'DEU', '😀', 'ÄÖ', 12, '\ud800x'],
  value: [-0.01, 0, 1e308, '5', Number.NaN],
  eventTime: [-1, 1.5, 2 ** 53, 0, '1'],
  intendedAt: [-1, 0.5, 2 ** 53 - 1],
  pad: ['', 'x'.repeat(1000), 5, null],
};

function mutations(): Record<string, unknown>[] {
  const bases = [makeEvent({ seq: 1, userId: 'u0', eventTime: T0 }), makeEvent({ seq: 1, userId: 'u0', eventTime: T0, type: 'purchase', value: 12.5 })];
  const out: Record<string, unknown>[] = [];
  for (const base of bases) {
    out.push({ ...base });
    for (const [field, values] of Object.entries(FIELD_VALUES)) {
      for (const value of values) out.push({ ...base, [field]: value });
      const without: Record<string, unknown> = { ...base };
      delete without[field];
      out.push(without);
    }
    out.push({ ...base, extra: 1 });
    out.push({ ...base, seq: 7, eventId: 'gen-1:7' });
  }
  return out;
}

describe('fastValidate', () => {
  it('never accepts what the event schema rejects, and accepts the ordinary valid events', () => {
    let fastAccepted = 0;
    for (const candidate of mutations()) {
      const fast = fastValidate(candidate);
      const schema = validateEvent(candidate);
      if (fast) {
        fastAccepted += 1;
        expect(schema.ok, JSON.stringify(candidate)).toBe(true);
        expect(schema.ok && schema.event).toEqual(fast);
      }
    }
    expect(fastAccepted).toBeGreaterThan(10);
    expect(fastValidate(makeEvent({ seq: 3, userId: 'ü', eventTime: 0, type: 'purchase', value: 0 }))).not.toBeNull();
    for (const notObject of [null, 1, 'x', []]) expect(fastValidate(notObject)).toBeNull();
  });
});

describe('decodeRecord', () => {
  const options = { maxEventTimeAheadMs: null, nowMs: T0 };

  it('falls back to the schema for the reason, keeping the best-effort identity', () => {
    const bad = JSON.stringify({ ...makeEvent({ seq: 4, userId: 'u0', eventTime: T0 }), page: 7 });
    expect(decodeRecord('u0', bad, options)).toEqual({
      ok: false,
      code: 'invalid-event',
      reason: 'invalid event: page: Invalid input: expected string, received number',
      identity: { generatorId: 'gen-1', seq: 4 },
    });
  });

  it('accepts a valid event whose key is its userId', () => {
    const event = makeEvent({ seq: 4, userId: 'u0', eventTime: T0 });
    expect(decodeRecord('u0', JSON.stringify(event), options)).toEqual({ ok: true, event });
  });
});
