import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ERROR_CODES, StreamproofError } from '../src/base/errors.js';
import { KafkaAdmin, withKafkaAdmin } from '../src/kafka/admin.js';
import { DEFAULT_PRODUCER_TUNING, type ProducerTuning } from '../src/kafka/producer.js';
import { systemClock } from '../src/base/clock.js';
import { defaultMaxInFlightEvents, runKafkaIngest } from '../src/pipeline/ingest/kafka-ingest.js';
import { createProducerPool } from '../src/pipeline/ingest/producer-pool.js';
import { readIngested } from '../src/pipeline/ingest/read-back.js';
import { saturate, type SaturateResult } from '../src/pipeline/ingest/saturate.js';
import type { StackEndpoints } from '../src/base/endpoints.js';
import { buildTopology } from '../src/contract/topology.js';
import { readThreadSchedstat } from '../src/process/usage.js';
import { constantSchedule } from '../src/workload/schedule.js';
import { runJavaProducerPerformance, type JavaPerfResult } from './producer-java.js';
import { exactSizeRecords } from './producer-records.js';

/**
 * The measurements of bench:producer, one function each: closed-loop maximum of our producer,
 * open-loop rate accuracy, and a tuning run with a full read-back (duplicates, per-partition
 * order). Every run gets a fresh topic with the production raw-events config (12 partitions,
 * RF 3, min.insync.replicas 2 on 3 brokers), deleted as soon as the run is done.
 */
/** Runs one measurement with a time limit, announcing it on stderr (so a stuck phase is named). */
export async function bounded<T>(what: string, limitMs: number, work: () => Promise<T>): Promise<T> {
  process.stderr.write(`… ${what}\n`);
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new StreamproofError(ERROR_CODES.TIMEOUT, `${what} did not finish within ${limitMs / 1000} s`, { hint: 'is the stack healthy? `npm run stack -- status`' })),
      limitMs,
    );
  });
  try {
    return await Promise.race([work(), limit]);
  } finally {
    clearTimeout(timer);
  }
}

export class BenchTopics {
  private readonly prefix = `bench-producer-${randomBytes(3).toString('hex')}-`;
  private readonly live = new Set<string>();
  private counter = 0;

  constructor(private readonly stack: StackEndpoints) {}

  async create(label: string): Promise<string> {
    const topology = buildTopology({ brokers: this.stack.kafka.brokers, prefix: `${this.prefix}${(this.counter += 1)}-${label}-` });
    const spec = topology.topics.find((t) => t.name === topology.names.raw)!;
    await withKafkaAdmin(this.stack.kafka, (admin) => admin.createTopic(spec));
    this.live.add(spec.name);
    return spec.name;
  }

  /** Records in the topic (sum of high watermarks: the producer is not transactional). */
  async count(topic: string): Promise<number> {
    const offsets = await withKafkaAdmin(this.stack.kafka, (admin) => admin.endOffsets(topic, this.topicSpec.partitions, false));
    return offsets.reduce((sum, o) => sum + Number(o), 0);
  }

  async delete(topic: string): Promise<void> {
    this.live.delete(topic);
    await withKafkaAdmin(this.stack.kafka, (admin) => admin.deleteTopics([topic])).catch(() => undefined);
  }

  async deleteAll(): Promise<void> {
    const names = [...this.live];
    this.live.clear();
    if (names.length === 0) return;
    const admin = new KafkaAdmin(this.stack.kafka);
    await admin.deleteTopics(names).catch(() => undefined);
    await admin.close().catch(() => undefined);
  }

  get topicSpec(): { partitions: number; replicationFactor: number; configs: Record<string, string> } {
    const topology = buildTopology({ brokers: this.stack.kafka.brokers });
    const { partitions, replicationFactor, configs } = topology.topics.find((t) => t.name === topology.names.raw)!;
    return { partitions, replicationFactor, configs };
  }
}

/** Producer tuning plus the number of key-sharded producers (producer-pool.ts). */
export type BenchConfig = Partial<ProducerTuning> & { producers?: number };

