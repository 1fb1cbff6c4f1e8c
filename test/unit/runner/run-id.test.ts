import { describe, expect, it } from 'vitest';
import { makeRunId, shortIdOf } from '../../../src/runner/run-id.js';

describe('run ids', () => {
  it('give back the short id (the topic prefix) they were made with, so a kept run can be found without its ledger file', () => {
    const made = makeRunId('peak-load', new Date('2026-12-01T12:50:38.123Z'), () => Buffer.from([0x7b, 0x2b]));
    expect(made).toEqual({ runId: '20261201T125038Z-peak-load-7b2b', shortId: 'sp2612011250387b2b' });
    expect(shortIdOf(made.runId)).toBe(made.shortId);
    expect(shortIdOf('not-a-run-id')).toBeNull();
  });
});
