import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { InputStreamFailed, type Assignment, type InputRecord, type OutputMessage, type TransactionFence } from '../../../../src/kafka/processor-io.js';
import { FakeClock } from '../../../../src/base/clock.js';
import type { ChangelogRecord } from '../../../../src/pipeline/processor/changelog.js';
import { CONTROL_KEY, formatEndOfInput } from '../../../../src/contract/control.js';
import type { ProcessorInput, ProcessorStateStore } from '../../../../src/pipeline/processor/kafka-ports.js';
import { parseProcessorRuntimeConfig } from '../../../../src/pipeline/processor/runtime-config.js';
import { ProcessorRuntime } from '../../../../src/pipeline/processor/runtime.js';
import { T0, makeEvent } from './fixtures.js';

/**
 * The runtime loop against a fake Kafka that behaves like one partition of a real cluster: a log,
 * a fetch position, committed offsets and a changelog that only committed transactions reach.
 * Failures are injected; the committed outputs must still count every event exactly once.
 */
const TOPICS = { raw: 'raw', processed: 'processed', late: 'late', dlq: 'dlq', changelog: 'changelog' };

class FakeKafka implements ProcessorInput, ProcessorStateStore {
  readonly log: { key: string | null; value: string | null }[] = [];
  streamEpoch = 0;
  position = 0;
  committed = 0;
  readonly changelog: ChangelogRecord[] = [];
  readonly committedOutputs: OutputMessage[] = [];
  readonly fences: TransactionFence[] = [];
  commitCalls = 0;
  reseeks = 0;
  restoresRead = 0;
  failCommits = new Set<number>();
  /** position → position: a stale fetch moves the client past records once. */
  jumps = new Map<number, number>();
  fenceAtCommit: number | null = null;
  /** position → error thrown once by nextBatch there (a failed fetch stream, a dead member). */
  fetchFailures = new Map<number, Error>();
  starts = 0;
  /** readChangelog calls (1-based) that fail, like a restore during a broker outage. */
  failChangelogReads = new Set<number>();
  /** reseek calls (1-based) that fail, like a member whose cached coordinator died. */
  failReseeks = new Set<number>();

  constructor(records: { key: string | null; value: string | null }[]) {
    this.log.push(...records);
  }

  async start(onAssignment: (assignment: Assignment) => void): Promise<void> {
    this.starts += 1;
    this.position = this.committed;
    onAssignment({ generationId: 1, partitions: [0], memberId: 'member-1' });
  }

  async nextBatch(maxRecords: number): Promise<InputRecord[]> {
    await sleep(1);
    const failure = this.fetchFailures.get(this.position);
    if (failure) {
      this.fetchFailures.delete(this.position);
      throw failure;
    }
    const jump = this.jumps.get(this.position);
    if (jump !== undefined) {
      this.jumps.delete(this.position);
      this.position = jump;
    }
    const batch: InputRecord[] = [];
    while (batch.length < Math.min(maxRecords, 3) && this.position < this.log.length) {
      const { key, value } = this.log[this.position] as { key: string | null; value: string | null };
      batch.push({ partition: 0, offset: BigInt(this.position), key, value, timestampMs: 0, generationId: 1, streamEpoch: this.streamEpoch, handle: null });
      this.position += 1;
    }
    return batch;
  }

  async reseek(): Promise<number> {
    this.reseeks += 1;
    if (this.failReseeks.has(this.reseeks)) throw new Error('joinGroup failed 4 times.');
    this.streamEpoch += 1;
    this.position = this.committed;
    return this.streamEpoch;
  }

  async committedOffsets(partitions: number[]): Promise<Map<number, bigint>> {
    return new Map(partitions.map((p) => [p, BigInt(this.committed)]));
  }

