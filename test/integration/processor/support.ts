import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, expect } from 'vitest';
import { setTimeout as sleep } from 'node:timers/promises';
import { KafkaAdmin } from '../../../src/kafka/admin.js';
// Installs the correct read_committed filter (processor-io.ts) in this process: without it the
// client shows records of aborted transactions, which the crash test produces on purpose.
import '../../../src/kafka/processor-io.js';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { readTopicToEnd } from '../../../src/kafka/topic-reader.js';
import { CONTROL_KEY, formatEndOfInput } from '../../../src/contract/control.js';
import { isEndOfInput } from '../../../src/verify/control.js';
import { parseDlqValue, parseLateValue, parseWindowResult } from '../../../src/verify/records.js';
import type { StackEndpoints } from '../../../src/base/endpoints.js';
import { provisionTopology } from '../../../src/stack/provision.js';
import type { Topology } from '../../../src/contract/topology.js';
import { classifyEvents, type EventClassification } from '../../../src/verify/classify.js';
import { compareWindowResults, recomputeExpected, type RawRecordInput, type SinkRecordInput, type WindowComparison } from '../../../src/verify/recompute.js';
import { createGenerator, type EventGenerator, type GeneratorConfigInput } from '../../../src/workload/generator.js';
import { deleteTopics, freshTopology } from '../support.js';
import { FLINK_JVM_ARGS } from '../../../src/drivers/processor/flink.js';
import type { JvmJobConfig } from '../../../src/drivers/processor/jvm-config.js';
import { startJvmFleet, type JvmFleet } from '../../../src/drivers/processor/jvm-fleet.js';
import { ensureJvmProcessors, type JvmProcessorBuild } from '../../../src/stack/native/jvm-processors.js';

/**
 * Shared by the processor integration tests: a fresh topology (Kafka topics only), loading a
 * generated stream into raw-events, the end-of-input control records, waiting until the group
 * has committed everything, and reading every topic back with read_committed for src/verify.
 */
export async function freshProcessorTopology(stack: StackEndpoints, name: string, partitions = 12): Promise<Topology> {
  const topology = freshTopology(name, stack.kafka.brokers, partitions);
  await provisionTopology(stack, topology, { delivery: false });
  return topology;
}

export interface LoadedStream {
  records: number;
  malformed: number;
  /** Largest event time generated (for the end-of-input control record). */
  maxEventTimeMs: number;
}

/** Sends `count` generated records intended at startEpochMs + i · spacingMs, and waits for every ack. */
export async function loadStream(
  stack: StackEndpoints,
  topic: string,
  generator: EventGenerator | GeneratorConfigInput,
  options: { count: number; startEpochMs: number; spacingMs: number },
): Promise<LoadedStream> {
  const gen = 'next' in generator ? generator : createGenerator(generator);
  const producer = new BatchingProducer(stack.kafka, { clientId: 'it-processor-load', tuning: { lingerMs: 5, batchMaxRecords: 2_000, maxInFlightBatches: 1 } });
  const loaded: LoadedStream = { records: 0, malformed: 0, maxEventTimeMs: 0 };
  try {
    await producer.connect();
    const acks: Promise<void>[] = [];
    for (let i = 0; i < options.count; i += 1) {
      const record = gen.next(options.startEpochMs + i * options.spacingMs);
      if (record.kind === 'malformed') loaded.malformed += 1;
      else loaded.maxEventTimeMs = Math.max(loaded.maxEventTimeMs, record.event.eventTime);
      acks.push(producer.send(topic, record.key, record.json));
      loaded.records += 1;
      if (acks.length >= 5_000) await Promise.all(acks.splice(0));
    }
    await Promise.all(acks);
  } finally {
    await producer.close();
  }
  return loaded;
}

/**
 * Sends generated records in real time (intendedAt = now) at `ratePerS` for `durationMs`, while
 * processors run. Resolves once every record is acked.
 */
export async function runRealtimeLoad(
  stack: StackEndpoints,
  topic: string,
  generator: GeneratorConfigInput,
  options: { ratePerS: number; durationMs: number },
): Promise<LoadedStream> {
  const gen = createGenerator(generator);
  const producer = new BatchingProducer(stack.kafka, { clientId: 'it-processor-realtime' });
  const loaded: LoadedStream = { records: 0, malformed: 0, maxEventTimeMs: 0 };
  const acks: Promise<void>[] = [];
  try {
    await producer.connect();
    const startMs = Date.now();
    const total = Math.round((options.ratePerS * options.durationMs) / 1000);
    while (loaded.records < total) {
      const due = Math.min(total, Math.floor(((Date.now() - startMs) * options.ratePerS) / 1000));
      while (loaded.records < due) {
        const record = gen.next(Date.now());
        if (record.kind === 'malformed') loaded.malformed += 1;
        else loaded.maxEventTimeMs = Math.max(loaded.maxEventTimeMs, record.event.eventTime);
        acks.push(producer.send(topic, record.key, record.json));
        loaded.records += 1;
      }
      await sleep(20);
    }
    await Promise.all(acks);
  } finally {
    await producer.close();
  }
  return loaded;
}

