import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { readTopicToEnd } from '../../../src/kafka/topic-reader.js';
import { parseWindowResult } from '../../../src/verify/records.js';
import type { StackEndpoints } from '../../../src/base/endpoints.js';
import { endpoints } from '../support.js';
import { checkRun, describeCheck, freshProcessorTopology, startFlinkFleet, sendEndOfInput, waitUntilCommitted, jvmProcessorTestLifecycle } from './support.js';

/**
 * Flink does not checkpoint watermarks: after a restore its window operator starts at
 * Long.MIN_VALUE, so an event of a window that had fired and been purged before the checkpoint
 * would open that window again and fire a second revision 0 (seen once in a crash test under
 * load: two committed rev-0 results for one key). This plays that case on purpose: a window
 * fires, its result commits, the JVM is SIGKILLed, a late event of that window is written, and
 * the JVM restarts from its checkpoint. The late event must go to late-events, with a watermark
 * that proves it late, and the window must have exactly one result.
 */
const stack = await endpoints();
const ctx = jvmProcessorTestLifecycle(stack);

const WINDOW_MS = 2_000;
const WINDOWING = { windowMs: WINDOW_MS, outOfOrdernessMs: 500, allowedLatenessMs: 0, idleTimeoutMs: 10_000, maxEventTimeAheadMs: null };

let seq = 0;
function eventJson(userId: string, eventTime: number): string {
  seq += 1;
  return JSON.stringify({
    schemaVersion: 1,
    eventId: `it-flink-restore:${seq}`,
    generatorId: 'it-flink-restore',
    seq,
    userId,
    sessionId: `${userId}-s1`,
    type: 'page_view',
    page: '/home',
    device: 'desktop',
    country: 'DE',
    value: null,
    eventTime,
    intendedAt: eventTime,
  });
}

async function send(topic: string, records: { partition: number; userId: string; eventTime: number }[]): Promise<void> {
  const producer = new BatchingProducer(stack.kafka, { clientId: 'it-flink-restore' });
  try {
    await producer.connect();
    // One at a time: the order within a partition is the point of the test.
    for (const r of records) await producer.sendToPartition(topic, r.partition, r.userId, eventJson(r.userId, r.eventTime));
  } finally {
    await producer.close();
  }
}

/** Resolves once every key in `keys` has a result committed (read_committed) in processed-events. */
async function untilResultsCommitted(s: StackEndpoints, topic: string, keys: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = new Set<string>();
    await readTopicToEnd(s.kafka, topic, { readCommitted: true, onRecord: (r) => seen.add(parseWindowResult(r.value as string).key) });
    if (keys.every((k) => seen.has(k))) return;
    if (Date.now() > deadline) throw new Error(`results for ${keys.filter((k) => !seen.has(k)).join(', ')} not committed within ${timeoutMs} ms`);
    await sleep(500);
  }
}

describe('flink processor restore (watermark not checkpointed by Flink)', () => {
  it('an event of a window purged before the checkpoint is late after the restore, not a second revision 0', { timeout: 300_000 }, async () => {
    const topology = await freshProcessorTopology(stack, 'flink-restore', 2);
    ctx.created.push(...topology.topics.map((t) => t.name));
    const { names } = topology;
    const applicationId = `${names.raw.slice(0, -'raw-events'.length)}flink`;
    ctx.stateDir = join(tmpdir(), `it-flink-restore-${applicationId}`);
    ctx.fleet = await startFlinkFleet({ stack, build: ctx.build, names, applicationId, stateDir: ctx.stateDir, windowing: WINDOWING, heapMb: 512 });
    const f = ctx.fleet;
    const s = Math.floor((Date.now() - 60_000) / WINDOW_MS) * WINDOW_MS;
    // Window [s, s+2000) on both partitions, then events 5 s on: every partition's watermark
    // (max − 500 − 1) passes the window's end, so it fires and is purged (allowed lateness 0).
    await send(names.raw, [
      { partition: 0, userId: 'u-a', eventTime: s + 100 },
      { partition: 0, userId: 'u-a', eventTime: s + 200 },
      { partition: 1, userId: 'u-b', eventTime: s + 300 },
      { partition: 0, userId: 'u-c', eventTime: s + 5_000 },
      { partition: 1, userId: 'u-d', eventTime: s + 5_000 },
    ]);
    // Committed means a checkpoint completed after the firing: the restore point has the window purged.
    await untilResultsCommitted(stack, names.processed, [`u-a|${s}`, `u-b|${s}`], 120_000);
    await sleep(2_000); // one more checkpoint, so the restore is not from the one that fired
    f.kill(0);
    // Written while the job is down: the first records the restored job reads.
    await send(names.raw, [
      { partition: 0, userId: 'u-a', eventTime: s + 150 },
      { partition: 1, userId: 'u-b', eventTime: s + 350 },
      { partition: 0, userId: 'u-c', eventTime: s + 7_000 },
      { partition: 1, userId: 'u-d', eventTime: s + 7_000 },
    ]);
    await f.restart(0);
    const restored = f.lastLine(0, 'submitted');
    await sendEndOfInput(stack, names.raw, 2, s + 20_000);
    await waitUntilCommitted(stack, applicationId, names.raw, 2, { timeoutMs: 120_000, onPoll: () => f.assertHealthy() });
    await f.stop();
    ctx.fleet = null;

    const check = await checkRun(stack, topology, WINDOW_MS);
    console.log(`flink restore: ${describeCheck(check)}; restored from ${String(restored?.restoredFrom)}`);
    expect(String(restored?.restoredFrom)).toMatch(/chk-\d+$/);
    expect(check.keysEmittedMoreThanOnce).toEqual([]);
    expect(check.late).toBe(2);
    expect(check.comparison.mismatched).toEqual([]);
    expect(check.comparison.unexpected).toEqual([]);
    expect(check.comparison.conflicts).toEqual([]);
    expect(check.classification.problems).toEqual([]);
    expect(check.classification.counts.result + check.classification.counts.late).toBe(9);
  });
});
