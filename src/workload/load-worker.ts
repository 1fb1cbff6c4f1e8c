import { parentPort, workerData } from 'node:worker_threads';
import { createGeneratorFromPools } from './generator-core.js';
import { createRequestPlanner } from './http-driver-plan.js';
import { encodeBatch, type BatchRecord } from './record-batch.js';
import { encodeRequests, type WireRequest } from './request-batch.js';
import { intendedOffsetsMs } from './schedule.js';
import type { LoadWorkerData, ToMain, ToWorker } from './load-worker-protocol.js';

/**
 * A load worker's thread (entry point; started by worker-source.ts): owns the generator and the
 * schedule of its part, builds and encodes records ahead of time and posts them to the sending
 * thread in batches (record-batch.ts), transferring each batch's buffer; for the HTTP driver it
 * builds whole requests instead, NDJSON bodies encoded (request-batch.ts). It never has more than
 * `maxBatchesAhead` batches unconsumed: each batch the sender finishes returns one credit, so
 * memory is bounded whatever the sender's pace. Records are intended at start + offset, fixed
 * before any is built, so building ahead changes nothing in them. When the schedule is done it
 * says so and ends; any exception ends the thread with an error the sender reports.
 */
const port = parentPort;
if (!port) throw new Error('load-worker.ts runs only as a worker thread (started by worker-source.ts)');
const data = workerData as LoadWorkerData;
const generator = createGeneratorFromPools(data.generatorConfig, data.poolData);

let credits = data.maxBatchesAhead;
let wakeProducer: (() => void) | undefined;
let startEpochMs: number | undefined;
let stopped = false;

port.on('message', (message: ToWorker) => {
  if (message.type === 'credit') credits += message.batches;
  else if (message.type === 'start') startEpochMs = message.startEpochMs;
  else if (message.type === 'stop') stopped = true;
  const wake = wakeProducer;
  wakeProducer = undefined;
  wake?.();
});

function post(message: ToMain, transfer?: ArrayBuffer[]): void {
  port!.postMessage(message, transfer);
}

function waitForMessage(): Promise<void> {
  return new Promise((resolve) => {
    wakeProducer = resolve;
  });
}

/** Waits for a credit, then posts the batch; false once stopped. */
async function postWhenCredited(encode: () => ArrayBuffer): Promise<boolean> {
  while (credits <= 0 && !stopped) await waitForMessage();
  if (stopped) return false;
  credits -= 1;
  const buffer = encode();
  post({ type: 'batch', buffer }, [buffer]);
  return true;
}

async function produceRequests(start: number, batchSize: number): Promise<void> {
  const planner = createRequestPlanner({ offsetsMs: intendedOffsetsMs(data.schedule), generator, batchSize, startEpochMs: start });
  let batch: WireRequest[] = [];
  let records = 0;
  let built = 0;
  const flush = async (): Promise<boolean> => {
    if (batch.length === 0) return !stopped;
    const requests = batch;
    batch = [];
    records = 0;
    return postWhenCredited(() => encodeRequests(requests));
  };
  for (let planned = planner.next(); planned !== undefined; planned = planner.next()) {
    if (stopped) return;
    const refs = planned.kind === 'events' ? planned.events : planned.malformed;
    batch.push({ kind: planned.kind, intendedOffsetMs: planned.intendedOffsetMs, seqs: refs.map((r) => r.seq), body: planned.body as string });
    records += refs.length;
    built += refs.length;
    const spanMs = planned.intendedOffsetMs - (batch[0] as WireRequest).intendedOffsetMs;
    if ((records >= data.batchMaxRecords || spanMs >= data.batchSpanMs) && !(await flush())) return;
  }
  if (!(await flush())) return;
  post({ type: 'done', built });
}

async function produce(): Promise<void> {
  while (startEpochMs === undefined && !stopped) await waitForMessage();
  const start = startEpochMs as number;
  if (data.unit.kind === 'requests') return produceRequests(start, data.unit.batchSize);
  const { index: part, count: parts } = data.part;
  let scheduleIndex = 0;
  let batch: BatchRecord[] = [];
  let batchStartMs = 0;
  let built = 0;
  const flush = async (): Promise<void> => {
    if (batch.length === 0) return;
    const records = batch;
    batch = [];
    await postWhenCredited(() => encodeBatch(records));
  };
  for (const offsetMs of intendedOffsetsMs(data.schedule)) {
    if (stopped) return;
    // Several workers split one schedule round-robin: this one builds every `parts`-th event.
    const mine = scheduleIndex % parts === part;
    scheduleIndex += 1;
    if (!mine) continue;
    if (batch.length === 0) batchStartMs = offsetMs;
    const record = generator.next(start + offsetMs);
    built += 1;
    batch.push(
      record.kind === 'event'
        ? { offsetMs, seq: record.event.seq, key: record.key, json: record.json, malformed: false }
        : { offsetMs, seq: record.seq, key: record.key, json: record.json, malformed: true },
    );
    if (batch.length >= data.batchMaxRecords || offsetMs - batchStartMs >= data.batchSpanMs) await flush();
  }
  await flush();
  if (!stopped) post({ type: 'done', built });
}

post({ type: 'ready' });
await produce();
port.close();