export interface OursResult extends SaturateResult {
  tuning: ProducerTuning;
  producers: number;
  windowRecords: number;
  /** Records in the topic afterwards (should equal acked, plus any failed that landed). */
  inTopic: number;
  /** CPU time of this process (user + system) per acked event, µs: less sensitive to a shared machine than events/s. */
  cpuUsPerEvent: number;
}

/** Closed-loop maximum of BatchingProducer for `durationMs`, on a fresh topic. */
export async function measureOurs(
  stack: StackEndpoints,
  topics: BenchTopics,
  sizeBytes: number,
  durationMs: number,
  config: BenchConfig = {},
): Promise<OursResult & { topic: string }> {
  const { producers = 1, ...tuning } = config;
  const resolved: ProducerTuning = { ...DEFAULT_PRODUCER_TUNING, ...tuning };
  const windowRecords = defaultMaxInFlightEvents(resolved, producers);
  const topic = await topics.create(`ours-${sizeBytes}`);
  const pool = createProducerPool(stack.kafka, { producers, clientId: 'bench-producer', tuning: resolved });
  let result: SaturateResult;
  let cpu: NodeJS.CpuUsage;
  try {
    await pool.connect();
    const cpuBefore = process.cpuUsage();
    result = await saturate({
      producer: pool.producer,
      topic,
      record: exactSizeRecords(sizeBytes, { generatorId: 'bench', users: 10_000, seed: 1 }),
      durationMs,
      windowRecords,
      clock: systemClock(),
    });
    cpu = process.cpuUsage(cpuBefore);
  } finally {
    await pool.close();
  }
  const cpuUsPerEvent = (cpu.user + cpu.system) / Math.max(1, result.acked);
  return { ...result, tuning: resolved, producers, windowRecords, inTopic: await topics.count(topic), topic, cpuUsPerEvent };
}

/** Kafka's ProducerPerformance on a fresh topic with the same config; `inTopic` counted afterwards. */
export async function measureJava(
  stack: StackEndpoints,
  topics: BenchTopics,
  options: { classpath: string; sizeBytes: number; records: number; timeLimitMs: number; throughput?: number },
): Promise<JavaPerfResult & { inTopic: number }> {
  const topic = await topics.create(`java-${options.sizeBytes}`);
  try {
    const java = await runJavaProducerPerformance({
      classpath: options.classpath,
      bootstrapServers: stack.kafka.bootstrapServers,
      topic,
      records: options.records,
      recordSizeBytes: options.sizeBytes,
      timeLimitMs: options.timeLimitMs,
      ...(options.throughput === undefined ? {} : { throughput: options.throughput }),
    });
    return { ...java, inTopic: await topics.count(topic) };
  } finally {
    await topics.delete(topic);
  }
}

export interface AccuracyResult {
  rateEventsPerS: number;
  path: string;
  /** Share of all cores' time that was busy (any process) during the run: near 1, every thread waited for a core. */
  machineBusy: number;
  worstErrorRatio: number;
  worstSecond: number;
  meanErrorRatio: number;
  lagP50Ms: number;
  lagP99Ms: number;
  lagMaxMs: number;
  ackP50Ms: number;
  ackP99Ms: number;
  /** L1 without the generator's lateness: ack − actual send. */
  fromSendP50Ms: number;
  fromSendP99Ms: number;
  sent: number;
  acked: number;
  failed: number;
  unresolved: number;
  /** Events sent in each second of the run (target: rateEventsPerS). */
  sentPerSecond: number[];
  /** CPU time of this process over the run, in cores (1.0 = one core busy throughout). */
  cpuCores: number;
  /**
   * Share of the run's wall time the sending thread was runnable but waiting for a core (its
   * schedstat): lateness the machine imposed on it, not its own work; NaN without /proc.
   */
  senderRunqueueWaitShare: number;
}

/** Where an open-loop run builds its events (0: on the sending thread, when due; ≥ 1: load worker threads) and runs its producers. */
export interface OpenLoopPath {
  name: string;
  loadWorkers: number;
  producerThread: boolean;
}

