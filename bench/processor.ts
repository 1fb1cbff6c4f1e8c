/**
 * Maximum sustained throughput of the exactly-once processor (issue 4), on the running stack.
 * Prints figures; asserts nothing (timings are not tests).
 *
 *   npm run bench:processor [-- <events> [<payloadBytes>]]      (default 200000 events of 256 B)
 *
 * raw-events (12 partitions) is pre-loaded once with a generated stream (zipf users, 5 % out of
 * order, 0.5 % late, 0.1 % malformed) plus the end-of-input control records. Then, per run, a
 * fresh consumer group, fresh output and changelog topics, and 1 or 2 processor child processes
 * (the deployment mode) with exactly-once on: time from the first instance ready (group joined)
 * to the group's committed offsets reaching the end of raw-events, i.e. every record processed
 * and its outputs committed. Reference in the same run: a plain read_committed consumer reading
 * the same topic (no processing, no transactions) = the upper bound on this machine. Also
 * printed: the rate once every instance runs in the final group generation (status lines), which
 * leaves out the start-up rebalance and restore.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaAdmin, withKafkaAdmin } from '../src/kafka/admin.js';
import { BatchingProducer } from '../src/kafka/producer.js';
import { readTopicToEnd } from '../src/kafka/topic-reader.js';
import { CONTROL_KEY, formatEndOfInput } from '../src/contract/control.js';
import { startProcessors } from '../src/pipeline/processor/supervisor.js';
import type { ProcessorStatus } from '../src/pipeline/processor/runtime-status.js';
import type { StackEndpoints } from '../src/base/endpoints.js';
import { provisionTopology } from '../src/stack/provision.js';
import { loadStackEndpoints } from '../src/stack/state.js';
import { buildTopology, type Topology } from '../src/contract/topology.js';
import { createGenerator } from '../src/workload/generator.js';

const EVENTS = Number(process.argv[2] ?? 200_000);
const PAYLOAD_BYTES = Number(process.argv[3] ?? 256);
const PARTITIONS = 12;
const CORE = { windowMs: 60_000, outOfOrdernessMs: 5_000, allowedLatenessMs: 0, idleTimeoutMs: 10_000 };
const runId = randomBytes(3).toString('hex');
const perSecond = (n: number, ms: number) => Math.round((n / ms) * 1000);
const fmt = (n: number) => n.toLocaleString('en-US');

async function provision(stack: StackEndpoints, prefix: string, keep: (name: string) => boolean, created: string[]): Promise<Topology> {
  const full = buildTopology({ brokers: stack.kafka.brokers, partitions: PARTITIONS, prefix });
  const topology = { ...full, topics: full.topics.filter((t) => keep(t.name)) };
  await provisionTopology(stack, topology, { delivery: false });
  created.push(...topology.topics.map((t) => t.name));
  return topology;
}

async function preload(stack: StackEndpoints, topic: string): Promise<number> {
  const generator = createGenerator({
    generatorId: `bench-proc-${runId}`,
    seed: 1,
    users: 10_000,
    keyDistribution: { kind: 'zipf', skew: 1.1 },
    payloadBytes: PAYLOAD_BYTES,
    outOfOrderFraction: 0.05,
    outOfOrderMaxMs: 2_000,
    lateFraction: 0.005,
    lateDelayMs: 300_000,
    malformedFraction: 0.001,
  });
  const producer = new BatchingProducer(stack.kafka, { clientId: 'bench-processor-load' });
  const startEpochMs = 1_700_000_000_000;
  try {
    await producer.connect();
    let acks: Promise<void>[] = [];
    for (let i = 0; i < EVENTS; i += 1) {
      const record = generator.next(startEpochMs + i); // 1 ms of event time per event
      acks.push(producer.send(topic, record.key, record.json));
      if (acks.length >= 10_000) {
        await Promise.all(acks);
        acks = [];
      }
    }
    const endMs = startEpochMs + EVENTS + CORE.windowMs + CORE.outOfOrdernessMs + 1_000;
    for (let p = 0; p < PARTITIONS; p += 1) acks.push(producer.sendToPartition(topic, p, CONTROL_KEY, formatEndOfInput(endMs)));
    await Promise.all(acks);
  } finally {
    await producer.close();
  }
  return EVENTS + PARTITIONS;
}

interface RunFigures {
  instances: number;
  ms: number;
  /** Rate once every instance runs in the final generation (after the start-up rebalance); null if never seen. */
  steadyPerS: number | null;
  statuses: (ProcessorStatus | null)[];
}

