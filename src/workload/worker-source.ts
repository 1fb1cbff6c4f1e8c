import type { GeneratorConfig, GeneratorConfigInput } from './generator-config.js';
import type { PoolData } from './generator-pools.js';
import { buildPoolData } from './pool-data.js';
import { DecodedBatch } from './record-batch.js';
import type { RecordSource, SourcedRecord } from './record-source.js';
import type { Schedule } from './schedule-config.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { openWorkerChannel } from './worker-channel.js';

/**
 * A RecordSource fed by a load worker thread (load-worker.ts): the generator and the schedule run
 * there; here (worker-channel.ts), batches arrive in order, are decoded once each and read record
 * by record by the sender. At most `maxBatchesAhead` batches exist at any time (the memory bound:
 * about maxBatchesAhead × batchMaxRecords × payloadBytes). A failed worker makes whenReady()
 * reject with its error; close() terminates the thread.
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
export const WORKER_START_LEAD_MS = 25;

export interface WorkerSource extends RecordSource {
  /** Resolves when the worker has loaded its modules and built its generator (call before start() for a prompt first batch). */
  readonly loaded: Promise<void>;
  /** Records built by the worker (known once it is done). */
  readonly builtByWorker: number | undefined;
  /** Records handed over and not yet taken (bounded by maxBatchesAhead × batchMaxRecords). */
  readonly bufferedRecords: number;
}

export function startWorkerSource(options: WorkerSourceOptions): WorkerSource {
  const generatorId = options.generatorId;
  const channel = openWorkerChannel(
    {
      generatorConfig: { ...options.generatorConfig, generatorId },
      schedule: options.schedule,
      poolData: options.poolData ?? buildPoolData(options.generatorConfig.seed ?? 0),
      part: options.part ?? { index: 0, count: 1 },
      unit: { kind: 'records' },
      batchMaxRecords: options.batchMaxRecords ?? 512,
      batchSpanMs: options.batchSpanMs ?? 10,
      maxBatchesAhead: options.maxBatchesAhead ?? 32,
    },
    generatorId,
    (buffer) => new DecodedBatch(buffer),
  );
  return {
    generatorIds: [generatorId],
    startLeadMs: WORKER_START_LEAD_MS,
    loaded: channel.loaded,
    get builtByWorker() {
      return channel.built;
    },
    get bufferedRecords() {
      let n = 0;
      for (const b of channel.buffered()) n += b.remaining;
      return n;
    },
    start: channel.start,
    peekOffsetMs() {
      const batch = channel.head();
      if (batch) return batch.peekOffsetMs();
      if (channel.failure) return undefined;
      return channel.done ? null : undefined;
    },
    take(): SourcedRecord {
      const batch = channel.head();
      if (!batch) throw new StreamproofError(ERROR_CODES.UNEXPECTED, `load worker ${generatorId}: take() with no record buffered`, { hint: 'a harness bug: call peekOffsetMs() first' });
      const r = batch.take();
      return { generatorId, seq: r.seq, key: r.key, json: r.json, malformed: r.malformed };
    },
    whenReady: channel.whenReady,
    close: channel.close,
  };
}
