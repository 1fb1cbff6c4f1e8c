/**
 * Maximum sustained throughput of the exactly-once processors — builtin, kafka-streams and flink,
 * each with 1 and 2 instances (Kafka Streams: 1 and 2 JVM instances; Flink: parallelism 1 and 2
 * in its MiniCluster JVM) — on the same pre-loaded topic, in one invocation on the running stack.
 * Prints figures, processor CPU per event (from ready to done) and peak RSS per kind; asserts nothing.
 *
 *   npm run bench:processor [-- <events> [<payloadBytes> [<kinds>]]]   (default 200000 events of 256 B, kinds builtin,kafka-streams,flink)
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
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaAdmin, withKafkaAdmin } from '../src/kafka/admin.js';
import { BatchingProducer } from '../src/kafka/producer.js';
import { readTopicToEnd } from '../src/kafka/topic-reader.js';
import { CONTROL_KEY, formatEndOfInput } from '../src/contract/control.js';
import { startProcessors } from '../src/pipeline/processor/supervisor.js';
import { FLINK_JVM_ARGS } from '../src/drivers/processor/flink.js';
import type { JvmJobConfig } from '../src/drivers/processor/jvm-config.js';
import { startJvmFleet } from '../src/drivers/processor/jvm-fleet.js';
import type { ProcessIdentity } from '../src/process/identity.js';
import { readProcessUsage } from '../src/process/usage.js';
import { ensureJvmProcessors, type JvmProcessorBuild } from '../src/stack/native/jvm-processors.js';
import type { ProcessorStatus } from '../src/pipeline/processor/runtime-status.js';
import type { StackEndpoints } from '../src/base/endpoints.js';
import { provisionTopology } from '../src/stack/provision.js';
import { loadStackEndpoints } from '../src/stack/state.js';
import { buildTopology, type Topology } from '../src/contract/topology.js';
import { createGenerator } from '../src/workload/generator.js';

const EVENTS = Number(process.argv[2] ?? 200_000);
const PAYLOAD_BYTES = Number(process.argv[3] ?? 256);
const KINDS = (process.argv[4] ?? 'builtin,kafka-streams,flink').split(',');
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
  /** CPU seconds of the processor processes from the first ready to the end (start-up excluded). */
  cpuSeconds: number;
  peakRssBytes: number;
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
  const identities = () => Array.from({ length: instances }, (_, i) => fleet.identity(i)).filter((id) => id !== null);
  try {
    const measured = await waitUntilProcessed(stack, rawTopic, fleet.groupId, identities, () => fleet.assertHealthy(), () => {
      const states = [...latest.values()];
      return states.length === instances && states.every((s) => s.state === 'running' && s.generationId === states[0]?.generationId);
    });
    const ms = measured.endMs - (firstReadyMs as unknown as number);
    await sleep(1_100); // one more status line with the final counters
    return { instances, ms, steadyPerS: measured.steadyPerS, cpuSeconds: measured.cpuSeconds, peakRssBytes: measured.peakRssBytes, statuses: Array.from({ length: instances }, (_, i) => fleet.status(i)) };
  } finally {
    await fleet.stop();
  }
}

interface Measured {
  endMs: number;
  steadyPerS: number | null;
  cpuSeconds: number;
  peakRssBytes: number;
}

