import type { GeneratorConfig, GeneratorConfigInput } from './generator-config.js';
import type { PoolData } from './generator-pools.js';
import type { Schedule } from './schedule-config.js';

/**
 * The messages between the sending thread and a load worker (load-worker.ts). Plain data only:
 * everything crosses the thread boundary by structured clone, batches by transfer.
 */
export interface LoadWorkerData {
  generatorConfig: GeneratorConfigInput | GeneratorConfig;
  schedule: Schedule;
  /** The generator's faker pools, drawn on the sending thread (the worker never loads faker). */
  poolData: PoolData;
  /** This worker builds the schedule's events index ≡ part.index (mod part.count). */
  part: { index: number; count: number };
  /**
   * What it builds: Kafka records (record-batch.ts), or the HTTP driver's requests of `batchSize`
   * events each, bodies included (request-batch.ts; the whole schedule, one part only).
   */
  unit: { kind: 'records' } | { kind: 'requests'; batchSize: number };
  /** A batch closes at this many records (requests: events in them) … */
  batchMaxRecords: number;
  /** … or once it spans this many ms of schedule, whichever comes first. */
  batchSpanMs: number;
  /** Batches handed over but not yet consumed, at most (the memory bound). */
  maxBatchesAhead: number;
}

export type ToWorker = { type: 'start'; startEpochMs: number } | { type: 'credit'; batches: number } | { type: 'stop' };

export type ToMain = { type: 'ready' } | { type: 'batch'; buffer: ArrayBuffer } | { type: 'done'; built: number };