  async commitTransaction(outputs: OutputMessage[], fence: TransactionFence): Promise<void> {
    this.commitCalls += 1;
    if (this.fenceAtCommit === this.commitCalls) throw Object.assign(new Error('fenced'), { apiId: 'PRODUCER_FENCED' });
    if (this.failCommits.has(this.commitCalls)) throw new Error(`injected failure of commit ${this.commitCalls}`);
    this.fences.push(fence);
    this.committedOutputs.push(...outputs);
    for (const o of outputs) if (o.topic === TOPICS.changelog) this.changelog.push({ key: o.key, value: o.value });
    this.committed = Number(fence.offsets.get(0) ?? BigInt(this.committed));
  }

  async close(): Promise<void> {}
  async validate(): Promise<{ inputPartitions: number }> {
    return { inputPartitions: 1 };
  }
  async readChangelog(): Promise<ChangelogRecord[]> {
    this.restoresRead += 1;
    if (this.failChangelogReads.has(this.restoresRead)) throw new Error(`injected failure of changelog read ${this.restoresRead}`);
    return [...this.changelog];
  }
  async inputEndOffsets(): Promise<bigint[]> {
    return [BigInt(this.log.length)];
  }
}

function stream(): { key: string | null; value: string | null }[] {
  const records: { key: string | null; value: string | null }[] = [];
  for (let i = 0; i < 12; i += 1) {
    const event = makeEvent({ seq: i, userId: `u${(i % 3) * 3}`, eventTime: T0 + i * 10_000 });
    records.push({ key: event.userId, value: JSON.stringify(event) });
  }
  records.splice(5, 0, { key: 'u0', value: '{"broken' });
  records.push({ key: CONTROL_KEY, value: formatEndOfInput(T0 + 300_000) });
  return records;
}

async function runToEnd(kafka: FakeKafka): Promise<ProcessorRuntime> {
  const runtime = new ProcessorRuntime({
    config: parseProcessorRuntimeConfig({ core: { windowMs: 60_000, outOfOrdernessMs: 5_000, idleTimeoutMs: 1_000_000 }, maxBatchRecords: 3, maxBatchWaitMs: 5, lagIntervalMs: 1_000_000 }),
    topics: TOPICS,
    ports: { createInput: () => kafka, store: kafka },
    clock: new FakeClock(T0 + 3_600_000),
  });
  await runtime.start();
  for (let i = 0; i < 500 && kafka.committed < kafka.log.length; i += 1) await sleep(5);
  await runtime.stop();
  return runtime;
}

function committedCounts(kafka: FakeKafka): { results: Map<string, number[]>; dlq: number; events: number } {
  const results = new Map<string, number[]>();
  let events = 0;
  for (const o of kafka.committedOutputs.filter((m) => m.topic === TOPICS.processed)) {
    const value = JSON.parse(o.value as string) as { count: number };
    results.set(o.key, [...(results.get(o.key) ?? []), value.count]);
    events += value.count;
  }
  return { results, dlq: kafka.committedOutputs.filter((m) => m.topic === TOPICS.dlq).length, events };
}

