import { describe, expect, it } from 'vitest';
import type { WindowResult } from '../../../src/contract/window-result.js';
import { parseDlqValue, parseLateValue, parseWindowResult, resultInconsistencies } from '../../../src/verify/records.js';

const T0 = 1_700_000_040_000;
const result: WindowResult = {
  schemaVersion: 1,
  key: `u0|${T0}`,
  userId: 'u0',
  windowStartMs: T0,
  windowEndMs: T0 + 60_000,
  sourcePartition: 0,
  count: 2,
  countsByType: { page_view: 1, click: 0, add_to_cart: 0, remove_from_cart: 0, checkout: 0, purchase: 1 },
  revenueCents: 1999,
  distinctSessions: 1,
  firstEventTimeMs: T0,
  lastEventTimeMs: T0 + 59_999,
  fingerprint: { count: 2, hashSum: '0123456789abcdef' },
  maxIntendedAtMs: T0 + 60_010,
  revision: 0,
  closeAtMs: T0 + 65_000,
  watermarkMs: T0 + 60_000,
};

describe('verifier: reading the processor outputs (docs/contract.md)', () => {
  it('parses a window result and names every bad field of an invalid one', () => {
    expect(parseWindowResult(JSON.stringify(result))).toEqual(result);
    const bad = JSON.stringify({ ...result, count: -1, fingerprint: { count: 1, hashSum: 'zz' } });
    expect(() => parseWindowResult(bad)).toThrowError(/count: .*fingerprint\.hashSum: /);
    expect(() => parseWindowResult(JSON.stringify({ ...result, extra: 1 }))).toThrowError(expect.objectContaining({ code: 'SP_INVALID_RESULT' }));
    expect(() => parseWindowResult('{')).toThrowError(expect.objectContaining({ code: 'SP_INVALID_RESULT' }));
  });

  it('parses side outputs strictly', () => {
    const dlq = { schemaVersion: 1, reasonCode: 'not-json', reason: 'x', sourcePartition: 0, sourceOffset: '12345678901234567890', generatorId: null, seq: null, raw: 'garbage' };
    expect(parseDlqValue(JSON.stringify(dlq))).toEqual(dlq);
    expect(() => parseDlqValue(JSON.stringify({ ...dlq, reasonCode: 'bored' }))).toThrowError(expect.objectContaining({ code: 'SP_INVALID_RESULT' }));
    expect(() => parseLateValue('{"schemaVersion":2}')).toThrowError(expect.objectContaining({ code: 'SP_INVALID_RESULT' }));
  });

  it('finds results that disagree with themselves', () => {
    expect(resultInconsistencies(result, 60_000)).toEqual([]);
    const problems = (change: Partial<WindowResult>, windowMs?: number) => resultInconsistencies({ ...result, ...change }, windowMs);
    expect(problems({ count: 3 })).toHaveLength(2); // fingerprint and countsByType disagree
    expect(problems({ key: `u1|${T0}` })[0]).toMatch(/^key /);
    expect(problems({ windowStartMs: T0 + 1, key: `u0|${T0 + 1}`, firstEventTimeMs: T0 + 1 }, 60_000)).toHaveLength(2);
    expect(problems({ lastEventTimeMs: T0 + 60_000 })).toHaveLength(1);
    expect(problems({ watermarkMs: T0 + 59_999 })).toHaveLength(1);
    expect(problems({ countsByType: { ...result.countsByType, purchase: 0, click: 1 } })).toEqual(['revenue 1999 without a purchase']);
  });
});
