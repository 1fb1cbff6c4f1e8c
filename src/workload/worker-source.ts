import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../base/module-worker.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { GeneratorConfig, GeneratorConfigInput } from './generator-config.js';
import type { PoolData } from './generator-pools.js';
import { buildPoolData } from './pool-data.js';
import type { LoadWorkerData, ToMain, ToWorker } from './load-worker-protocol.js';
import { DecodedBatch } from './record-batch.js';
import type { RecordSource, SourcedRecord } from './record-source.js';
import type { Schedule } from './schedule-config.js';

/**
 * A RecordSource fed by a load worker thread (load-worker.ts): the generator and the schedule run
 * there; here, batches arrive in order (postMessage keeps order), are decoded once each and read
 * record by record by the sender. A consumed batch returns a credit, so at most
 * `maxBatchesAhead` batches exist at any time (the memory bound: about
 * maxBatchesAhead × batchMaxRecords × payloadBytes).
 *
 * End and failure: the worker posts `done` after its last batch, so every record it built has
 * arrived before the source says the schedule is exhausted. A worker that throws or exits without
 * `done` fails the source: whenReady() rejects with an error naming the worker's, and the sender
 * stops. close() terminates the thread (Ctrl-C and errors end it through the run's clean-ups).
 */
export interface WorkerSourceOptions {
  generatorConfig: GeneratorConfigInput | GeneratorConfig;
  generatorId: string;
  schedule: Schedule;
  /** The faker pools for the config's seed (built here when absent; pass them to share one set among workers). */
  poolData?: PoolData;
  /** This worker's part of a split schedule (default: the whole schedule). */
  part?: { index: number; count: number };
  /** Default 512 records … */
  batchMaxRecords?: number;
  /** … or 10 ms of schedule per batch. */
  batchSpanMs?: number;
  /** Default 32 batches handed over ahead. */
  maxBatchesAhead?: number;
}

/** Time to start the thread's first batch after start(): the default lead of offset 0. */
const WORKER_START_LEAD_MS = 25;

const workerUrl = new URL('./load-worker.ts', import.meta.url);

function spawnLoadWorker(data: LoadWorkerData, generatorId: string): Worker {
  return startModuleWorker(workerUrl, { workerData: data, name: `load-worker ${generatorId}` });
}

export interface WorkerSource extends RecordSource {
  /** Resolves when the worker has loaded its modules and built its generator (call before start() for a prompt first batch). */
  readonly loaded: Promise<void>;
  /** Records built by the worker (known once it is done). */
  readonly builtByWorker: number | undefined;
  /** Records handed over and not yet taken (bounded by maxBatchesAhead × batchMaxRecords). */
  readonly bufferedRecords: number;
}

export function startWorkerSource(options: WorkerSourceOptions): WorkerSource {
  const part = options.part ?? { index: 0, count: 1 };
  const data: LoadWorkerData = {
    generatorConfig: { ...options.generatorConfig, generatorId: options.generatorId },
    schedule: options.schedule,
    poolData: options.poolData ?? buildPoolData(options.generatorConfig.seed ?? 0),
    part,
    batchMaxRecords: options.batchMaxRecords ?? 512,
    batchSpanMs: options.batchSpanMs ?? 10,
    maxBatchesAhead: options.maxBatchesAhead ?? 32,
  };
  const generatorId = options.generatorId;
  const worker = spawnLoadWorker(data, generatorId);
  // A source nobody closed must never hold the process open; a run's own handles keep it alive.
  worker.unref();

  const batches: DecodedBatch[] = [];
  let current: DecodedBatch | undefined;
  let done = false;
  let built: number | undefined;
  let failure: StreamproofError | undefined;
  let closed = false;
  let started: number | undefined;
  let waiter: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  let resolveLoaded!: () => void;
  let rejectLoaded!: (error: unknown) => void;
  const loaded = new Promise<void>((resolve, reject) => {
    resolveLoaded = resolve;
    rejectLoaded = reject;
  });
  loaded.catch(() => undefined);

  const send = (message: ToWorker): void => {
    if (!closed) worker.postMessage(message);
  };

  const notify = (): void => {
    const w = waiter;
    waiter = undefined;
    if (!w) return;
    if (failure) w.reject(failure);
    else w.resolve();
  };

  const fail = (detail: string, cause?: unknown): void => {
    if (failure || done || closed) return;
    failure = new StreamproofError(ERROR_CODES.UNEXPECTED, `the load worker of ${generatorId} failed: ${detail}`, {
      hint: 'the run stops sending; the events it never sent count as due, not sent. Fix the cause above and run again',
      ...(cause === undefined ? {} : { cause }),
    });
    rejectLoaded(failure);
    notify();
  };

  worker.on('message', (message: ToMain) => {
    if (message.type === 'ready') resolveLoaded();
    else if (message.type === 'batch') {
      try {
        batches.push(new DecodedBatch(message.buffer));
      } catch (error) {
        fail(error instanceof Error ? error.message : String(error), error);
        return;
      }
    } else if (message.type === 'done') {
      done = true;
      built = message.built;
    }
    notify();
  });
  worker.on('error', (error) => fail(error instanceof Error ? error.message : String(error), error));
  worker.on('exit', (code) => {
    // Messages posted just before the exit are still delivered first; look after them.
    setImmediate(() => {
      if (!done) fail(`its thread exited (code ${code}) before the end of its schedule`);
    });
  });

  /** The batch to read from, advancing past finished ones (each returns a credit). */
  const head = (): DecodedBatch | undefined => {
    while (current === undefined || current.remaining === 0) {
      if (current !== undefined) send({ type: 'credit', batches: 1 });
      current = batches.shift();
      if (current === undefined) return undefined;
    }
    return current;
  };

  return {
    generatorIds: [generatorId],
    startLeadMs: WORKER_START_LEAD_MS,
    loaded,
    get builtByWorker() {
      return built;
    },
    get bufferedRecords() {
      let n = current?.remaining ?? 0;
      for (const b of batches) n += b.count;
      return n;
    },
    start(startEpochMs) {
      if (started !== undefined) {
        if (started !== startEpochMs) throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `load worker ${generatorId} already started at ${started}`, { hint: 'start a source once' });
        return;
      }
      started = startEpochMs;
      send({ type: 'start', startEpochMs });
    },
    peekOffsetMs() {
      const batch = head();
      if (batch) return batch.peekOffsetMs();
      if (failure) return undefined;
      return done ? null : undefined;
    },
    take(): SourcedRecord {
      const batch = head();
      if (!batch) throw new StreamproofError(ERROR_CODES.UNEXPECTED, `load worker ${generatorId}: take() with no record buffered`, { hint: 'a harness bug: call peekOffsetMs() first' });
      const r = batch.take();
      return { generatorId, seq: r.seq, key: r.key, json: r.json, malformed: r.malformed };
    },
    whenReady(signal) {
      if (failure) return Promise.reject(failure);
      if (signal.aborted || head() !== undefined || done) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          waiter = undefined;
          resolve();
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter = {
          resolve: () => {
            signal.removeEventListener('abort', onAbort);
            resolve();
          },
          reject: (error) => {
            signal.removeEventListener('abort', onAbort);
            reject(error);
          },
        };
      });
    },
    async close() {
      if (closed) return;
      closed = true;
      batches.length = 0;
      current = undefined;
      await worker.terminate();
    },
  };
}
