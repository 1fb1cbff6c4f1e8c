import type { WindowResult } from '../../../src/pipeline/processor/aggregate.js';
import { ProcessorCore } from '../../../src/pipeline/processor/core.js';
import { encodeDlqValue, encodeLateValue, type SourceRecord } from '../../../src/pipeline/processor/outputs.js';
import type { AnalyticsEvent } from '../../../src/workload/event.js';
import type { IngestEvidence } from '../../../src/verify/invariants.js';
import { SequenceLedger } from '../../../src/base/sequence-ledger.js';
import type { VerifierVerdict } from '../../../src/verify/verdict.js';
import { Verification, type DeliveredObjectInput, type KnownSettings } from '../../../src/verify/verification.js';
import { T0, makeEvent, partitionOf } from '../pipeline/processor/fixtures.js';
import { CONTROL_KEY, formatEndOfInput } from '../../../src/contract/control.js';

/**
 * A small, fully deterministic run in memory: raw-events records, the real ProcessorCore's outputs
 * in their wire formats, S3 as the delivery sink would write it, and the ingest ledger. Tests
 * copy a world, plant one defect, and verify it through the same Verification the verifier uses.
 */

export const WINDOW_MS = 60_000;
export const PARTITIONS = [0, 1, 2];
export const NOW_MS = T0 + 10_000_000;

export interface TopicRow {
  key: string | null;
  value: string | null;
  partition: number;
  offset: bigint;
  /** Kafka record timestamp, when a test gives one. */
  timestampMs?: number;
}

export interface World {
  events: AnalyticsEvent[];
  raw: TopicRow[];
  late: TopicRow[];
  dlq: TopicRow[];
  /** Committed processed-events records. */
  processed: TopicRow[];
  /** Records of aborted transactions (seen only read_uncommitted). */
  aborted: TopicRow[];
  s3: DeliveredObjectInput[];
  ledger: { acked: SequenceLedger; failed: SequenceLedger; refused: SequenceLedger; sent: SequenceLedger };
  /** Final results as the processor emitted them. */
  results: WindowResult[];
}

class Appender {
  private next = 0n;
  readonly rows: TopicRow[] = [];
  push(key: string | null, value: string | null, partition = 0): TopicRow {
    const row = { key, value, partition, offset: this.next };
    this.next += 1n;
    this.rows.push(row);
    return row;
  }
}

/**
 * 240 events from gen-1 over 9 users and four minutes: on time, a few out of order, 6 very late
 * (→ late-events), 4 malformed with their identity intact (→ DLQ). Allowed lateness 10 s, so
 * some windows are re-emitted with revision 1.
 */
export function buildWorld(): World {
  const offsets = [0n, 0n, 0n];
  const raw: TopicRow[] = [];
  const events: AnalyticsEvent[] = [];
  const ledger = { acked: new SequenceLedger(), failed: new SequenceLedger(), refused: new SequenceLedger(), sent: new SequenceLedger() };
  for (let seq = 0; seq < 240; seq += 1) {
    const userId = `u${seq % 9}`;
    let eventTime = T0 + seq * 1_000;
    if (seq % 40 === 39) eventTime -= 120_000; // very late
    else if (seq % 10 === 2) eventTime -= 13_000; // out of order: some arrive after their window fired (revision 1)
    const event = makeEvent({ seq, userId, eventTime, type: seq % 7 === 0 ? 'purchase' : 'page_view', intendedAt: T0 + seq * 1_000 });
    let value = JSON.stringify(event);
    if (seq % 60 === 17) value = JSON.stringify({ ...event, type: 'teleport' });
    else events.push(event);
    const partition = partitionOf(userId);
    raw.push({ key: userId, value, partition, offset: offsets[partition] as bigint });
    offsets[partition] = (offsets[partition] as bigint) + 1n;
    ledger.sent.add('gen-1', seq);
    ledger.acked.add('gen-1', seq);
  }
  // End of input the contract's way (docs/contract.md): one control record per partition closes the
  // last windows, so every watermark the results carry is one the log can prove.
  for (const partition of PARTITIONS) {
    raw.push({ key: CONTROL_KEY, value: formatEndOfInput(T0 + 1_000_000), partition, offset: offsets[partition] as bigint });
    offsets[partition] = (offsets[partition] as bigint) + 1n;
  }
  const world: World = { events, raw, late: [], dlq: [], processed: [], aborted: [], s3: [], ledger, results: [] };
  processInto(world);
  return world;
}

