import { describe, expect, it } from 'vitest';
import { CONTROL_KEY, formatEndOfInput } from '../../../../src/contract/control.js';
import { parseControlRecord } from '../../../../src/pipeline/processor/control.js';
import { ProcessorCore } from '../../../../src/pipeline/processor/core.js';
import { T0, makeEvent, rawRecord, recordOf } from './fixtures.js';

const NOW = T0 + 3_600_000;

describe('control records', () => {
  it('parses the advance-watermark record the runner writes', () => {
    expect(parseControlRecord(CONTROL_KEY, formatEndOfInput(T0 + 90_000))).toEqual({ kind: 'advance-watermark', eventTimeMs: T0 + 90_000 });
    expect(formatEndOfInput(5)).toBe('{"streamproofControl":"advance-watermark","eventTimeMs":5}');
    expect(parseControlRecord(CONTROL_KEY, formatEndOfInput(0))).toEqual({ kind: 'advance-watermark', eventTimeMs: 0 });
    expect(parseControlRecord(CONTROL_KEY, '{"eventTimeMs":1e3,"streamproofControl":"advance-watermark"}')).toEqual({ kind: 'advance-watermark', eventTimeMs: 1000 });
  });

  it('treats look-alikes as ordinary records', () => {
    const good = formatEndOfInput(T0);
    expect(parseControlRecord('u1', good)).toBeNull();
    expect(parseControlRecord(CONTROL_KEY, null)).toBeNull();
    expect(parseControlRecord(CONTROL_KEY, '{"streamproofControl":"advance-watermark"')).toBeNull();
    expect(parseControlRecord(CONTROL_KEY, '{"streamproofControl":"stop","eventTimeMs":1}')).toBeNull();
    expect(parseControlRecord(CONTROL_KEY, '{"streamproofControl":"advance-watermark","eventTimeMs":-1}')).toBeNull();
    expect(parseControlRecord(CONTROL_KEY, '{"streamproofControl":"advance-watermark","eventTimeMs":1.5}')).toBeNull();
    expect(parseControlRecord(CONTROL_KEY, '{"streamproofControl":"advance-watermark","eventTimeMs":1,"x":1}')).toBeNull();
    expect(parseControlRecord(CONTROL_KEY, '[1]')).toBeNull();
  });
});

describe('ProcessorCore with control records', () => {
  function core(): ProcessorCore {
    const c = new ProcessorCore({ windowMs: 60_000, outOfOrdernessMs: 5_000, idleTimeoutMs: 1_000_000 });
    c.assign([0, 1], NOW);
    return c;
  }

  it('is a watermark observation of its partition only: no result, late or DLQ entry of its own', () => {
    const c = core();
    const out = c.processBatch(
      [recordOf(makeEvent({ seq: 1, userId: 'u0', eventTime: T0 + 10 }), 0, 2), rawRecord(0, 1, CONTROL_KEY, formatEndOfInput(T0 + 70_000))],
      NOW,
    );
    expect(out.results).toEqual([]);
    expect(out.late).toEqual([]);
    expect(out.dlq).toEqual([]);
    // Partition 1 has seen nothing, so the instance watermark is still held back.
    expect(c.watermarkMs).toBe(-Infinity);
    expect(out.changelog.map((e) => e.key)).toEqual([`u0|${T0}`, '__wm|0']);
    expect(JSON.parse(out.changelog[1]?.value as string)).toEqual({ v: 1, partition: 0, maxEventTimeMs: T0 + 70_000, watermarkMs: null });
  });

  it('closes every window once each assigned partition has its control record', () => {
    const c = core();
    c.processBatch([recordOf(makeEvent({ seq: 1, userId: 'u0', eventTime: T0 + 10 }), 0, 2), recordOf(makeEvent({ seq: 2, userId: 'u1', eventTime: T0 + 20 }), 0, 2)], NOW);
    const end = T0 + 60_000 + 5_000 + 1_000;
    const out = c.processBatch([rawRecord(0, 1, CONTROL_KEY, formatEndOfInput(end)), rawRecord(1, 1, CONTROL_KEY, formatEndOfInput(end))], NOW);
    expect(out.results.map((r) => [r.key, r.count, r.revision])).toEqual([
      [`u0|${T0}`, 1, 0],
      [`u1|${T0}`, 1, 0],
    ]);
    expect(out.late).toEqual([]);
    expect(out.dlq).toEqual([]);
    expect(c.watermarkMs).toBe(end - 5_000);
    expect(c.openWindowCount).toBe(0);
  });

  it('makes later events for closed windows late, like any watermark', () => {
    const c = core();
    const end = T0 + 120_000;
    c.processBatch([rawRecord(0, 0, CONTROL_KEY, formatEndOfInput(end)), rawRecord(1, 0, CONTROL_KEY, formatEndOfInput(end))], NOW);
    const out = c.process(recordOf(makeEvent({ seq: 3, userId: 'u0', eventTime: T0 + 5 }), 1, 2), NOW);
    expect(out.late.map((l) => l.eventId)).toEqual(['gen-1:3']);
    expect(out.results).toEqual([]);
  });

  it('sends a malformed control-keyed record to the DLQ instead of swallowing it', () => {
    const c = core();
    const out = c.process(rawRecord(0, 0, CONTROL_KEY, '{"streamproofControl":"advance-watermark","eventTimeMs":"soon"}'), NOW);
    expect(out.dlq).toHaveLength(1);
    expect(out.dlq[0]?.reason).toMatch(/^invalid event/);
  });
});
