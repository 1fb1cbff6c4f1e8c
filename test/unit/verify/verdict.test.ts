import { describe, expect, it } from 'vitest';
import { verdictSchema } from '../../../src/report/result-schema.js';
import { ExampleList, positionText } from '../../../src/verify/examples.js';
import { assembleVerdict, describeVerdict, invariantReport, notChecked, toResultVerdict, verdictCounters } from '../../../src/verify/verdict.js';

const i1 = invariantReport({ id: 'I1', counts: { acked: 10, lost: 2, duplicated: 1, failed: 3 }, violationKinds: ['lost', 'duplicated'], examples: ['lost: g:1'] });
const i2 = invariantReport({ id: 'I2', counts: { late: 4, dlq: 1, missing: 0, multiple: 0 }, violationKinds: ['missing', 'multiple'], examples: [] });
const i3 = invariantReport({ id: 'I3', counts: { missing: 0, duplicates: 2 }, violationKinds: ['missing'], examples: [] });

describe('verdict', () => {
  it('sums violation kinds only, and fails an invariant with any', () => {
    expect(i1).toMatchObject({ status: 'fail', pass: false, violations: 3 });
    expect(i2).toMatchObject({ status: 'pass', pass: true, violations: 0 });
    expect(assembleVerdict([i1, i2, i3]).pass).toBe(false);
    expect(assembleVerdict([i2, i3]).pass).toBe(true);
  });

  it('never passes when nothing was checked', () => {
    expect(assembleVerdict([notChecked('I3', 'delivery off')]).pass).toBe(false);
    expect(assembleVerdict([]).pass).toBe(false);
  });

  it('writes the result-file form, with not-checked stated in the name, counts and examples', () => {
    const written = toResultVerdict(assembleVerdict([i1, i2, notChecked('I3', 'delivery off')]));
    expect(verdictSchema.safeParse(written).success).toBe(true);
    expect(written.invariants[2]).toEqual({
      id: 'I3',
      name: 'delivery: every final window result reaches S3 — NOT CHECKED (delivery off)',
      pass: true,
      violations: 0,
      counts: { checked: 0 },
      examples: ['not checked: delivery off'],
    });
    expect(Object.keys(written.invariants[0]!)).not.toContain('status');
  });

  it('derives the result counters, leaving out what was not checked', () => {
    expect(verdictCounters(assembleVerdict([i1, i2, i3]))).toEqual({ violations: 3, lost: 2, duplicated: 1, late: 4, dlq: 1, s3Missing: 0, s3Duplicates: 2 });
    expect(verdictCounters(assembleVerdict([i1, i2, notChecked('I3', 'x')]))).not.toHaveProperty('s3Missing');
  });

  it('describes itself for a terminal', () => {
    expect(describeVerdict(assembleVerdict([i1, notChecked('I3', 'delivery off')]))).toEqual([
      'verdict: FAIL',
      'I1 FAIL 3 violation(s): lost=2 duplicated=1',
      '    lost: g:1',
      'I3 NOT CHECKED: delivery: every final window result reaches S3 — NOT CHECKED (delivery off)',
    ]);
  });
});

describe('examples', () => {
  it('keeps the first N examples and counts them all, building text only when kept', () => {
    const list = new ExampleList(2);
    let built = 0;
    for (let i = 0; i < 5; i += 1) list.add(() => `e${(built += 1)}`);
    expect([list.items, list.total, built, list.wantsMore]).toEqual([['e1', 'e2'], 5, 2, false]);
    expect(positionText(3, 17n)).toBe('p3@17');
  });
});
