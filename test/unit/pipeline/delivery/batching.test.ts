import { describe, expect, it } from 'vitest';
import { FIREHOSE_LIMITS, frameRecord, planPutBatches, rejectionReason } from '../../../../src/pipeline/delivery/batching.js';

const rec = (bytes: number, fill = 0x61) => ({ value: new Uint8Array(bytes).fill(fill) });
const sizes = (plan: ReturnType<typeof planPutBatches>) => plan.calls.map((c) => c.entries.length);

describe('planPutBatches', () => {
  it('frames each record as its bytes plus one newline', () => {
    const plan = planPutBatches([{ value: new TextEncoder().encode('{"a":1}') }]);
    expect(Array.from(plan.calls[0]!.entries[0]!.payload)).toEqual(Array.from(new TextEncoder().encode('{"a":1}\n')));
    expect(plan.calls[0]!.bytes).toBe(8);
  });

  it('closes a call at 500 records', () => {
    const plan = planPutBatches(Array.from({ length: 1001 }, () => rec(10)));
    expect(sizes(plan)).toEqual([500, 500, 1]);
    expect(plan.rejected).toEqual([]);
  });

  it('closes a call before 4 MiB of framed bytes', () => {
    // framed 1,024,000 bytes each: four fit in 4,194,304, five do not
    const plan = planPutBatches(Array.from({ length: 10 }, () => rec(1_023_999)));
    expect(sizes(plan)).toEqual([4, 4, 2]);
    expect(plan.calls[0]!.bytes).toBe(4_096_000);
  });

  it('fills a call to exactly 4 MiB and starts a new one with the next byte', () => {
    const records = [...Array.from({ length: 4 }, () => rec(1_023_999)), rec(98_303), rec(1)];
    const plan = planPutBatches(records);
    expect(sizes(plan)).toEqual([5, 1]);
    expect(plan.calls[0]!.bytes).toBe(FIREHOSE_LIMITS.maxBytesPerCall);
  });

  it('accepts a record of exactly 1,000 KiB framed and rejects one byte more', () => {
    const atLimit = rec(1_023_999);
    const over = rec(1_024_000);
    const plan = planPutBatches([atLimit, over]);
    expect(plan.calls.map((c) => c.entries.map((e) => e.record))).toEqual([[atLimit]]);
    expect(plan.rejected).toEqual([
      { record: over, reason: 'record is 1024001 bytes with its newline; Firehose accepts at most 1024000 bytes per record' },
    ]);
  });

  it('rejects empty records and records containing a newline, keeping the order of the rest', () => {
    const a = rec(3, 0x61);
    const empty = rec(0);
    const b = rec(3, 0x62);
    const withNewline = { value: new TextEncoder().encode('{"a":\n1}') };
    const c = rec(3, 0x63);
    const plan = planPutBatches([a, empty, b, withNewline, c]);
    expect(plan.calls[0]!.entries.map((e) => e.record)).toEqual([a, b, c]);
    expect(plan.rejected.map((r) => r.record)).toEqual([empty, withNewline]);
    expect(plan.rejected[1]!.reason).toMatch(/newline/);
  });

  it('returns no calls for no records', () => {
    expect(planPutBatches([])).toEqual({ calls: [], rejected: [] });
  });

  it('honours smaller limits and refuses limits where a legal record cannot fit a call', () => {
    const limits = { maxRecordsPerCall: 3, maxBytesPerCall: 10, maxRecordBytes: 5 };
    expect(sizes(planPutBatches([rec(4), rec(4), rec(1), rec(1)], limits))).toEqual([2, 2]);
    expect(() => planPutBatches([], { ...limits, maxRecordBytes: 11 })).toThrow(RangeError);
  });
});

describe('frameRecord / rejectionReason', () => {
  it('does not modify the input', () => {
    const value = new Uint8Array([1, 2]);
    expect(Array.from(frameRecord(value))).toEqual([1, 2, 10]);
    expect(Array.from(value)).toEqual([1, 2]);
  });

  it('returns null for a sendable record', () => {
    expect(rejectionReason(new Uint8Array([0x7b, 0x7d]))).toBeNull();
  });
});