describe('ProcessorRuntime against a fake cluster', () => {
  it('commits every record once, fenced by the assignment generation and member', async () => {
    const kafka = new FakeKafka(stream());
    const runtime = await runToEnd(kafka);
    const counts = committedCounts(kafka);
    expect(kafka.committed).toBe(14);
    expect(counts.events).toBe(12);
    expect(counts.dlq).toBe(1);
    expect([...counts.results.values()].every((c) => c.length === 1)).toBe(true);
    expect(kafka.fences.every((f) => f.generationId === 1 && f.memberId === 'member-1')).toBe(true);
    expect(runtime.status).toMatchObject({ state: 'stopped', eventsIn: 14, transactionsAborted: 0, restores: 1 });
  });

  it('after a failed transaction, rebuilds from the changelog and re-reads from the committed offset', async () => {
    const kafka = new FakeKafka(stream());
    kafka.failCommits = new Set([2, 4]);
    const runtime = await runToEnd(kafka);
    const counts = committedCounts(kafka);
    expect(counts.events).toBe(12);
    expect(counts.dlq).toBe(1);
    expect([...counts.results.values()].every((c) => c.length === 1)).toBe(true);
    expect(kafka.restoresRead).toBe(3);
    expect(runtime.status).toMatchObject({ transactionsAborted: 2, restores: 3 });
  });

  it('never applies records after a hole: it re-seeks and reads the skipped ones', async () => {
    const kafka = new FakeKafka(stream());
    kafka.jumps.set(6, 9); // the client skips offsets 6..8 once
    const runtime = await runToEnd(kafka);
    const counts = committedCounts(kafka);
    expect(counts.events).toBe(12);
    expect([...counts.results.values()].every((c) => c.length === 1)).toBe(true);
    expect(runtime.status.reseeks).toBe(1);
  });

  it('re-reads a failed fetch stream on the same group member: no rejoin, no restore', async () => {
    const kafka = new FakeKafka(stream());
    kafka.fetchFailures.set(6, new InputStreamFailed(new Error('fetch failed 4 times.')));
    const runtime = await runToEnd(kafka);
    const counts = committedCounts(kafka);
    expect(counts.events).toBe(12);
    expect([...counts.results.values()].every((c) => c.length === 1)).toBe(true);
    expect(kafka.starts).toBe(1);
    expect(runtime.status).toMatchObject({ restartsInPlace: 0, restores: 1, reseeks: 1 });
  });

  it('restarts in place (a new group member, state restored) after any other input failure', async () => {
    const kafka = new FakeKafka(stream());
    kafka.fetchFailures.set(6, new Error('the group member failed to rejoin'));
    const runtime = await runToEnd(kafka);
    const counts = committedCounts(kafka);
    expect(counts.events).toBe(12);
    expect([...counts.results.values()].every((c) => c.length === 1)).toBe(true);
    expect(kafka.starts).toBe(2);
    expect(runtime.status).toMatchObject({ restartsInPlace: 1, restores: 2 });
  });

  it('retries a failed restore on the same group member, then rebuilds the member', async () => {
    const kafka = new FakeKafka(stream());
    kafka.failCommits = new Set([2, 4]);
    kafka.failChangelogReads = new Set([2, 4, 5, 6]);
    const runtime = await runToEnd(kafka);
    const counts = committedCounts(kafka);
    expect(counts.events).toBe(12);
    expect([...counts.results.values()].every((c) => c.length === 1)).toBe(true);
    // read 2 fails → retried on the member (read 3); the second abort's reads 4, 5 fail → retried twice,
    // read 6 fails → the member is rebuilt (restart in place) and read 7 restores.
    expect(kafka.starts).toBe(2);
    expect(runtime.status).toMatchObject({ restartsInPlace: 1, transactionsAborted: 2 });
  });

  it('rebuilds the member at once when the restore cannot open its stream (no retry on the member)', async () => {
    const kafka = new FakeKafka(stream());
    kafka.failCommits = new Set([2]);
    kafka.failReseeks = new Set([2]); // reseek 1: the first restore; 2: the restore after the abort
    const runtime = await runToEnd(kafka);
    const counts = committedCounts(kafka);
    expect(counts.events).toBe(12);
    expect([...counts.results.values()].every((c) => c.length === 1)).toBe(true);
    expect(kafka.starts).toBe(2);
    // One changelog read per restore: the failed reseek was not retried on the same member.
    expect(kafka.restoresRead).toBe(3);
    expect(runtime.status).toMatchObject({ restartsInPlace: 1, transactionsAborted: 1 });
  });

  it('stops when fenced by a newer instance with its transactional id', async () => {
    const kafka = new FakeKafka(stream());
    kafka.fenceAtCommit = 2;
    const runtime = new ProcessorRuntime({
      config: parseProcessorRuntimeConfig({ maxBatchRecords: 3, maxBatchWaitMs: 5 }),
      topics: TOPICS,
      ports: { createInput: () => kafka, store: kafka },
      clock: new FakeClock(T0),
    });
    await runtime.start();
    const outcome = await runtime.done;
    expect(outcome.state).toBe('fenced');
    expect(runtime.status.state).toBe('fenced');
    expect(kafka.committed).toBe(3);
  });
});