/** One advance-watermark control record per partition (the end of a bounded input). */
export async function sendEndOfInput(stack: StackEndpoints, topic: string, partitions: number, eventTimeMs: number): Promise<void> {
  const producer = new BatchingProducer(stack.kafka, { clientId: 'it-processor-end' });
  try {
    await producer.connect();
    await Promise.all(Array.from({ length: partitions }, (_, p) => producer.sendToPartition(topic, p, CONTROL_KEY, formatEndOfInput(eventTimeMs))));
  } finally {
    await producer.close();
  }
}

/** Waits until the group's committed offsets reach the end of every partition of `topic`. */
export async function waitUntilCommitted(
  stack: StackEndpoints,
  groupId: string,
  topic: string,
  partitions: number,
  options: { timeoutMs: number; onPoll?: (behind: bigint) => void },
): Promise<void> {
  const admin = new KafkaAdmin(stack.kafka, 'it-processor-wait');
  const deadline = Date.now() + options.timeoutMs;
  try {
    for (;;) {
      const ends = await admin.endOffsets(topic, partitions, true);
      const committed = await admin.groupOffsets(groupId, topic);
      let behind = 0n;
      ends.forEach((end, p) => {
        const at = committed.get(p) ?? -1n;
        behind += at < 0n ? end : end - at;
      });
      options.onPoll?.(behind);
      if (behind === 0n) return;
      if (Date.now() > deadline) throw new Error(`group ${groupId} still ${behind} records behind on ${topic} after ${options.timeoutMs} ms`);
      await sleep(500);
    }
  } finally {
    await admin.close().catch(() => undefined);
  }
}

export interface RunCheck {
  raw: number;
  control: number;
  results: number;
  late: number;
  dlq: number;
  /** Result keys written more than once (revision re-emissions or duplicates). */
  keysEmittedMoreThanOnce: string[];
  comparison: WindowComparison;
  classification: EventClassification;
}

/** Reads raw-events, processed-events, late-events and the DLQ with read_committed and checks them with src/verify. */
export async function checkRun(stack: StackEndpoints, topology: Topology, windowMs: number): Promise<RunCheck> {
  const raw: RawRecordInput[] = [];
  let control = 0;
  await readTopicToEnd(stack.kafka, topology.names.raw, {
    readCommitted: true,
    onRecord: (r) => {
      // Control records are not events (control.ts); the verifier must skip them.
      if (isEndOfInput(r.key, r.value)) control += 1;
      else raw.push({ value: r.value, partition: r.partition, offset: r.offset });
    },
  });
  const late: SinkRecordInput[] = [];
  await readTopicToEnd(stack.kafka, topology.names.late, { readCommitted: true, onRecord: (r) => late.push(parseLateValue(r.value as string)) });
  const dlq: SinkRecordInput[] = [];
  await readTopicToEnd(stack.kafka, topology.names.dlq, { readCommitted: true, onRecord: (r) => dlq.push(parseDlqValue(r.value as string)) });
  const results: ReturnType<typeof parseWindowResult>[] = [];
  const perKey = new Map<string, number>();
  await readTopicToEnd(stack.kafka, topology.names.processed, {
    readCommitted: true,
    onRecord: (r) => {
      const result = parseWindowResult(r.value as string);
      results.push(result);
      perKey.set(result.key, (perKey.get(result.key) ?? 0) + 1);
    },
  });
  const recomputation = recomputeExpected({ windowMs, raw, late, dlq });
  const comparison = compareWindowResults(recomputation.expected, results);
  const classification = classifyEvents(recomputation, comparison);
  return {
    raw: raw.length,
    control,
    results: results.length,
    late: late.length,
    dlq: dlq.length,
    keysEmittedMoreThanOnce: [...perKey].filter(([, n]) => n > 1).map(([key]) => key),
    comparison,
    classification,
  };
}

