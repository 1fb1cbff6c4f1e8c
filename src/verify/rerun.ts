import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { buildAwsClients } from '../aws/clients.js';
import { S3DeliveryReader } from '../aws/s3-reader.js';
import type { StackEndpoints } from '../base/endpoints.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { LEDGER_FILE_NAME, decodeLedgerFile, type LedgerFile } from '../base/ledger-file.js';
import { buildTopology } from '../contract/topology.js';
import { withKafkaAdmin } from '../kafka/admin.js';
import { readResult, type RunResult, type Verdict } from '../report/result-schema.js';
import { shortIdOf } from '../runner/run-id.js';
import { validateScenario } from '../scenario/validate.js';
import type { Scenario } from '../scenario/schema.js';
import type { IngestEvidence } from './invariants.js';
import { NEEDS_LEDGER } from './invariants.js';
import { verifyRun, type VerifyRunReport } from './verifier.js';

/**
 * Re-verification of a kept run (`npm run verify -- results/<scenario>/<run>`): the run's
 * result.json gives the processor settings, ledger.json the ingest ledger and where the data is;
 * overrides point the verifier at any topics and bucket instead, so that output of any processor
 * can be checked. Every failure to find what is needed is a StreamproofError saying how to fix it.
 */

export interface DataOverrides {
  raw?: string;
  processed?: string;
  late?: string;
  dlq?: string;
  bucket?: string;
  prefix?: string;
}

export interface ReverifyOptions {
  /** A run directory or its result.json. */
  run: string;
  endpoints: StackEndpoints;
  overrides?: DataOverrides;
  valuesOnly?: boolean;
  log?: (line: string) => void;
}

export interface ReverifyOutcome {
  result: RunResult;
  /** The verdict the run itself wrote (null when it ended without one). */
  runVerdict: Verdict | null;
  report: VerifyRunReport;
  data: LedgerFile['data'];
  /** Checks this re-verification could not make, and why (empty when it made them all). */
  notChecked: string[];
  /** Topics or bucket that hold records of another shape than this pipeline's. */
  shapeProblems: string[];
}

async function locate(run: string): Promise<{ dir: string; resultPath: string }> {
  const info = await stat(run).catch(() => null);
  if (!info) throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `${run} does not exist`, { hint: 'pass a run directory, e.g. results/smoke/latest, or its result.json' });
  return info.isDirectory() ? { dir: run, resultPath: join(run, 'result.json') } : { dir: dirname(run), resultPath: run };
}

/** Where the run's data was, from its ledger file, else from its run id (the runner's own naming). */
function dataOf(result: RunResult, scenario: Scenario, fromLedger: LedgerFile['data'] | null): LedgerFile['data'] {
  if (fromLedger) return fromLedger;
  const shortId = shortIdOf(result.runId);
  if (!shortId) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `run id ${result.runId} does not name its topics and there is no ${LEDGER_FILE_NAME}`, {
      hint: 'pass the topics and bucket: --raw, --processed, --late, --dlq, --bucket',
    });
  }
  const topology = buildTopology({
    brokers: 1,
    partitions: scenario.topology.rawEventsPartitions,
    processedPartitions: scenario.topology.processedEventsPartitions,
    replicationFactor: 1,
    prefix: `${shortId}.`,
    retentionMs: scenario.topology.retentionMs,
    bucketBase: scenario.delivery.bucket,
    streamBase: scenario.delivery.streamName,
  });
  const { names, delivery } = topology;
  return { raw: names.raw, processed: names.processed, late: names.late, dlq: names.dlq, bucket: delivery.bucket, prefix: delivery.prefix };
}

async function assertTopicsExist(endpoints: StackEndpoints, data: LedgerFile['data']): Promise<void> {
  const existing = new Set(await withKafkaAdmin(endpoints.kafka, (admin) => admin.listTopics()));
  const gone = [data.raw, data.processed, data.late, data.dlq].filter((name) => !existing.has(name));
  if (gone.length > 0) {
    throw new StreamproofError(ERROR_CODES.RUN_DATA_GONE, `the run's topic${gone.length > 1 ? 's' : ''} ${gone.join(', ')} no longer exist${gone.length > 1 ? '' : 's'} on ${endpoints.kafka.bootstrapServers}`, {
      hint: 'a run removes its topics and bucket at the end: run it with --keep-data to verify it again later, or point --raw/--processed/--late/--dlq at topics that exist',
    });
  }
}