/** Polls until the group has committed the end of every raw-events partition; CPU from now (every instance ready) to then. */
async function waitUntilProcessed(
  stack: StackEndpoints,
  rawTopic: string,
  groupId: string,
  identities: () => ProcessIdentity[],
  assertHealthy: () => void,
  isSteady: (committed: bigint) => boolean,
): Promise<Measured> {
  const cpuAtStart = new Map<string, number>();
  const cpuLast = new Map<string, number>();
  let peakRssBytes = 0;
  const sampleCpu = () => {
    let rss = 0;
    for (const id of identities()) {
      const usage = readProcessUsage(id);
      if (!usage) continue;
      const key = `${id.pid}:${id.startTime}`;
      if (!cpuAtStart.has(key)) cpuAtStart.set(key, usage.cpuSeconds);
      cpuLast.set(key, usage.cpuSeconds);
      rss += usage.rssBytes;
    }
    peakRssBytes = Math.max(peakRssBytes, rss);
  };
  sampleCpu();
  const admin = new KafkaAdmin(stack.kafka, 'bench-processor-wait');
  try {
    const ends = await admin.endOffsets(rawTopic, PARTITIONS, true);
    const total = ends.reduce((a, b) => a + b, 0n);
    let steady: { atMs: number; committed: bigint } | null = null;
    for (;;) {
      const committed = await admin.groupOffsets(groupId, rawTopic);
      sampleCpu();
      if (ends.every((end, p) => (committed.get(p) ?? -1n) >= end)) break;
      const sum = [...committed.values()].reduce((a, b) => a + (b > 0n ? b : 0n), 0n);
      if (!steady && isSteady(sum)) steady = { atMs: performance.now(), committed: sum };
      assertHealthy();
      await sleep(200);
    }
    const endMs = performance.now();
    const steadyPerS = steady && endMs - steady.atMs > 1_000 ? perSecond(Number(total - steady.committed), endMs - steady.atMs) : null;
    let cpuSeconds = 0;
    for (const [key, last] of cpuLast) cpuSeconds += last - (cpuAtStart.get(key) ?? last);
    return { endMs, steadyPerS, cpuSeconds, peakRssBytes };
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/** One JVM kind: Kafka Streams with `instances` JVMs, or Flink with parallelism `instances` in one MiniCluster JVM. */
async function runJvm(stack: StackEndpoints, build: JvmProcessorBuild, kind: 'kafka-streams' | 'flink', rawTopic: string, instances: number, created: string[]): Promise<RunFigures> {
  const prefix = `bench-proc-${runId}-${kind}-x${instances}-`;
  const topology = await provision(stack, prefix, (name) => !name.endsWith('raw-events') && !name.endsWith('changelog'), created);
  const applicationId = `${prefix}app`;
  const flink = kind === 'flink';
  const jvms = flink ? 1 : instances;
  const config = (instance: number): JvmJobConfig => ({
    bootstrapServers: stack.kafka.bootstrapServers.join(','),
    topics: { raw: rawTopic, processed: topology.names.processed, late: topology.names.late, dlq: topology.names.dlq },
    applicationId,
    windowing: { ...CORE, maxEventTimeAheadMs: null },
    instance,
    parallelism: instances,
    slots: flink ? instances : 1,
    taskManagers: 1,
    checkpointIntervalMs: flink ? 1_000 : 100,
    stateDir: `/tmp/${applicationId}-${instance}`,
  });
  const started = performance.now();
  const fleet = await startJvmFleet({
    name: kind,
    count: jvms,
    classpath: build.classpath(kind),
    mainClass: flink ? 'dev.streamproof.flink.Main' : 'dev.streamproof.kstreams.Main',
    heapMb: flink ? 768 : 256,
    ...(flink ? { jvmArgs: FLINK_JVM_ARGS } : {}),
    readyTimeoutMs: 180_000,
    stopGraceMs: 60_000,
    config,
  });
  const readyMs = performance.now();
  try {
    const measured = await waitUntilProcessed(
      stack,
      rawTopic,
      applicationId,
      () => Array.from({ length: jvms }, (_, i) => fleet.identity(i)).filter((id) => id !== null),
      () => fleet.assertHealthy(),
      () => false,
    );
    console.log(`  (${kind} ×${instances}: JVM start to ready ${((readyMs - started) / 1000).toFixed(1)} s)`);
    return { instances, ms: measured.endMs - readyMs, steadyPerS: null, cpuSeconds: measured.cpuSeconds, peakRssBytes: measured.peakRssBytes, statuses: [] };
  } finally {
    await fleet.stop();
    await Promise.all(Array.from({ length: jvms }, (_, i) => rm(config(i).stateDir, { recursive: true, force: true })));
  }
}

function cpuLine(run: RunFigures, records: number): string {
  return `CPU ${Math.round((run.cpuSeconds * 1e6) / records)} µs per event (${run.cpuSeconds.toFixed(1)} s of processor CPU from ready to done), peak RSS ${Math.round(run.peakRssBytes / 1024 / 1024)} MiB`;
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

    for (const instances of KINDS.includes('builtin') ? [1, 2] : []) {
      const run = await runProcessors(stack, rawTopic, instances, created);
      const sum = (pick: (s: ProcessorStatus) => number) => run.statuses.reduce((n, s) => n + (s ? pick(s) : 0), 0);
      const rate = perSecond(records, run.ms);
      const txns = sum((s) => s.transactionsCommitted);
      console.log(
        `processor, exactly-once, ${instances} instance${instances > 1 ? 's' : ''}: ${fmt(rate)} events/s ` +
          `(${fmt(records)} in ${(run.ms / 1000).toFixed(1)} s; ${(rate / reference).toFixed(2)}× reference; ` +
          `after the start-up rebalance ${run.steadyPerS === null ? 'n/a' : `${fmt(run.steadyPerS)} events/s`}) — ` +
          `${fmt(txns)} transactions (${fmt(Math.round(sum((s) => s.eventsIn) / Math.max(1, txns)))} records each), ${sum((s) => s.transactionsAborted)} aborted, ` +
          `${fmt(sum((s) => s.windowsEmitted))} windows, ${fmt(sum((s) => s.lateEvents))} late, ${fmt(sum((s) => s.dlqEvents))} DLQ, ${sum((s) => s.restores)} restores; ` +
          cpuLine(run, records),
      );
    }
    const jvmKinds = KINDS.filter((k): k is 'kafka-streams' | 'flink' => k === 'kafka-streams' || k === 'flink');
    if (jvmKinds.length > 0) {
      const build = await ensureJvmProcessors((line) => console.log(line));
      for (const kind of jvmKinds) {
        for (const instances of [1, 2]) {
          const run = await runJvm(stack, build, kind, rawTopic, instances, created);
          const rate = perSecond(records, run.ms);
          const shape = kind === 'flink' ? `parallelism ${instances} (1 JVM, ${instances} slot${instances > 1 ? 's' : ''})` : `${instances} instance${instances > 1 ? 's' : ''} (JVMs)`;
          console.log(`${kind}, exactly-once, ${shape}: ${fmt(rate)} events/s (${fmt(records)} in ${(run.ms / 1000).toFixed(1)} s from ready; ${(rate / reference).toFixed(2)}× reference); ${cpuLine(run, records)}`);
        }
      }
    }
  } finally {
    await withKafkaAdmin(stack.kafka, async (admin) => {
      const existing = new Set(await admin.listTopics());
      await admin.deleteTopics(created.filter((n) => existing.has(n)));
    });
  }
}

await main();
