import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../../src/base/errors.js';
import type { EntryOutcome, FirehosePutPort, PutBatchOutcome, SourceRecord } from '../../../../src/base/delivery-ports.js';
import { DeliverySink, type DeliverySinkOptions } from '../../../../src/pipeline/delivery/sink.js';
import type { DeliveryRecorder } from '../../../../src/pipeline/delivery/stats.js';

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const record = (s: string, visibleAtMs = 1_000): SourceRecord => ({ value: new TextEncoder().encode(s), visibleAtMs });

/** A scripted Firehose port (our own interface, not AWS): answers in order, records every call. */
function scriptedFirehose(script: ((records: readonly Uint8Array[]) => PutBatchOutcome)[]) {
  const calls: string[][] = [];
  const port: FirehosePutPort = {
    target: 'http://firehose.test',
    async putBatch(_stream, records) {
      calls.push(records.map(text));
      const next = script.shift();
      return next ? next(records) : { kind: 'response', entries: records.map(() => ({ ok: true })) };
    },
  };
  return { port, calls };
}

const allOk = (records: readonly Uint8Array[]): PutBatchOutcome => ({ kind: 'response', entries: records.map(() => ({ ok: true })) });

function harness(script: ((records: readonly Uint8Array[]) => PutBatchOutcome)[], extra: Partial<DeliverySinkOptions<SourceRecord>> = {}) {
  const firehose = scriptedFirehose(script);
  const committed: string[][] = [];
  const dlq: [string, string][] = [];
  const sleeps: number[] = [];
  const resent: { records: string[]; ambiguous: boolean; failure: string }[] = [];
  const accepted: { records: string[]; atMs: number }[] = [];
  let nowMs = 50_000;
  const recorder: DeliveryRecorder = {
    recordsResent: (records, retry) => resent.push({ records: records.map((r) => text(r.value)), ambiguous: retry.ambiguous, failure: retry.failure }),
    recordsAccepted: (records, atMs) => accepted.push({ records: records.map((r) => text(r.value)), atMs }),
  };
  const sink = new DeliverySink<SourceRecord>({
    streamName: 'results',
    source: { poll: async () => [], commit: async (records) => void committed.push(records.map((r) => text(r.value))) },
    firehose: firehose.port,
    dlq: { send: async (r, reason) => void dlq.push([text(r.value), reason]) },
    clock: { epochMs: () => nowMs, monoMs: () => nowMs },
    sleep: async (ms) => {
      sleeps.push(ms);
      nowMs += ms;
    },
    random: () => 0.5,
    recorder,
    ...extra,
  });
  return { sink, calls: firehose.calls, committed, dlq, sleeps, resent, accepted };
}