/** Runs the processor core over world.raw (in batches of 5) and rewrites every output from it. */
export function processInto(world: World): void {
  const core = new ProcessorCore({ windowMs: WINDOW_MS, outOfOrdernessMs: 5_000, allowedLatenessMs: 10_000, idleTimeoutMs: 1_000_000_000 });
  core.assign(PARTITIONS, NOW_MS);
  const late = new Appender();
  const dlq = new Appender();
  const processed = new Appender();
  const records: SourceRecord[] = world.raw.map((r) => ({ ...r }));
  const outputs = [];
  for (let i = 0; i < records.length; i += 5) outputs.push(core.processBatch(records.slice(i, i + 5), NOW_MS + i));
  const finals = new Map<string, WindowResult>();
  for (const out of outputs) {
    for (const result of out.results) {
      processed.push(result.key, JSON.stringify(result), result.sourcePartition);
      finals.set(result.key, result);
    }
    for (const record of out.late) late.push(record.key, encodeLateValue(record));
    for (const record of out.dlq) dlq.push(record.key, encodeDlqValue(record));
  }
  world.late = late.rows;
  world.dlq = dlq.rows;
  world.processed = processed.rows;
  world.results = [...finals.values()];
  world.s3 = [deliver(world.processed.map((r) => r.value as string), 'raw-data/0001')];
}

export function deliver(lines: string[], key: string): DeliveredObjectInput {
  return { key, terminated: true, records: lines };
}

/** A deep-enough copy: arrays copied, ledgers shared unless replaced. */
export function copyWorld(world: World): World {
  return { ...world, raw: [...world.raw], late: [...world.late], dlq: [...world.dlq], processed: [...world.processed], aborted: [...world.aborted], s3: [...world.s3] };
}

export interface VerifyWorldOptions {
  ledger?: IngestEvidence;
  delivery?: boolean;
  pinpoint?: boolean;
  exampleLimit?: number;
  /** The processor's settings the verifier is told (the world's own by default). */
  settings?: KnownSettings;
  valuesOnly?: boolean;
}

/** The settings processInto runs the core with. */
export const WORLD_SETTINGS: KnownSettings = { outOfOrdernessMs: 5_000, allowedLatenessMs: 10_000, idleTimeoutMs: 1_000_000_000, maxEventTimeAheadMs: null };

/** Verifies a world exactly as verifyRun would, the second (pinpoint) raw pass included. */
export function verifyWorld(world: World, options: VerifyWorldOptions = {}): VerifierVerdict {
  const verification = new Verification({ windowMs: WINDOW_MS, exampleLimit: options.exampleLimit ?? 5, settings: options.settings ?? WORLD_SETTINGS, valuesOnly: options.valuesOnly ?? false });
  for (const row of world.late) verification.addLate(row);
  for (const row of world.dlq) verification.addDlq(row);
  for (const row of world.processed) {
    verification.addCommittedResult(row);
    verification.addUncommittedResult(row);
  }
  for (const row of world.aborted) verification.addUncommittedResult(row);
  for (const row of world.raw) verification.addRaw(row);
  const delivery = options.delivery ?? true;
  if (delivery) for (const object of world.s3) verification.addDeliveredObject(object);
  const pinpointer = options.pinpoint === false ? null : verification.pinpointer();
  if (pinpointer) for (const row of world.raw) pinpointer.addRaw(row);
  return verification.verdict({ ledger: options.ledger ?? world.ledger, delivery, ...(pinpointer ? { pinpoint: pinpointer.findings() } : {}) });
}

/** The non-zero violation counts per invariant: `{}` for a clean run. */
export function violationsOf(verdict: VerifierVerdict): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const inv of verdict.invariants) {
    for (const kind of inv.violationKinds) {
      const count = inv.counts[kind] ?? 0;
      if (count > 0) (out[inv.id] ??= {})[kind] = count;
    }
  }
  return out;
}

export function invariant(verdict: VerifierVerdict, id: 'I1' | 'I2' | 'I3') {
  const found = verdict.invariants.find((inv) => inv.id === id);
  if (!found) throw new Error(`no ${id} in the verdict`);
  return found;
}