async function assertBucketExists(endpoints: StackEndpoints, data: LedgerFile['data']): Promise<void> {
  const clients = buildAwsClients(endpoints.aws);
  try {
    await new S3DeliveryReader(clients.s3, { bucket: data.bucket, prefix: data.prefix, nowMs: () => Date.now(), target: clients.target }).list();
  } catch (error) {
    throw new StreamproofError(ERROR_CODES.RUN_DATA_GONE, `cannot list s3://${data.bucket}/${data.prefix}: ${(error as Error).message}`, {
      hint: 'a run removes its bucket at the end unless run with --keep-data; or point --bucket (and --prefix) at the delivered objects',
      cause: error,
    });
  } finally {
    clients.destroy();
  }
}

/** Topics that read as something else than this pipeline's: every record of the wrong shape. */
function shapeProblemsOf(report: VerifyRunReport, data: LedgerFile['data']): string[] {
  const problems: string[] = [];
  const i2 = report.verdict.invariants.find((inv) => inv.id === 'I2')?.counts ?? {};
  const i1 = report.verdict.invariants.find((inv) => inv.id === 'I1')?.counts ?? {};
  const results = i2.results ?? 0;
  if (results > 0 && (i2.invalidResults ?? 0) === results) problems.push(`${data.processed}: none of its ${results} records is a window result (docs/contract.md) — is it the processed-events topic?`);
  const records = i1.records ?? 0;
  if (records > 0 && (i1.unidentified ?? 0) + (i2.missing ?? 0) >= records && (i2.inResults ?? 0) === 0) problems.push(`${data.raw}: none of its ${records} records is an event this pipeline counted — is it the raw-events topic?`);
  if ((i2.invalidSinkRecords ?? 0) > 0 && (i2.late ?? 0) + (i2.dlq ?? 0) === 0) problems.push(`${data.late} / ${data.dlq}: records that are not late-events or DLQ values — are these the side-output topics?`);
  return problems;
}

export async function reverify(options: ReverifyOptions): Promise<ReverifyOutcome> {
  const log = options.log ?? (() => undefined);
  const { dir, resultPath } = await locate(options.run);
  const result = await readResult(resultPath);
  const ledgerPath = join(dir, LEDGER_FILE_NAME);
  const ledgerText = await readFile(ledgerPath, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  const ledgerFile = ledgerText === null ? null : decodeLedgerFile(ledgerText, ledgerPath);
  const notChecked: string[] = [];
  let ledger: IngestEvidence | null = null;
  if (ledgerFile) {
    const l = ledgerFile.ledgers;
    ledger = { acked: l.acked, failed: l.failed, refused: l.refused, sent: l.sent, malformed: l.malformed };
  } else {
    notChecked.push(`I1 ${NEEDS_LEDGER.join(', ')}: no ${LEDGER_FILE_NAME} in ${basename(dir)} (the acknowledgements are known only from it)`);
  }
  // The scenario as the run resolved it: its processor settings are what the results must follow.
  const { scenario } = validateScenario(result.scenario.resolved, { source: `${resultPath} (scenario)` });
  const data = { ...dataOf(result, scenario, ledgerFile?.data ?? null), ...definedOnly(options.overrides ?? {}) };
  const delivery = scenario.delivery.enabled || options.overrides?.bucket !== undefined;
  if (!delivery) notChecked.push('I3: delivery was disabled in the run (pass --bucket to check delivered objects anyway)');
  await assertTopicsExist(options.endpoints, data);
  if (delivery) await assertBucketExists(options.endpoints, data);

  const processor = scenario.processor;
  log(`verifying ${data.raw} → ${data.processed} (late ${data.late}, dlq ${data.dlq})${delivery ? ` → s3://${data.bucket}/${data.prefix}` : ''}`);
  const report = await verifyRun({
    endpoints: options.endpoints,
    topology: {
      names: { raw: data.raw, processed: data.processed, late: data.late, dlq: data.dlq, changelog: '' },
      delivery: { bucket: data.bucket, prefix: data.prefix },
    },
    ledger,
    windowMs: processor.windowMs,
    settings: {
      outOfOrdernessMs: processor.outOfOrdernessMs,
      allowedLatenessMs: processor.allowedLatenessMs,
      idleTimeoutMs: processor.idleTimeoutMs,
      maxEventTimeAheadMs: null,
      // The run started before the processors it started were assigned partitions (an external job: unknown).
      ...(processor.kind === 'external' ? {} : { assignedNotBeforeMs: Date.parse(result.startedAt) }),
    },
    valuesOnly: options.valuesOnly ?? false,
    delivery,
    log,
  });
  if (options.valuesOnly) notChecked.push('I2 fingerprints: values-only mode (an event swapped for one with the same values is not seen; wrong windows are not pinpointed to events)');
  return { result, runVerdict: result.verdict ?? null, report, data, notChecked, shapeProblems: shapeProblemsOf(report, data) };
}

function definedOnly(overrides: DataOverrides): Partial<LedgerFile['data']> {
  return Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined)) as Partial<LedgerFile['data']>;
}