/** Busy and total jiffies of all cores (/proc/stat): their difference over a run is how busy the machine was. */
function machineJiffies(): { busy: number; total: number } {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = fields.reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: Number.NaN, total: Number.NaN };
  }
}

/** Open-loop run through runKafkaIngest (live generator, default tuning) at a fixed rate. */
export async function measureAccuracy(
  stack: StackEndpoints,
  topics: BenchTopics,
  sizeBytes: number,
  rateEventsPerS: number,
  durationMs: number,
  producers = 1,
  path: OpenLoopPath = { name: 'after', loadWorkers: 1, producerThread: true },
): Promise<AccuracyResult> {
  const topic = await topics.create(`open-${rateEventsPerS}`);
  try {
    const cpuBefore = process.cpuUsage();
    const jiffiesBefore = machineJiffies();
    // This thread is the sending thread: runKafkaIngest's sender runs on it.
    const schedBefore = readThreadSchedstat();
    const startedMs = performance.now();
    const summary = await runKafkaIngest({
      endpoints: stack,
      topic,
      schedule: constantSchedule(rateEventsPerS, durationMs),
      generatorConfig: { generatorId: 'bench-open', seed: 1, users: 10_000, payloadBytes: sizeBytes },
      clock: systemClock(),
      clientId: 'bench-open-loop',
      producers,
      loadWorkers: path.loadWorkers,
      producerThread: path.producerThread,
    });
    const jiffiesAfter = machineJiffies();
    const schedAfter = readThreadSchedstat();
    const wallMs = performance.now() - startedMs;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuCores = (cpu.user + cpu.system) / 1000 / wallMs;
    const senderRunqueueWaitShare = schedBefore && schedAfter ? (schedAfter.runqueueWaitNs - schedBefore.runqueueWaitNs) / 1e6 / wallMs : Number.NaN;
    const lag = summary.histograms.scheduleLag.summary();
    const ack = summary.histograms.ackLatency.summary();
    const fromSend = summary.histograms.ackFromSend.summary();
    return {
      rateEventsPerS,
      path: path.name,
      machineBusy: (jiffiesAfter.busy - jiffiesBefore.busy) / (jiffiesAfter.total - jiffiesBefore.total),
      ...summary.rateAccuracy,
      lagP50Ms: lag.p50Ms,
      lagP99Ms: lag.p99Ms,
      lagMaxMs: lag.maxMs,
      ackP50Ms: ack.p50Ms,
      ackP99Ms: ack.p99Ms,
      fromSendP50Ms: fromSend.p50Ms,
      fromSendP99Ms: fromSend.p99Ms,
      sent: summary.counts.sent,
      acked: summary.counts.acked,
      failed: summary.counts.failed,
      unresolved: summary.counts.unresolved,
      sentPerSecond: summary.rate.map((p) => p.sentEvents),
      cpuCores,
      senderRunqueueWaitShare,
    };
  } finally {
    await topics.delete(topic);
  }
}

export interface TuningResult extends OursResult {
  /** From a full read_committed read-back. */
  readBack: { records: number; distinct: number; duplicates: number; orderViolations: number; keyOrderViolations: number; unidentified: number };
}

/** A closed-loop run with `tuning`, then a full read-back for duplicates and per-partition order. */
export async function measureTuning(stack: StackEndpoints, topics: BenchTopics, sizeBytes: number, durationMs: number, config: BenchConfig): Promise<TuningResult> {
  const ours = await measureOurs(stack, topics, sizeBytes, durationMs, config);
  try {
    const back = await readIngested(stack.kafka, ours.topic, { timeoutMs: 180_000 });
    return {
      ...ours,
      readBack: {
        records: back.records,
        distinct: back.observed.distinctCount,
        duplicates: back.observed.extraOccurrences,
        orderViolations: back.orderViolations,
        keyOrderViolations: back.keyOrderViolations,
        unidentified: back.unidentified,
      },
    };
  } finally {
    await topics.delete(ours.topic);
  }
}
