import { describe, expect, it } from 'vitest';
import { CONTROL_KEY, formatEndOfInput } from '../../../src/contract/control.js';
import { isEndOfInput } from '../../../src/verify/control.js';

describe('verifier: end-of-input control record (docs/contract.md "End of input")', () => {
  it('recognises the record the runner writes, in any JSON spelling', () => {
    expect(isEndOfInput(CONTROL_KEY, formatEndOfInput(0))).toBe(true);
    expect(isEndOfInput(CONTROL_KEY, '{ "eventTimeMs": 1e3, "streamproofControl": "advance-watermark" }')).toBe(true);
  });

  it('treats look-alikes as ordinary records', () => {
    for (const value of [null, '{', '[1]', '{"streamproofControl":"advance-watermark"}', '{"streamproofControl":"stop","eventTimeMs":1}',
      '{"streamproofControl":"advance-watermark","eventTimeMs":-1}', '{"streamproofControl":"advance-watermark","eventTimeMs":1.5}',
      '{"streamproofControl":"advance-watermark","eventTimeMs":"1"}', '{"streamproofControl":"advance-watermark","eventTimeMs":1,"x":1}',
      '{"streamproofControl":"advance-watermark","eventTimeMs":9007199254740992}']) {
      expect(isEndOfInput(CONTROL_KEY, value), String(value)).toBe(false);
    }
    expect(isEndOfInput('u1', formatEndOfInput(5))).toBe(false);
  });
});
