import { describe, expect, it } from 'vitest';
import { ProcessorCore } from '../../../src/pipeline/processor/core.js';
import { encodeDlqValue, encodeLateValue } from '../../../src/pipeline/processor/outputs.js';
import { parseDlqValue, parseLateValue, parseWindowResult } from '../../../src/verify/records.js';
import type { WindowResult } from '../../../src/pipeline/processor/aggregate.js';
import { classifyEvents } from '../../../src/verify/classify.js';
import { Fingerprint } from '../../../src/verify/fingerprint.js';
import { compareWindowResults, recomputeExpected } from '../../../src/verify/recompute.js';
import { T0, makeEvent } from '../pipeline/processor/fixtures.js';
import { STREAM_CONFIG, STREAM_NOW, STREAM_PARTITIONS, append, makeStream, runBatches } from '../pipeline/processor/stream.js';

const stream = makeStream({ seed: 5, count: 3_000, users: 12, batchSize: 50 });

/** Runs the processor over the whole stream and reads its outputs back through their wire formats. */
function runPipeline(allowedLatenessMs: number) {
  const core = new ProcessorCore({ ...STREAM_CONFIG, allowedLatenessMs });
  core.assign(STREAM_PARTITIONS, STREAM_NOW);
  const outputs = runBatches(core, stream.batches);
  append(outputs, core.drain(STREAM_NOW + 1_000_000));
  return {
    results: outputs.results.map((r) => parseWindowResult(JSON.stringify(r))),
    late: outputs.late.map((r) => parseLateValue(encodeLateValue(r))),
    dlq: outputs.dlq.map((r) => parseDlqValue(encodeDlqValue(r))),
  };
}

const raw = stream.records.map((r) => ({ value: r.value, partition: r.partition, offset: r.offset }));

describe('recompute against the processor (I2)', () => {
  for (const allowedLatenessMs of [0, 20_000]) {
    it(`accounts for every raw event exactly once (lateness ${allowedLatenessMs} ms)`, () => {
      const { results, late, dlq } = runPipeline(allowedLatenessMs);
      const recomputation = recomputeExpected({ windowMs: STREAM_CONFIG.windowMs, raw, late, dlq });
      const comparison = compareWindowResults(recomputation.expected, results);
      expect(comparison.mismatched).toEqual([]);
      expect(comparison.missing).toEqual([]);
      expect(comparison.unexpected).toEqual([]);
      expect(comparison.conflicts).toEqual([]);
      expect(comparison.matched).toHaveLength(new Set(results.map((r) => r.key)).size);

      const classification = classifyEvents(recomputation, comparison);
      expect(classification.problems).toEqual([]);
      expect(classification.ok).toBe(true);
      const { counts } = classification;
      expect(counts.result + counts.late + counts.dlq).toBe(stream.records.length);
      expect([counts.none, counts.multiple, counts.unverified]).toEqual([0, 0, 0]);
      expect(counts.late).toBe(late.length);
      expect(counts.dlq).toBe(dlq.length);
      expect(counts.late).toBeGreaterThan(10);
      expect(counts.dlq).toBeGreaterThan(10);
      expect(dlq.some((r) => r.generatorId === null)).toBe(true); // matched by position instead
      const lateIds = new Set(late.map((r) => r.eventId));
      for (const event of stream.events) {
        expect(classification.categoryOf(event)).toBe(lateIds.has(event.eventId) ? 'late' : 'result');
      }
    });
  }

  it('accepts parsed events as well as value strings', () => {
    const { results, late, dlq } = runPipeline(0);
    // stream.events holds only the valid events (the malformed ones are what the DLQ has).
    const fromEvents = recomputeExpected({ windowMs: 60_000, raw: stream.events, late, dlq: [] });
    const fromRaw = recomputeExpected({ windowMs: 60_000, raw, late, dlq });
    expect([...fromEvents.expected.keys()].sort()).toEqual([...fromRaw.expected.keys()].sort());
    for (const [key, fingerprint] of fromRaw.expected) expect(fromEvents.expected.get(key)?.equals(fingerprint), key).toBe(true);
    expect(compareWindowResults(fromEvents.expected, results).mismatched).toEqual([]);
  });
});

describe('compareWindowResults', () => {
  const fp = (...ids: string[]) => Fingerprint.of(ids);
  const result = (key: string, revision: number, fingerprint: Fingerprint) => ({ key, revision, fingerprint: fingerprint.toJSON() });

  it('uses the highest revision per key and ignores identical re-reads', () => {
    const expected = new Map([['u|0', fp('g:1', 'g:2')]]);
    const comparison = compareWindowResults(expected, [
      result('u|0', 1, fp('g:1', 'g:2')),
      result('u|0', 0, fp('g:1')),
      result('u|0', 1, fp('g:1', 'g:2')),
    ]);
    expect(comparison.matched).toEqual(['u|0']);
    expect(comparison.conflicts).toEqual([]);
  });

  it('reports mismatched, missing, unexpected and conflicting windows', () => {
    const expected = new Map([
      ['a|0', fp('g:1')],
      ['b|0', fp('g:2')],
      ['c|0', fp('g:3')],
    ]);
    const comparison = compareWindowResults(expected, [
      result('a|0', 0, fp('g:9')),
      result('c|0', 2, fp('g:3')),
      result('c|0', 2, fp('g:3', 'g:4')),
      result('d|0', 0, fp('g:5')),
    ]);
    expect(comparison.matched).toEqual([]);
    expect(comparison.mismatched.map((m) => m.key).sort()).toEqual(['a|0', 'c|0']);
    expect(comparison.mismatched.find((m) => m.key === 'a|0')).toEqual({ key: 'a|0', revision: 0, expected: fp('g:1').toJSON(), actual: fp('g:9').toJSON() });
    expect(comparison.missing).toEqual([{ key: 'b|0', expected: fp('g:2').toJSON() }]);
    expect(comparison.unexpected).toEqual([{ key: 'd|0', revision: 0, actual: fp('g:5').toJSON() }]);
    // Of two results at one revision the later is final (what a compacted topic keeps).
    expect(comparison.conflicts).toEqual([{ key: 'c|0', revision: 2, fingerprints: [fp('g:3', 'g:4').toJSON(), fp('g:3').toJSON()] }]);
    expect(comparison.final.get('c|0')?.equals(fp('g:3', 'g:4'))).toBe(true);
    const backAgain = compareWindowResults(expected, [result('c|0', 2, fp('g:3')), result('c|0', 2, fp('g:3', 'g:4')), result('c|0', 2, fp('g:3'))]);
    expect(backAgain.final.get('c|0')?.equals(fp('g:3'))).toBe(true);
    expect(backAgain.conflicts[0]?.fingerprints).toHaveLength(2);
  });
});