export function describeCheck(check: RunCheck): string {
  const { comparison: c, classification: k } = check;
  return (
    `raw ${check.raw} (+${check.control} control), results ${check.results} (${c.matched.length} matched, ${c.mismatched.length} mismatched, ` +
    `${c.missing.length} missing, ${c.unexpected.length} unexpected, ${c.conflicts.length} conflicts), late ${check.late}, dlq ${check.dlq}; ` +
    `events: ${JSON.stringify(k.counts)}; keys emitted twice: ${check.keysEmittedMoreThanOnce.length}` +
    (k.problems.length ? `; problems: ${k.problems.join('; ')}` : '') +
    (c.mismatched.length ? `; first mismatches: ${JSON.stringify(c.mismatched.slice(0, 5))}` : '') +
    (c.missing.length ? `; first missing: ${JSON.stringify(c.missing.slice(0, 5))}` : '') +
    (check.keysEmittedMoreThanOnce.length ? `; first keys emitted twice: ${check.keysEmittedMoreThanOnce.slice(0, 5).join(', ')}` : '')
  );
}

/**
 * The stream every crash test sends: zipf keys, some out of order, some late, some malformed, so
 * that a restart has every path (result, late-events, DLQ) to get right. Only id and seed differ.
 */
export function crashWorkload(generatorId: string, seed: number): GeneratorConfigInput {
  return {
    generatorId,
    seed,
    users: 1_000,
    keyDistribution: { kind: 'zipf', skew: 1.1 },
    outOfOrderFraction: 0.05,
    outOfOrderMaxMs: 400,
    lateFraction: 0.01,
    lateDelayMs: 10_000,
    malformedFraction: 0.005,
  };
}

/**
 * What exactly-once must leave, whatever the processor and whatever was killed: every raw record
 * read back, the 12 end-of-input records, every malformed event in the DLQ, results equal to the
 * recomputation (fingerprints included), every event in exactly one of a result, late-events or
 * the DLQ, and no result key emitted twice (allowed lateness 0).
 */
export function expectExactlyOnce(check: RunCheck, loaded: LoadedStream): void {
  expect(check.raw).toBe(loaded.records);
  expect(check.control).toBe(12);
  expect(check.dlq).toBe(loaded.malformed);
  expect(check.comparison.mismatched).toEqual([]);
  expect(check.comparison.missing).toEqual([]);
  expect(check.comparison.unexpected).toEqual([]);
  expect(check.comparison.conflicts).toEqual([]);
  expect(check.classification.problems).toEqual([]);
  expect(check.classification.counts.result + check.classification.counts.late + check.classification.counts.dlq).toBe(loaded.records);
  expect(check.keysEmittedMoreThanOnce).toEqual([]);
}

/** One Flink MiniCluster JVM (processors/flink) on a topology's topics, checkpointing every second into `stateDir`. */
export function startFlinkFleet(input: {
  stack: StackEndpoints;
  build: JvmProcessorBuild;
  names: Topology['names'];
  applicationId: string;
  stateDir: string;
  windowing: JvmJobConfig['windowing'];
  heapMb: number;
}): Promise<JvmFleet> {
  const { names } = input;
  return startJvmFleet({
    name: 'flink',
    count: 1,
    classpath: input.build.classpath('flink'),
    mainClass: 'dev.streamproof.flink.Main',
    heapMb: input.heapMb,
    jvmArgs: FLINK_JVM_ARGS,
    readyTimeoutMs: 120_000,
    stopGraceMs: 60_000,
    config: (instance): JvmJobConfig => ({
      bootstrapServers: input.stack.kafka.bootstrapServers.join(','),
      topics: { raw: names.raw, processed: names.processed, late: names.late, dlq: names.dlq },
      applicationId: input.applicationId,
      windowing: input.windowing,
      instance,
      parallelism: 2,
      slots: 2,
      taskManagers: 1,
      checkpointIntervalMs: 1_000,
      stateDir: input.stateDir,
    }),
  });
}

/** What a JVM-processor test holds: the build, its fleet, its state directory and the topics it created. */
export interface JvmTestContext {
  build: JvmProcessorBuild;
  fleet: JvmFleet | null;
  stateDir: string;
  created: string[];
}

/** Registers the lifecycle every JVM-processor test shares: the Maven build first; at the end the fleet stopped, its state directory and topics removed. */
export function jvmProcessorTestLifecycle(stack: StackEndpoints): JvmTestContext {
  const ctx: JvmTestContext = { build: undefined as unknown as JvmProcessorBuild, fleet: null, stateDir: '', created: [] };
  beforeAll(async () => {
    ctx.build = await ensureJvmProcessors((line) => console.log(line));
  }, 600_000);
  afterAll(async () => {
    await ctx.fleet?.stop();
    if (ctx.stateDir) await rm(ctx.stateDir, { recursive: true, force: true });
    await deleteTopics(stack, ctx.created);
  });
  return ctx;
}