async function runProcessors(stack: StackEndpoints, rawTopic: string, instances: number, created: string[]): Promise<RunFigures> {
  const prefix = `bench-proc-${runId}-x${instances}-`;
  await provision(stack, prefix, (name) => !name.endsWith('raw-events'), created);
  let firstReadyMs: number | null = null;
  const latest = new Map<number, { state: string; generationId: number | null }>();
  const fleet = await startProcessors({
    count: instances,
    config: { processor: { topicPrefix: prefix, inputTopic: rawTopic, core: CORE }, statusIntervalMs: 1_000, metrics: { register: false } },
    onLine: (line) => {
      if (line.type === 'ready' && firstReadyMs === null) firstReadyMs = performance.now();
      if (line.type === 'status') latest.set(line.instance, { state: line.state, generationId: line.generationId });
    },
  });
  const admin = new KafkaAdmin(stack.kafka, 'bench-processor-wait');
  try {
    const ends = await admin.endOffsets(rawTopic, PARTITIONS, true);
    const total = ends.reduce((a, b) => a + b, 0n);
    let steady: { atMs: number; committed: bigint } | null = null;
    for (;;) {
      const committed = await admin.groupOffsets(fleet.groupId, rawTopic);
      if (ends.every((end, p) => (committed.get(p) ?? -1n) >= end)) break;
      const states = [...latest.values()];
      if (!steady && states.length === instances && states.every((s) => s.state === 'running' && s.generationId === states[0]?.generationId)) {
        steady = { atMs: performance.now(), committed: [...committed.values()].reduce((a, b) => a + (b > 0n ? b : 0n), 0n) };
      }
      fleet.assertHealthy();
      await sleep(200);
    }
    const endMs = performance.now();
    const ms = endMs - (firstReadyMs as unknown as number);
    const steadyPerS = steady && endMs - steady.atMs > 1_000 ? perSecond(Number(total - steady.committed), endMs - steady.atMs) : null;
    await sleep(1_100); // one more status line with the final counters
    return { instances, ms, steadyPerS, statuses: Array.from({ length: instances }, (_, i) => fleet.status(i)) };
  } finally {
    await admin.close().catch(() => undefined);
    await fleet.stop();
  }
}

async function main(): Promise<void> {
  const stack = await loadStackEndpoints();
  const created: string[] = [];
  try {
    const input = await provision(stack, `bench-proc-${runId}-`, (name) => name.endsWith('raw-events'), created);
    const rawTopic = input.names.raw;
    let t0 = performance.now();
    const records = await preload(stack, rawTopic);
    console.log(`pre-loaded ${fmt(records)} records (${fmt(EVENTS)} events of ${PAYLOAD_BYTES} B + ${PARTITIONS} control) into ${rawTopic} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    t0 = performance.now();
    const read = await readTopicToEnd(stack.kafka, rawTopic, { readCommitted: true, timeoutMs: 300_000, onRecord: () => undefined });
    const referenceMs = performance.now() - t0;
    const reference = perSecond(read.records, referenceMs);
    console.log(`reference: plain read_committed consumer, 1 process: ${fmt(reference)} records/s (${fmt(read.records)} in ${(referenceMs / 1000).toFixed(1)} s)`);

    for (const instances of [1, 2]) {
      const run = await runProcessors(stack, rawTopic, instances, created);
      const sum = (pick: (s: ProcessorStatus) => number) => run.statuses.reduce((n, s) => n + (s ? pick(s) : 0), 0);
      const rate = perSecond(records, run.ms);
      const txns = sum((s) => s.transactionsCommitted);
      console.log(
        `processor, exactly-once, ${instances} instance${instances > 1 ? 's' : ''}: ${fmt(rate)} events/s ` +
          `(${fmt(records)} in ${(run.ms / 1000).toFixed(1)} s; ${(rate / reference).toFixed(2)}× reference; ` +
          `after the start-up rebalance ${run.steadyPerS === null ? 'n/a' : `${fmt(run.steadyPerS)} events/s`}) — ` +
          `${fmt(txns)} transactions (${fmt(Math.round(sum((s) => s.eventsIn) / Math.max(1, txns)))} records each), ${sum((s) => s.transactionsAborted)} aborted, ` +
          `${fmt(sum((s) => s.windowsEmitted))} windows, ${fmt(sum((s) => s.lateEvents))} late, ${fmt(sum((s) => s.dlqEvents))} DLQ, ${sum((s) => s.restores)} restores`,
      );
    }
  } finally {
    await withKafkaAdmin(stack.kafka, async (admin) => {
      const existing = new Set(await admin.listTopics());
      await admin.deleteTopics(created.filter((n) => existing.has(n)));
    });
  }
}

await main();
