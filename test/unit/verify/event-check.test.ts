import { describe, expect, it } from 'vitest';
import { decodeRecord } from '../../../src/pipeline/processor/decode.js';
import { checkEvent, checkEventText, codePoints } from '../../../src/verify/event-check.js';

/**
 * The verifier's event check is written from docs/contract.md, independently of the processor's
 * decoder; this test holds the two to the same verdict on many near-valid events (the test may
 * import both sides; src/verify may not).
 */

const base = {
  schemaVersion: 1,
  eventId: 'gen-1:1',
  generatorId: 'gen-1',
  seq: 1,
  userId: 'u0',
  sessionId: 'u0-s1',
  type: 'page_view',
  page: '/home',
  device: 'desktop',
  country: 'DE',
  value: null,
  eventTime: 1_700_000_040_000,
  intendedAt: 1_700_000_040_010,
};
const purchase = { ...base, type: 'purchase', value: 12.5 };

const FIELD_VALUES: Record<string, unknown[]> = {
  schemaVersion: [0, 2, '1', null, 1.0],
  eventId: ['gen-1:2', 'gen-1:01', '', 'x'.repeat(129), 7],
  generatorId: ['', 'g'.repeat(65), 'gen 1', 'gén', 'gen-1', 5],
  seq: [-1, 1.5, 2 ** 53, '1', null, 0],
  userId: ['', 'u'.repeat(128), 'u'.repeat(129), '😀'.repeat(128), '😀'.repeat(129), '\ud800', 3],
  sessionId: ['', 's'.repeat(129), null, '😀'],
  type: ['teleport', 'PURCHASE', null, 'purchase', 'click'],
  page: ['', 'p'.repeat(512), 'p'.repeat(513), '😀'.repeat(512), null],
  device: ['phone', null, 'tablet'],
  country: ['D', 'DEU', '😀', '😀😀', 'ÄÖ', 12, '\ud800x', '\ud800\ud800'],
  value: [-0.01, 0, 1e308, '5', null, -0],
  eventTime: [-1, 1.5, 2 ** 53, 2 ** 53 - 1, 0, '1'],
  intendedAt: [-1, 0.5, 2 ** 53 - 1],
  pad: ['', 'x'.repeat(1000), 5, null],
};

function candidates(): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const event of [base, purchase]) {
    out.push({ ...event });
    for (const [field, values] of Object.entries(FIELD_VALUES)) {
      for (const value of values) out.push({ ...event, [field]: value });
      const without: Record<string, unknown> = { ...event };
      delete without[field];
      out.push(without);
    }
    out.push({ ...event, extra: 1 }, { ...event, seq: 7, eventId: 'gen-1:7' });
  }
  return out;
}

describe('verifier event check (docs/contract.md "Validity")', () => {
  it('agrees with the processor on every candidate', () => {
    let valid = 0;
    for (const candidate of candidates()) {
      const verifier = checkEvent(candidate).ok;
      const processor = decodeRecord('u0', JSON.stringify(candidate), { maxEventTimeAheadMs: null, nowMs: 0 });
      const processorValid = processor.ok || processor.code === 'key-mismatch';
      expect(verifier, JSON.stringify(candidate)).toBe(processorValid);
      if (verifier) valid += 1;
    }
    expect(valid).toBeGreaterThan(20);
  });

  it('counts code points, an unpaired surrogate as one', () => {
    expect(codePoints('ab')).toBe(2);
    expect(codePoints('😀😀')).toBe(2);
    expect(codePoints('\ud800x')).toBe(2);
    expect(codePoints('\udc00\ud800')).toBe(2);
  });

  it('reads JSON text, and says why not', () => {
    expect(checkEventText(JSON.stringify(base)).ok).toBe(true);
    expect(checkEventText('{')).toMatchObject({ ok: false, problem: 'not JSON' });
    expect(checkEventText('[1]')).toMatchObject({ ok: false, problem: 'not a JSON object' });
  });
});