describe('DeliverySink.deliver', () => {
  it('puts NDJSON lines and commits once everything is accepted', async () => {
    const h = harness([allOk]);
    await h.sink.deliver([record('{"a":1}'), record('{"b":2}')]);
    expect(h.calls).toEqual([['{"a":1}\n', '{"b":2}\n']]);
    expect(h.committed).toEqual([['{"a":1}', '{"b":2}']]);
    expect(h.accepted).toEqual([{ records: ['{"a":1}', '{"b":2}'], atMs: 50_000 }]);
    expect(h.sink.stats()).toMatchObject({ recordsPut: 2, calls: 1, recordsRetried: 0, duplicateRiskRecords: 0, recordsCommitted: 2 });
  });

  it('re-sends exactly the failed entries of a partial failure, without duplicate risk', async () => {
    const partial = (records: readonly Uint8Array[]): PutBatchOutcome => ({
      kind: 'response',
      entries: records.map((_, i): EntryOutcome => (i === 1 || i === 3 ? { ok: false, errorCode: 'ServiceUnavailableException' } : { ok: true })),
    });
    const h = harness([partial]);
    await h.sink.deliver(['r0', 'r1', 'r2', 'r3', 'r4'].map((s) => record(s)));
    expect(h.calls).toEqual([['r0\n', 'r1\n', 'r2\n', 'r3\n', 'r4\n'], ['r1\n', 'r3\n']]);
    expect(h.resent).toEqual([{ records: ['r1', 'r3'], ambiguous: false, failure: 'throttled' }]);
    expect(h.sleeps).toEqual([50]); // 0.5 · min(5000, 100 · 2^0)
    expect(h.committed).toHaveLength(1);
    expect(h.sink.stats()).toMatchObject({ recordsPut: 5, recordsFailed: 2, recordsRetried: 2, duplicateRiskRecords: 0, partialCalls: 1, calls: 2 });
  });

  it('counts duplicate risk when a call fails ambiguously, and not when the endpoint was unreachable', async () => {
    const reset = (): PutBatchOutcome => ({ kind: 'error', error: { name: 'TimeoutError', message: 'socket hang up', networkCode: 'ECONNRESET' } });
    const refused = (): PutBatchOutcome => ({ kind: 'error', error: { name: 'Error', message: 'connect ECONNREFUSED', networkCode: 'ECONNREFUSED' } });
    const h = harness([refused, reset]);
    await h.sink.deliver([record('x'), record('y')]);
    expect(h.calls).toEqual([['x\n', 'y\n'], ['x\n', 'y\n'], ['x\n', 'y\n']]);
    expect(h.resent.map((r) => [r.failure, r.ambiguous])).toEqual([['unreachable', false], ['network', true]]);
    expect(h.sleeps).toEqual([50, 100]);
    expect(h.sink.stats()).toMatchObject({ recordsRetried: 4, duplicateRiskRecords: 2, failedCalls: 2, recordsPut: 2 });
  });

  it('treats an answer with the wrong number of entries as an ambiguous failure of the whole call', async () => {
    const h = harness([() => ({ kind: 'response', entries: [{ ok: true }] })]);
    await h.sink.deliver([record('x'), record('y')]);
    expect(h.calls).toHaveLength(2);
    expect(h.sink.stats().duplicateRiskRecords).toBe(2);
  });

  it('stops on a rejected call without committing', async () => {
    const h = harness([() => ({ kind: 'error', error: { name: 'InvalidArgumentException', message: 'bad', httpStatus: 400 } })]);
    const failure = await h.sink.deliver([record('x')]).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StreamproofError);
    expect((failure as StreamproofError).code).toBe(ERROR_CODES.DELIVERY_FAILED);
    expect((failure as StreamproofError).message).toContain('http://firehose.test');
    expect(h.committed).toEqual([]);
  });

  it('reports a missing stream clearly when it has no way to re-create it', async () => {
    const missing = (): PutBatchOutcome => ({ kind: 'error', error: { name: 'ResourceNotFoundException', message: 'not found', httpStatus: 400 } });
    const h = harness([missing]);
    const failure = (await h.sink.deliver([record('x')]).catch((e: unknown) => e)) as StreamproofError;
    expect(failure.code).toBe(ERROR_CODES.DELIVERY_FAILED);
    expect(failure.message).toContain('found no delivery stream');
    expect(failure.hint).toContain('npm run stack -- status');
    expect(h.committed).toEqual([]);
  });

  it('re-creates a missing stream through the hook, then delivers', async () => {
    const missing = (): PutBatchOutcome => ({ kind: 'error', error: { name: 'ResourceNotFoundException', message: 'not found', httpStatus: 400 } });
    const recreated: string[] = [];
    const h = harness([missing], { onStreamMissing: async (name) => void recreated.push(name) });
    await h.sink.deliver([record('x')]);
    expect(recreated).toEqual(['results']);
    expect(h.committed).toEqual([['x']]);
    expect(h.sink.stats()).toMatchObject({ streamRecoveries: 1, duplicateRiskRecords: 0 });
  });

  it('gives up when the retry budget is spent, without committing', async () => {
    const throttled = (): PutBatchOutcome => ({ kind: 'error', error: { name: 'ServiceUnavailableException', message: 'slow', httpStatus: 503 } });
    const h = harness([throttled, throttled, throttled], { retry: { maxAttempts: 3 } });
    const failure = (await h.sink.deliver([record('x')]).catch((e: unknown) => e)) as StreamproofError;
    expect(failure.message).toContain('still failing after 3 calls (throttled)');
    expect(h.calls).toHaveLength(3);
    expect(h.committed).toEqual([]);
  });

  it('dead-letters records Firehose cannot take and commits them with the rest', async () => {
    const h = harness([allOk], { limits: { maxRecordsPerCall: 500, maxBytesPerCall: 100, maxRecordBytes: 5 } });
    await h.sink.deliver([record('ok'), record('toolong'), record('ok2')]);
    expect(h.dlq).toEqual([['toolong', 'record is 8 bytes with its newline; Firehose accepts at most 5 bytes per record']]);
    expect(h.calls).toEqual([['ok\n', 'ok2\n']]);
    expect(h.committed).toEqual([['ok', 'toolong', 'ok2']]);
    expect(h.sink.stats()).toMatchObject({ recordsDeadLettered: 1, recordsPut: 2, recordsCommitted: 3 });
  });

  it('splits a poll into several calls and commits once after the last', async () => {
    const h = harness([], { limits: { maxRecordsPerCall: 2, maxBytesPerCall: 100, maxRecordBytes: 50 } });
    await h.sink.deliver(['a', 'b', 'c'].map((s) => record(s)));
    expect(h.calls).toEqual([['a\n', 'b\n'], ['c\n']]);
    expect(h.committed).toEqual([['a', 'b', 'c']]);
  });
});

describe('DeliverySink.run', () => {
  it('stops at an abort during backoff and leaves the batch uncommitted', async () => {
    const controller = new AbortController();
    const refused = (): PutBatchOutcome => ({ kind: 'error', error: { name: 'Error', message: 'refused', networkCode: 'ECONNREFUSED' } });
    const committed: number[] = [];
    let polls = 0;
    const sink = new DeliverySink({
      streamName: 's',
      source: {
        poll: async () => (polls++ === 0 ? [record('x')] : []),
        commit: async (records) => void committed.push(records.length),
      },
      firehose: scriptedFirehose([refused]).port,
      dlq: { send: async () => undefined },
      clock: { epochMs: () => 0, monoMs: () => 0 },
      sleep: async () => controller.abort(),
      random: () => 0,
    });
    const stats = await sink.run(controller.signal);
    expect(committed).toEqual([]);
    expect(stats).toMatchObject({ recordsPolled: 1, calls: 1, recordsCommitted: 0, recordsRetried: 0 });
  });
});
