import { buildAwsClients } from '../aws/clients.js';
import { S3DeliveryReader } from '../aws/s3-reader.js';
import { readTopicToEnd, type TopicRecord } from '../kafka/topic-reader.js';
import type { CounterName, Verdict } from '../report/result-schema.js';
import type { StackEndpoints } from '../base/endpoints.js';
import type { Topology } from '../contract/topology.js';
import { DEFAULT_EXAMPLE_LIMIT } from './examples.js';
import { awaitSettledTopics, type PendingPartition } from './settle.js';
import type { IngestEvidence } from './invariants.js';
import { toResultVerdict, verdictCounters, type VerifierVerdict } from './verdict.js';
import { Verification, type KnownSettings } from './verification.js';

/**
 * The verifier's I/O: reads what a run left behind and proves, for every event, where it went.
 *
 *   0. wait until no transaction is pending on the topics (settle.ts);
 *   1. late-events, the DLQ (read_committed) and processed-events (read_committed and
 *      read_uncommitted), concurrently: sink identities into bitmaps, one entry per distinct result;
 *   2. raw-events (read_committed), classifying each record against the sinks while building the
 *      expected fingerprint of every window; S3 alongside, matched against the committed results;
 *   3. the invariants (invariants.ts); when I2 found window-level violations, a second raw-events
 *      pass names the events behind them (examples only).
 * Every read streams through a callback; memory is the bitmaps, one fingerprint per window and one
 * entry per distinct result, never the raw values.
 */

export interface VerifyRunOptions {
  endpoints: StackEndpoints;
  topology: { names: Topology['names']; delivery: { bucket: string; prefix: string } };
  /** The ingest ledger (IngestLedger fits); null when it is gone: I1 is then only partly checked. */
  ledger: IngestEvidence | null;
  /** The processor's tumbling window length. */
  windowMs: number;
  /** The processor's other settings, when known: each turns a bound into an exact check (docs/verification.md). */
  settings?: KnownSettings;
  /** The processor emits no fingerprints: I2 by the recomputed values alone (said in the verdict). */
  valuesOnly?: boolean;
  /** false: I3 is reported as not checked. */
  delivery: boolean;
  /** Examples kept per kind of violation. Default 5. */
  exampleLimit?: number;
  /** Per topic read. Default 300 s (a 10 M-event raw-events topic takes minutes on one machine). */
  readTimeoutMs?: number;
  /**
   * How long to wait for pending transactions on the topics to resolve before reading (see
   * settle.ts). Default 60 s, above the processor's 20 s transaction timeout.
   */
  settleTimeoutMs?: number;
  /** Second raw-events pass to name the events behind window-level violations. Default true. */
  pinpoint?: boolean;
  /** Monotonic ms, for the read timings. Default performance.now. */
  nowMs?: () => number;
  log?: (line: string) => void;
}

export interface SourceRead {
  source: string;
  records: number;
  ms: number;
}

export interface VerifyRunReport {
  verdict: VerifierVerdict;
  /** The verdict in the result file's form. */
  resultVerdict: Verdict;
  /** Result counters the verdict determines (lost, duplicated, late, dlq, violations, s3Missing, s3Duplicates). */
  counters: Partial<Record<CounterName, number>>;
  reads: SourceRead[];
  /**
   * Partitions whose transactions were still pending when the settle wait ran out (normally
   * empty). Their open records were read as "aborted" and may yet commit: re-run the verifier.
   */
  pendingTransactions: PendingPartition[];
  /** Bytes held by the sequence bitmaps at the end (the part of the state that grows with events). */
  bitmapBytes: number;
  /** Windows the expected-fingerprint map held. */
  windows: number;
}

export async function verifyRun(options: VerifyRunOptions): Promise<VerifyRunReport> {
  const { endpoints, topology } = options;
  const limit = options.exampleLimit ?? DEFAULT_EXAMPLE_LIMIT;
  const timeoutMs = options.readTimeoutMs ?? 300_000;
  const nowMs = options.nowMs ?? (() => performance.now());
  const log = options.log ?? (() => undefined);
  const reads: SourceRead[] = [];
  const timed = async (source: string, read: () => Promise<number>): Promise<void> => {
    const startMs = nowMs();
    const records = await read();
    reads.push({ source, records, ms: Math.round(nowMs() - startMs) });
    log(`read ${source}: ${records} records`);
  };
  const topic = (name: string, readCommitted: boolean, onRecord: (record: TopicRecord) => void) => async () =>
    (await readTopicToEnd(endpoints.kafka, name, { readCommitted, timeoutMs, onRecord })).records;

  const names = topology.names;
  const settle = await awaitSettledTopics(endpoints.kafka, [names.raw, names.processed, names.late, names.dlq], { timeoutMs: options.settleTimeoutMs ?? 60_000, nowMs });
  if (!settle.settled) {
    log(`warning: ${settle.pending.length} partition(s) still have a pending transaction; their records count as aborted: ${settle.pending.map((p) => `${p.topic}/${p.partition}`).join(', ')}`);
  }

  const verification = new Verification({
    windowMs: options.windowMs,
    exampleLimit: limit,
    ...(options.settings ? { settings: options.settings } : {}),
    ...(options.valuesOnly ? { valuesOnly: true } : {}),
  });
  await Promise.all([
    timed('late-events', topic(topology.names.late, true, (record) => verification.addLate(record))),
    timed('dlq', topic(topology.names.dlq, true, (record) => verification.addDlq(record))),
    timed('processed-events (read_committed)', topic(topology.names.processed, true, (record) => verification.addCommittedResult(record))),
    timed('processed-events (read_uncommitted)', topic(topology.names.processed, false, (record) => verification.addUncommittedResult(record))),
  ]);

  const readS3 = async (): Promise<number> => {
    const clients = buildAwsClients(endpoints.aws);
    try {
      const reader = new S3DeliveryReader(clients.s3, { bucket: topology.delivery.bucket, prefix: topology.delivery.prefix, nowMs: () => Date.now(), target: clients.target });
      let lines = 0;
      // One object's body at a time: memory does not grow with the bucket.
      for await (const object of reader.readAll()) {
        verification.addDeliveredObject(object);
        lines += object.recordCount;
      }
      return lines;
    } finally {
      clients.destroy();
    }
  };
  await Promise.all([
    timed('raw-events', topic(topology.names.raw, true, (record) => verification.addRaw(record))),
    ...(options.delivery ? [timed(`s3://${topology.delivery.bucket}/${topology.delivery.prefix}`, readS3)] : []),
  ]);

  const pinpointer = options.pinpoint === false ? null : verification.pinpointer();
  if (pinpointer) await timed('raw-events (pinpoint pass)', topic(topology.names.raw, true, (record) => pinpointer.addRaw(record)));

  const verdict = verification.verdict({ ledger: options.ledger, delivery: options.delivery, ...(pinpointer ? { pinpoint: pinpointer.findings() } : {}) });
  return {
    verdict,
    resultVerdict: toResultVerdict(verdict),
    counters: verdictCounters(verdict),
    reads,
    pendingTransactions: settle.pending,
    bitmapBytes: verification.bitmapBytes,
    windows: verification.windows,
  };
}
