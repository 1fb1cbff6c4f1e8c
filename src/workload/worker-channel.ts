import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../base/module-worker.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { LoadWorkerData, ToMain, ToWorker } from './load-worker-protocol.js';

/**
 * The sending thread's end of a load worker (load-worker.ts), whatever the worker builds: Kafka
 * records (worker-source.ts) or HTTP requests (request-source.ts). Batches arrive in order
 * (postMessage keeps order) and are decoded once each; a finished batch returns a credit, so at
 * most `maxBatchesAhead` batches exist at any time (the memory bound).
 *
 * End and failure: the worker posts `done` after its last batch, so every batch it built has
 * arrived before the channel says the schedule is exhausted. A worker that throws or exits
 * without `done` fails the channel: whenReady() rejects with an error naming the worker's, and the
 * caller stops. close() terminates the thread (Ctrl-C and errors end it through the run's clean-ups).
 */
export interface DecodedUnits {
  /** Units (records or requests) not read yet. */
  readonly remaining: number;
}

export interface WorkerChannel<B extends DecodedUnits> {
  /** Resolves when the worker has loaded its modules and built its generator. */
  readonly loaded: Promise<void>;
  /** Units built by the worker (known once it is done). */
  readonly built: number | undefined;
  /** The worker posted its last batch (every batch it built has arrived). */
  readonly done: boolean;
  readonly failure: StreamproofError | undefined;
  /** The batch to read from, advancing past finished ones (each returns a credit); undefined when none is buffered. */
  head(): B | undefined;
  /** The batches buffered and not finished, the current one first. */
  buffered(): readonly B[];
  /** Fixes schedule offset 0 (epoch ms); idempotent for the same value. */
  start(startEpochMs: number): void;
  /** Resolves once a batch is buffered or the worker is done, at once when `signal` aborts; rejects when it failed. */
  whenReady(signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

const workerUrl = new URL('./load-worker.ts', import.meta.url);

export function openWorkerChannel<B extends DecodedUnits>(data: LoadWorkerData, generatorId: string, decode: (buffer: ArrayBuffer) => B): WorkerChannel<B> {
  const worker: Worker = startModuleWorker(workerUrl, { workerData: data, name: `load-worker ${generatorId}` });
  // A channel nobody closed must never hold the process open; a run's own handles keep it alive.
  worker.unref();

  const batches: B[] = [];
  let current: B | undefined;
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
        batches.push(decode(message.buffer));
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

  const head = (): B | undefined => {
    while (current === undefined || current.remaining === 0) {
      if (current !== undefined) send({ type: 'credit', batches: 1 });
      current = batches.shift();
      if (current === undefined) return undefined;
    }
    return current;
  };

  // Closures only (no `this`): callers may spread or pass the methods around.
  return {
    loaded,
    get built() {
      return built;
    },
    get done() {
      return done;
    },
    get failure() {
      return failure;
    },
    head,
    buffered() {
      return current === undefined ? [...batches] : [current, ...batches];
    },
    start(startEpochMs) {
      if (started !== undefined) {
        if (started !== startEpochMs) throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `load worker ${generatorId} already started at ${started}`, { hint: 'start a source once' });
        return;
      }
      started = startEpochMs;
      send({ type: 'start', startEpochMs });
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
