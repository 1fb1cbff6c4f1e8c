/**
 * What a running processor instance tells the world: a status snapshot (the child process prints
 * one per second as a JSON line; the supervisor parses it) and transaction events (for traces
 * and crash tests).
 */
export type ProcessorState = 'starting' | 'restoring' | 'running' | 'stopping' | 'stopped' | 'fenced' | 'failed';

export interface ProcessorStatus {
  state: ProcessorState;
  /** Consumer group generation of the current assignment (null before the first). */
  generationId: number | null;
  partitions: number[];
  /** raw-events records applied in committed transactions (events, invalid and control records). */
  eventsIn: number;
  windowsEmitted: number;
  lateEvents: number;
  dlqEvents: number;
  transactionsCommitted: number;
  transactionsAborted: number;
  /** State rebuilds from the changelog (every assignment and every failed transaction). */
  restores: number;
  /** Fetch streams replaced because of an offset gap. */
  reseeks: number;
  /** Input clients rebuilt (left and rejoined the group) after repeated failures. */
  restartsInPlace: number;
  /** Committed next offset per assigned partition, as decimal strings. */
  committedOffsets: Record<string, string>;
  /** Min event-time watermark over assigned partitions (null before one exists). */
  watermarkMs: number | null;
  openWindows: number;
  /** Messages behind the end of raw-events over assigned partitions (last sample). */
  consumerLag: number | null;
  lastError: string | null;
}

export type TransactionPhase = 'begin' | 'prepared' | 'committed' | 'aborted';

export interface TransactionEvent {
  phase: TransactionPhase;
  /** Per instance run, from 1. */
  seq: number;
  /** raw-events records applied in this transaction. */
  records: number;
  /** Output records (results, late, DLQ, changelog). */
  outputs: number;
  durationMs?: number;
  error?: string;
}

export interface ProcessorHooks {
  onTransaction?(event: TransactionEvent): void;
  /** Runs with outputs and offsets in the transaction, before it commits (debug: hold it open). */
  beforeCommit?(event: TransactionEvent): Promise<void>;
  onStatus?(status: ProcessorStatus): void;
}

export function emptyStatus(): ProcessorStatus {
  return {
    state: 'starting',
    generationId: null,
    partitions: [],
    eventsIn: 0,
    windowsEmitted: 0,
    lateEvents: 0,
    dlqEvents: 0,
    transactionsCommitted: 0,
    transactionsAborted: 0,
    restores: 0,
    reseeks: 0,
    restartsInPlace: 0,
    committedOffsets: {},
    watermarkMs: null,
    openWindows: 0,
    consumerLag: null,
    lastError: null,
  };
}
