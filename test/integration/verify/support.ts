import { buildAwsClients } from '../../../src/aws/clients.js';
import { createFirehosePut } from '../../../src/aws/firehose-put.js';
import { provisionDelivery, type DeliveryTarget } from '../../../src/aws/provision.js';
import { deleteDelivery } from '../../../src/aws/teardown.js';
import { BatchingProducer } from '../../../src/kafka/producer.js';
import { readTopicToEnd } from '../../../src/kafka/topic-reader.js';
import { TransactionalWriter, type TransactionalMessage } from '../../../src/kafka/transactional-writer.js';
import { frameRecord } from '../../../src/pipeline/delivery/batching.js';
import { IngestLedger } from '../../../src/pipeline/ingest/ingest-ledger.js';
import type { WindowResult } from '../../../src/pipeline/processor/aggregate.js';
import { ProcessorCore } from '../../../src/pipeline/processor/core.js';
import { encodeDlqValue, encodeLateValue, type SourceRecord } from '../../../src/pipeline/processor/outputs.js';
import type { StackEndpoints } from '../../../src/base/endpoints.js';
import { provisionTopology } from '../../../src/stack/provision.js';
import type { Topology } from '../../../src/contract/topology.js';
import type { DlqReasonCode } from '../../../src/contract/side-outputs.js';
import { extractIdentity } from '../../../src/verify/identity.js';
import { createGenerator, type GeneratedRecord } from '../../../src/workload/generator.js';
import { deleteTopics, freshPrefix, freshTopology } from '../support.js';
import { CONTROL_KEY, formatEndOfInput } from '../../../src/contract/control.js';

/**
 * A real clean run without the processor runtime: generated events produced to raw-events by the
 * real producer (the ingest ledger filled from its acks), read back read_committed, processed
 * in-process by the pure ProcessorCore, its outputs written to processed-events, late-events and
 * the DLQ in one Kafka transaction, and every committed result delivered to S3 through Firehose.
 * Defects are then planted in copies (a fresh topic or bucket per layer), never in the clean run.
 */

export const WINDOW_MS = 10_000;
/** The settings the clean run's processor core runs with (told to the verifier). */
export const SETTINGS = { outOfOrdernessMs: 500, allowedLatenessMs: 5_000, idleTimeoutMs: 1_000_000_000, maxEventTimeAheadMs: null };
/**
 * What the verifier is told: the core's settings, and that no partition was assigned before this
 * module loaded (the clean run's core starts later), so a partition cannot have idled before its
 * first record and the late-events partition bound applies.
 */
export const VERIFIER_SETTINGS = { ...SETTINGS, assignedNotBeforeMs: Date.now() };
export const GENERATOR_ID = 'vt';
const T0 = 1_700_000_000_000;
const PARTITIONS = 3;

/** Everything created on the stack, removed by `cleanup()`. */
export class Resources {
  private readonly topics: string[] = [];
  private readonly targets: DeliveryTarget[] = [];
  constructor(readonly stack: StackEndpoints) {}

  topic(name: string): string {
    this.topics.push(name);
    return name;
  }

  target(target: DeliveryTarget): DeliveryTarget {
    this.targets.push(target);
    return target;
  }

  async cleanup(): Promise<void> {
    await deleteTopics(this.stack, this.topics).catch((error) => console.warn(`cleanup topics: ${String(error)}`));
    for (const target of this.targets) await deleteDelivery(this.stack.aws, target).catch((error) => console.warn(`cleanup ${target.bucket}: ${String(error)}`));
  }
}

export interface ResultRow {
  key: string;
  value: string;
  result: WindowResult;
}

export interface CleanRun {
  topology: Topology;
  ledger: IngestLedger;
  generated: GeneratedRecord[];
  /** Committed processed-events records, in the order written. */
  results: ResultRow[];
  lateValues: { key: string; value: string }[];
  dlqValues: { key: string; value: string }[];
  /** Where each seq landed in raw-events. */
  positions: Map<number, { partition: number; offset: bigint }>;
}

