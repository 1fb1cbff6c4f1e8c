import { describe, expect, it } from 'vitest';
import { L4Join, resultIdentity } from '../../../../src/pipeline/delivery/l4.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const result = (key: string, revision: number, extra = '') => bytes(`{"key":"${key}","revision":${revision}${extra}}`);

describe('resultIdentity', () => {
  it('names a window result by key and revision, whatever else it holds', () => {
    expect(resultIdentity(result('u-1|60000', 0))).toBe('r:u-1|60000#0');
    expect(resultIdentity(result('u-1|60000', 2, ',"count":7'))).toBe('r:u-1|60000#2');
    expect(resultIdentity(bytes('{"count":7,"revision":1,"key":"ü-🚀|0"}'))).toBe('r:ü-🚀|0#1');
  });

  it('falls back to a hash of the bytes for anything else', () => {
    const plain = resultIdentity(bytes('not json'));
    expect(plain).toMatch(/^h:[0-9a-f]{32}$/);
    expect(resultIdentity(bytes('not json'))).toBe(plain);
    expect(resultIdentity(bytes('not json!'))).not.toBe(plain);
    // key without an integer revision, revision as text, JSON that is not an object: all by bytes.
    expect(resultIdentity(bytes('{"key":"a","revision":1.5}'))).toMatch(/^h:/);
    expect(resultIdentity(bytes('{"key":"a","revision":"1"}'))).toMatch(/^h:/);
    expect(resultIdentity(bytes('[1,2]'))).toMatch(/^h:/);
    expect(resultIdentity(bytes('{"key":"a"}'))).not.toBe(resultIdentity(bytes('{"key":"b"}')));
  });
});

describe('L4Join', () => {
  it('samples object first-seen minus result visibility when the acceptance comes first', () => {
    const join = new L4Join();
    expect(join.noteAccepted([{ value: result('a|0', 0), visibleAtMs: 1_000 }, { value: result('b|0', 0), visibleAtMs: 1_200 }])).toEqual([]);
    const samples = join.noteObject({ key: 'raw-data/o1', firstSeenAtMs: 1_750, records: [result('a|0', 0), result('b|0', 0)] });
    expect(samples).toEqual([
      { identity: 'r:a|0#0', visibleAtMs: 1_000, seenAtMs: 1_750, latencyMs: 750, objectKey: 'raw-data/o1' },
      { identity: 'r:b|0#0', visibleAtMs: 1_200, seenAtMs: 1_750, latencyMs: 550, objectKey: 'raw-data/o1' },
    ]);
    expect(join.summary()).toEqual({ objectsSeen: 1, s3Records: 2, resultsAccepted: 2, samples: 2, duplicateCopies: 0, notSeen: 0, unexplainedRecords: 0 });
  });

  it('samples when the S3 copy is seen before the sink reports the acceptance', () => {
    const join = new L4Join();
    expect(join.noteObject({ key: 'o1', firstSeenAtMs: 2_000, records: [result('a|0', 3)] })).toEqual([]);
    expect(join.summary().unexplainedRecords).toBe(1);
    expect(join.noteAccepted([{ value: result('a|0', 3), visibleAtMs: 1_900 }])).toEqual([
      { identity: 'r:a|0#3', visibleAtMs: 1_900, seenAtMs: 2_000, latencyMs: 100, objectKey: 'o1' },
    ]);
    expect(join.summary()).toMatchObject({ samples: 1, unexplainedRecords: 0 });
  });

  it('tells revisions of one window apart and counts duplicates; the first copy counts for latency', () => {
    const join = new L4Join();
    join.noteAccepted([{ value: result('a|0', 0), visibleAtMs: 100 }, { value: result('a|0', 1), visibleAtMs: 300 }]);
    // An ambiguous re-send: accepted again later, a second copy lands in another object.
    join.noteAccepted([{ value: result('a|0', 0), visibleAtMs: 100 }]);
    const first = join.noteObject({ key: 'o1', firstSeenAtMs: 500, records: [result('a|0', 0)] });
    const second = join.noteObject({ key: 'o2', firstSeenAtMs: 900, records: [result('a|0', 0), result('a|0', 1)] });
    expect(first.map((s) => [s.identity, s.latencyMs])).toEqual([['r:a|0#0', 400]]);
    expect(second.map((s) => [s.identity, s.latencyMs, s.objectKey])).toEqual([['r:a|0#1', 600, 'o2']]);
    expect(join.summary()).toEqual({ objectsSeen: 2, s3Records: 3, resultsAccepted: 2, samples: 2, duplicateCopies: 1, notSeen: 0, unexplainedRecords: 0 });
  });

  it('keeps the earliest visibility when a result is re-read and accepted again', () => {
    const join = new L4Join();
    join.noteAccepted([{ value: result('a|0', 0), visibleAtMs: 5_000 }]);
    join.noteAccepted([{ value: result('a|0', 0), visibleAtMs: 4_000 }]);
    expect(join.noteObject({ key: 'o1', firstSeenAtMs: 6_000, records: [result('a|0', 0)] })[0]?.latencyMs).toBe(2_000);
  });

  it('counts an object once however often it is noted, and reports what is not in S3 yet', () => {
    const join = new L4Join();
    join.noteAccepted([{ value: bytes('x'), visibleAtMs: 10 }, { value: bytes('y'), visibleAtMs: 10 }]);
    expect(join.noteObject({ key: 'o1', firstSeenAtMs: 20, records: [bytes('x')] })).toHaveLength(1);
    expect(join.noteObject({ key: 'o1', firstSeenAtMs: 30, records: [bytes('x')] })).toEqual([]);
    expect(join.summary()).toEqual({ objectsSeen: 1, s3Records: 1, resultsAccepted: 2, samples: 1, duplicateCopies: 0, notSeen: 1, unexplainedRecords: 0 });
  });

  it('counts records the sink never reported as unexplained, not as samples', () => {
    const join = new L4Join();
    join.noteObject({ key: 'old', firstSeenAtMs: 1, records: [bytes('from an earlier run'), bytes('from an earlier run')] });
    expect(join.summary()).toEqual({ objectsSeen: 1, s3Records: 2, resultsAccepted: 0, samples: 0, duplicateCopies: 1, notSeen: 0, unexplainedRecords: 2 });
  });
});
