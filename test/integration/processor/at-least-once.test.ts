import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { readTopicToEnd } from '../../../src/kafka/topic-reader.js';
import { startProcessors, type ProcessorFleet } from '../../../src/pipeline/processor/supervisor.js';
import { describeVerdict } from '../../../src/verify/verdict.js';
import { verifyRun } from '../../../src/verify/verifier.js';
import { deleteTopics, endpoints } from '../support.js';
import { crashWorkload, freshProcessorTopology, runRealtimeLoad, sendEndOfInput, waitUntilCommitted } from './support.js';

/**
 * The negative control (issue 14): the built-in processor with `guarantee: at-least-once` runs the
 * same loop without transactions — outputs and changelog sent, then the offsets committed. Processor
 * 0 holds its 15th batch after the sends are acknowledged and before the offset commit, and is
 * SIGKILLed there; restarted, it (or the other instance) reads that batch again on top of the state
 * the changelog already holds. The verifier must report the duplicates, and their number must be
 * exactly what this test counts on its own from the topics: every counting beyond one per raw
 * record = Σ final result counts + late-events records + DLQ records − raw-events records.
 * (The same workload in exactly-once mode shows 0: crash.test.ts.)
 */
const stack = await endpoints();
const created: string[] = [];
let fleet: ProcessorFleet | null = null;
afterAll(async () => {
  await fleet?.stop();
  await deleteTopics(stack, created);
});

const WINDOW_MS = 2_000;
const CORE = { windowMs: WINDOW_MS, outOfOrdernessMs: 500, allowedLatenessMs: 0, idleTimeoutMs: 10_000 };

/** From the topics alone, no verifier code: how many countings the outputs hold beyond one per raw record. */
async function countExtraCountings(topology: Awaited<ReturnType<typeof freshProcessorTopology>>): Promise<{ extra: number; raw: number; counted: number; keysTwice: number }> {
  let raw = 0;
  await readTopicToEnd(stack.kafka, topology.names.raw, { readCommitted: false, onRecord: (r) => (r.key === '__control' ? undefined : (raw += 1)) });
  let sinks = 0;
  for (const topic of [topology.names.late, topology.names.dlq]) {
    await readTopicToEnd(stack.kafka, topic, { readCommitted: false, onRecord: () => (sinks += 1) });
  }
  // The final result of a key is its highest revision (revisions are 0 here: allowed lateness 0).
  const finalCount = new Map<string, { revision: number; count: number }>();
  let keysTwice = 0;
  await readTopicToEnd(stack.kafka, topology.names.processed, {
    readCommitted: false,
    onRecord: (r) => {
      const { revision, count } = JSON.parse(r.value as string) as { revision: number; count: number };
      const previous = finalCount.get(r.key as string);
      if (previous) keysTwice += 1;
      if (!previous || revision >= previous.revision) finalCount.set(r.key as string, { revision, count });
    },
  });
  const counted = [...finalCount.values()].reduce((sum, r) => sum + r.count, 0) + sinks;
  return { extra: counted - raw, raw, counted, keysTwice };
}

describe('at-least-once processor (the negative control)', () => {
  it('SIGKILL between the acknowledged sends and the offset commit: duplicates, reported with their exact count', { timeout: 240_000 }, async () => {
    const topology = await freshProcessorTopology(stack, 'proc-alo');
    created.push(...topology.topics.map((t) => t.name));
    const prefix = topology.names.raw.slice(0, -'raw-events'.length);
    const logDir = await mkdtemp(join(tmpdir(), 'it-proc-alo-'));
    const config = {
      processor: { topicPrefix: prefix, guarantee: 'at-least-once' as const, core: CORE, maxBatchRecords: 500, sessionTimeoutMs: 6_000 },
      statusIntervalMs: 1_000,
    };
    fleet = await startProcessors({
      count: 2,
      logDir,
      // Processor 0 holds its 15th batch: outputs sent and acknowledged, offsets not committed.
      config: { ...config, debug: { holdTransactionMs: 60_000, holdAtTransaction: 15, holdInstance: 0 } },
    });
    const f = fleet;
    const load = runRealtimeLoad(stack, topology.names.raw, crashWorkload('it-proc-alo', 14), { ratePerS: 800, durationMs: 25_000 });

    const held = (await f.waitForLine(0, (line) => line.type === 'txn' && line.holdMs !== undefined, 60_000)) as { records: number; outputs: number };
    expect(held).toMatchObject({ type: 'txn', phase: 'prepared' });
    expect(held.records).toBeGreaterThan(0);
    f.kill(0, 'SIGKILL');
    expect(await f.exited(0)).toEqual({ code: null, signal: 'SIGKILL' });
    await sleep(2_000);
    await f.restart(0, { config });

    const loaded = await load;
    await sendEndOfInput(stack, topology.names.raw, 12, loaded.maxEventTimeMs + WINDOW_MS + CORE.outOfOrdernessMs + 1_000);
    await waitUntilCommitted(stack, f.groupId, topology.names.raw, 12, { timeoutMs: 120_000, onPoll: () => f.assertHealthy() });
    await f.stop();
    fleet = null;

    const report = await verifyRun({
      endpoints: stack,
      topology: { names: topology.names, delivery: topology.delivery },
      ledger: null,
      windowMs: WINDOW_MS,
      settings: { outOfOrdernessMs: CORE.outOfOrdernessMs, allowedLatenessMs: 0, idleTimeoutMs: CORE.idleTimeoutMs, maxEventTimeAheadMs: null },
      delivery: false,
      readTimeoutMs: 60_000,
    });
    const independent = await countExtraCountings(topology);
    const i2 = report.verdict.invariants.find((inv) => inv.id === 'I2');
    const { revisionConflicts, emittedMoreThanOnce, overCounted, extraCountings } = i2?.counts ?? {};
    console.log(`at-least-once: held batch of ${held.records} records (${held.outputs} outputs); independent count ${JSON.stringify(independent)}; verifier counters ${JSON.stringify(report.counters)}; I2 ${JSON.stringify({ revisionConflicts, emittedMoreThanOnce, overCounted, extraCountings })}\n${describeVerdict(report.verdict).join('\n')}\n  logs: ${logDir}`);

    expect(independent.raw).toBe(loaded.records);
    // Duplicates, and exactly the number counted from the topics; nothing lost.
    expect(independent.extra).toBeGreaterThan(0);
    expect(report.counters.duplicated).toBe(independent.extra);
    expect(report.counters.lost).toBe(0);
    expect(report.verdict.pass).toBe(false);
    // Output without transactions is visible to read_committed as it is written: nothing counts as aborted.
    expect(i2?.counts.abortedResults).toBe(0);
    expect(report.pendingTransactions).toEqual([]);
  });
});