export interface RunOptions {
  events: number;
  /** Seq generated but never produced (for the dropped-event defect: not in the ledger either). */
  withhold?: number;
  /** Seq produced twice, the copy right behind the original (a producer retry's duplicate). */
  duplicate?: number;
  /**
   * A valid event the processor sends to the DLQ with this code instead of counting it: its
   * window's result is derived without it, so every count, value and fingerprint agrees.
   */
  moveToDlq?: { seq: number; code: DlqReasonCode };
}

/** First valid, on-time event at or after `fromSeq`. */
export function onTimeSeq(fromSeq: number, events: number): number {
  const generator = createGenerator(generatorConfig());
  for (let seq = 0; seq < events; seq += 1) {
    const record = generator.next(T0 + seq * 20);
    if (seq >= fromSeq && record.kind === 'event' && record.timing === 'on-time') return seq;
  }
  throw new Error(`no on-time event at or after seq ${fromSeq}`);
}

function generatorConfig() {
  return {
    generatorId: GENERATOR_ID,
    seed: 42,
    users: 30,
    outOfOrderFraction: 0.1,
    outOfOrderMaxMs: 3_000,
    lateFraction: 0.02,
    lateDelayMs: 30_000,
    malformedFraction: 0.01,
  };
}

export async function buildCleanRun(resources: Resources, name: string, options: RunOptions): Promise<CleanRun> {
  const stack = resources.stack;
  const full = freshTopology(`verify-${name}`, stack.kafka.brokers, PARTITIONS);
  const topology: Topology = { ...full, topics: full.topics.filter((t) => t.name !== full.names.changelog) };
  for (const spec of topology.topics) resources.topic(spec.name);
  resources.target({ bucket: topology.delivery.bucket, streamName: topology.delivery.streamName });
  await provisionTopology(stack, topology, { delivery: true });

  // Produce: every ack lands in the ledger, as the real ingest path does.
  const generator = createGenerator(generatorConfig());
  const generated = Array.from({ length: options.events }, (_, seq) => generator.next(T0 + seq * 20));
  const ledger = new IngestLedger();
  const producer = new BatchingProducer(stack.kafka, { clientId: `verify-it-${name}` });
  await producer.connect();
  try {
    const sends: Promise<void>[] = [];
    for (const record of generated) {
      const seq = record.kind === 'event' ? record.event.seq : record.seq;
      if (seq === options.withhold) continue;
      const copies = seq === options.duplicate ? 2 : 1;
      for (let copy = 0; copy < copies; copy += 1) {
        ledger.recordSent(GENERATOR_ID, seq, record.kind === 'malformed');
        sends.push(
          producer.send(topology.names.raw, record.key, record.json).then(
            () => ledger.recordAcked(GENERATOR_ID, seq),
            () => ledger.recordFailed(GENERATOR_ID, seq),
          ),
        );
      }
    }
    await producer.flush();
    await Promise.all(sends);
    // End of input as a run writes it (docs/contract.md): one control record per partition closes the
    // last windows, so every watermark a result carries is one the log proves.
    await Promise.all(Array.from({ length: PARTITIONS }, (_, partition) => producer.sendToPartition(topology.names.raw, partition, CONTROL_KEY, formatEndOfInput(T0 + 1_000_000))));
    await producer.flush();
  } finally {
    await producer.close();
  }

  // Process what raw-events really holds, in production order (seq, then offset for a duplicate).
  const raw: (SourceRecord & { seq: number })[] = [];
  await readTopicToEnd(stack.kafka, topology.names.raw, {
    readCommitted: true,
    // Control records (no identity) go last, as they were produced.
    onRecord: (r) => raw.push({ partition: r.partition, offset: r.offset, key: r.key, value: r.value, seq: extractIdentity(r.value)?.seq ?? (r.key === CONTROL_KEY ? Infinity : -1) }),
  });
  raw.sort((a, b) => a.seq - b.seq || (a.offset < b.offset ? -1 : 1));
  const positions = new Map(raw.map((r) => [r.seq, { partition: r.partition, offset: r.offset }]));
  const moved = options.moveToDlq ? raw.find((r) => r.seq === options.moveToDlq?.seq) : undefined;
  if (moved) raw.splice(raw.indexOf(moved), 1);
  const core = new ProcessorCore({ windowMs: WINDOW_MS, ...SETTINGS });
  core.assign([...Array(PARTITIONS).keys()], T0);
  const outputs = [];
  for (let i = 0; i < raw.length; i += 50) outputs.push(core.processBatch(raw.slice(i, i + 50), T0 + i));
  const run: CleanRun = { topology, ledger, generated, results: [], lateValues: [], dlqValues: [], positions };
  for (const out of outputs) {
    for (const result of out.results) run.results.push({ key: result.key, value: JSON.stringify(result), result });
    for (const late of out.late) run.lateValues.push({ key: late.key ?? '', value: encodeLateValue(late) });
    for (const dlq of out.dlq) run.dlqValues.push({ key: dlq.key ?? '', value: encodeDlqValue(dlq) });
  }
  if (moved && options.moveToDlq) {
    const { seq, code } = options.moveToDlq;
    run.dlqValues.push({ key: moved.key ?? '', value: encodeDlqValue({ key: moved.key, value: moved.value, partition: moved.partition, offset: moved.offset, code, reason: 'planted', generatorId: GENERATOR_ID, seq }) });
  }
  await writeTransaction(stack, `verify-it-${name}`, [
    ...run.results.map((r) => ({ topic: topology.names.processed, key: r.key, value: r.value })),
    ...run.lateValues.map((r) => ({ topic: topology.names.late, ...r })),
    ...run.dlqValues.map((r) => ({ topic: topology.names.dlq, ...r })),
  ]);
  await deliver(stack, topology.delivery.streamName, [run.results.map((r) => r.value)]);
  return run;
}

