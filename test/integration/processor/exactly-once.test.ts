import { afterAll, describe, expect, it } from 'vitest';
import { createProcessorRuntime } from '../../../src/pipeline/processor/create.js';
import type { ProcessorRuntime } from '../../../src/pipeline/processor/runtime.js';
import { deleteTopics, endpoints } from '../support.js';
import { checkRun, describeCheck, freshProcessorTopology, loadStream, sendEndOfInput, waitUntilCommitted } from './support.js';

/**
 * Issue 4 acceptance, in-process: two processor instances (one joins while the other is already
 * busy, so a rebalance and a changelog restore happen mid-stream) on the real 3-broker stack.
 * The stream is pre-loaded with out-of-order, late and malformed events; after the end-of-input
 * control records, every raw-events record must be in exactly one of: a window result whose
 * fingerprint equals the one recomputed by src/verify, late-events, the DLQ; no result key twice.
 */
const stack = await endpoints();
const created: string[] = [];
const running: ProcessorRuntime[] = [];
afterAll(async () => {
  await Promise.all(running.map((r) => r.stop()));
  await deleteTopics(stack, created);
});

const WINDOW_MS = 5_000;
const CORE = { windowMs: WINDOW_MS, outOfOrdernessMs: 2_000, allowedLatenessMs: 0, idleTimeoutMs: 10_000 };
const START_EPOCH_MS = 1_700_000_000_000;

describe('processor exactly-once (2 in-process instances)', () => {
  it('results equal the recomputation; every event in exactly one of result / late / DLQ; no key emitted twice', { timeout: 180_000 }, async () => {
    const topology = await freshProcessorTopology(stack, 'proc-eos');
    created.push(...topology.topics.map((t) => t.name));
    const prefix = topology.names.raw.slice(0, -'raw-events'.length);
    const loaded = await loadStream(
      stack,
      topology.names.raw,
      {
        generatorId: 'it-proc-eos',
        seed: 4,
        users: 2_000,
        keyDistribution: { kind: 'zipf', skew: 1.1 },
        outOfOrderFraction: 0.05,
        outOfOrderMaxMs: 1_500,
        lateFraction: 0.01,
        lateDelayMs: 30_000,
        malformedFraction: 0.005,
      },
      { count: 24_000, startEpochMs: START_EPOCH_MS, spacingMs: 2 },
    );

    const logs: string[] = [];
    const start = async (index: number) => {
      const runtime = createProcessorRuntime({
        kafka: stack.kafka,
        config: { topicPrefix: prefix, instanceIndex: index, core: CORE, maxBatchRecords: 1_000 },
        log: (line) => logs.push(`[${index}] ${line}`),
      });
      running.push(runtime);
      await runtime.start();
      return runtime;
    };
    const first = await start(0);
    // Let the first instance get going on all partitions, then join a second one.
    while (first.status.eventsIn < 3_000) await new Promise((r) => setTimeout(r, 100));
    const second = await start(1);

    await sendEndOfInput(stack, topology.names.raw, 12, loaded.maxEventTimeMs + WINDOW_MS + CORE.outOfOrdernessMs + 1_000);
    await waitUntilCommitted(stack, `${prefix}processor`, topology.names.raw, 12, { timeoutMs: 120_000 });
    const statuses = [first.status, second.status];
    await Promise.all(running.splice(0).map((r) => r.stop()));

    const check = await checkRun(stack, topology, WINDOW_MS);
    console.log(`exactly-once: ${describeCheck(check)}\n  instances: ${statuses.map((s) => JSON.stringify({ in: s.eventsIn, txns: s.transactionsCommitted, aborted: s.transactionsAborted, restores: s.restores, reseeks: s.reseeks })).join(' ')}\n  ${logs.join('\n  ')}`);

    expect(check.raw).toBe(loaded.records);
    expect(check.control).toBe(12);
    // The stream exercised every path.
    expect(check.late).toBeGreaterThan(0);
    expect(check.dlq).toBe(loaded.malformed);
    expect(statuses[1]?.eventsIn).toBeGreaterThan(0);
    expect(statuses.reduce((n, s) => n + s.restores, 0)).toBeGreaterThanOrEqual(3);
    // I2: fingerprints equal the recomputation, and every record is in exactly one place.
    expect(check.comparison.mismatched).toEqual([]);
    expect(check.comparison.missing).toEqual([]);
    expect(check.comparison.unexpected).toEqual([]);
    expect(check.comparison.conflicts).toEqual([]);
    expect(check.classification.problems).toEqual([]);
    expect(check.classification.counts.result + check.classification.counts.late + check.classification.counts.dlq).toBe(loaded.records);
    expect(check.classification.counts.late).toBe(check.late);
    // Allowed lateness 0: every window is emitted exactly once.
    expect(check.keysEmittedMoreThanOnce).toEqual([]);
  });
});