describe('classifyEvents finds violations', () => {
  const e = (seq: number, userId = 'u0', eventTime = T0) => makeEvent({ seq, userId, eventTime });
  const window = `u0|${T0}`;
  const asResult = (key: string, ids: string[], revision = 0): Pick<WindowResult, 'key' | 'revision' | 'fingerprint'> => ({
    key,
    revision,
    fingerprint: Fingerprint.of(ids).toJSON(),
  });
  const identity = (seq: number) => ({ generatorId: 'gen-1', seq });

  function classify(options: { raw: unknown[]; late?: { generatorId: string | null; seq: number | null }[]; dlq?: { generatorId: string | null; seq: number | null; sourcePartition?: number; sourceOffset?: string }[]; results: Pick<WindowResult, 'key' | 'revision' | 'fingerprint'>[] }) {
    const recomputation = recomputeExpected({ windowMs: 60_000, raw: options.raw as never, late: options.late ?? [], dlq: options.dlq ?? [] });
    const comparison = compareWindowResults(recomputation.expected, options.results);
    return classifyEvents(recomputation, comparison);
  }

  it('a window with no result leaves its events in none', () => {
    const c = classify({ raw: [e(1), e(2), e(3, 'u1')], results: [asResult(`u1|${T0}`, ['gen-1:3'])] });
    expect(c.counts).toEqual({ result: 1, late: 0, dlq: 0, none: 2, multiple: 0, unverified: 0 });
    expect(c.ok).toBe(false);
    expect(c.categoryOf(e(1))).toBe('none');
  });

  it('a result missing one event makes its window unverified', () => {
    const c = classify({ raw: [e(1), e(2)], results: [asResult(window, ['gen-1:1'])] });
    expect(c.counts.unverified).toBe(2);
    expect(c.problems).toEqual(['2 raw-events records are in windows whose result does not match']);
  });

  it('an event both counted and sent to late-events is multiple; the others stay result', () => {
    const c = classify({ raw: [e(1), e(2), e(3)], late: [identity(3)], results: [asResult(window, ['gen-1:1', 'gen-1:2', 'gen-1:3'])] });
    expect(c.counts).toEqual({ result: 2, late: 0, dlq: 0, none: 0, multiple: 1, unverified: 0 });
    expect(c.categoryOf(e(3))).toBe('multiple');
    expect(c.categoryOf(e(1))).toBe('result');
  });

  it('an event in both sinks, or twice in one sink, is multiple', () => {
    const c = classify({ raw: [e(1), e(2), e(3)], late: [identity(1), identity(2), identity(2)], dlq: [identity(1)], results: [asResult(window, ['gen-1:3'])] });
    expect(c.counts).toEqual({ result: 1, late: 0, dlq: 0, none: 0, multiple: 2, unverified: 0 });
    expect(c.categoryOf(e(2))).toBe('multiple');
  });

  it('reports sink identities never ingested, raw duplicates and unmatched anonymous DLQ records', () => {
    const c = classify({
      raw: [e(1), e(1), { value: 'garbage', partition: 0, offset: 7 }],
      late: [identity(99)],
      dlq: [{ generatorId: null, seq: null, sourcePartition: 0, sourceOffset: '7' }, { generatorId: null, seq: null, sourcePartition: 0, sourceOffset: '8' }],
      results: [asResult(window, ['gen-1:1', 'gen-1:1'])],
    });
    expect(c.counts).toEqual({ result: 2, late: 0, dlq: 1, none: 0, multiple: 0, unverified: 0 });
    expect(c.duplicatesIngested).toBe(1);
    expect(c.phantom).toEqual({ late: 1, dlq: 0 });
    expect(c.unmatchedDlq).toBe(1);
    expect(c.ok).toBe(false);
  });

  it('an invalid raw record in no sink is none; in the DLQ by identity it is dlq', () => {
    const bad = JSON.stringify({ ...e(5), type: 'teleport' });
    const c = classify({ raw: [bad, JSON.stringify({ ...e(6), type: 'teleport' })], dlq: [identity(5)], results: [] });
    expect(c.counts).toEqual({ result: 0, late: 0, dlq: 1, none: 1, multiple: 0, unverified: 0 });
  });
});