/** One committed transaction per batch of messages, then (optionally) one aborted. */
export async function writeTransaction(stack: StackEndpoints, id: string, committed: TransactionalMessage[], ...more: { abort?: TransactionalMessage[]; commit?: TransactionalMessage[] }[]): Promise<void> {
  const writer = new TransactionalWriter(stack.kafka, { transactionalId: `${id}-${freshPrefix('tx')}` });
  try {
    await writer.commit(committed);
    for (const step of more) {
      if (step.commit) await writer.commit(step.commit);
      if (step.abort) await writer.abort(step.abort);
    }
  } finally {
    await writer.close();
  }
}

/** One Firehose PutRecordBatch per inner array (≤ 500 lines each): one S3 object each on emulators. */
export async function deliver(stack: StackEndpoints, streamName: string, calls: string[][]): Promise<void> {
  const clients = buildAwsClients(stack.aws);
  try {
    const put = createFirehosePut(clients.firehose, clients.target);
    for (const lines of calls) {
      for (let i = 0; i < lines.length; i += 500) {
        const outcome = await put.putBatch(streamName, lines.slice(i, i + 500).map((line) => frameRecord(new TextEncoder().encode(line))));
        if (outcome.kind !== 'response' || outcome.entries.some((e) => !e.ok)) throw new Error(`Firehose put failed: ${JSON.stringify(outcome)}`);
      }
    }
  } finally {
    clients.destroy();
  }
}

/** A fresh, empty copy of one of the run's topics (same spec, new name). */
export async function freshTopic(resources: Resources, run: CleanRun, which: 'processed' | 'late' | 'dlq', label: string): Promise<string> {
  const spec = run.topology.topics.find((t) => t.name === run.topology.names[which]);
  if (!spec) throw new Error(`no ${which} topic in the run`);
  const name = resources.topic(`${freshPrefix(label)}${which}`);
  await provisionTopology(resources.stack, { ...run.topology, topics: [{ ...spec, name }] }, { delivery: false });
  return name;
}

/** A fresh delivery target (bucket + stream) receiving the given Firehose calls. */
export async function freshDelivery(resources: Resources, label: string, calls: string[][]): Promise<Topology['delivery']> {
  const id = freshPrefix(label).replace(/-$/, '');
  const target = resources.target({ bucket: id, streamName: id });
  await provisionDelivery(resources.stack.aws, target);
  await deliver(resources.stack, target.streamName, calls);
  return { bucket: target.bucket, streamName: target.streamName, prefix: 'raw-data/', bufferingSizeMiB: 5, bufferingIntervalS: 300, compression: 'GZIP' };
}
