import type { EventGenerator } from './generator.js';
import { intendedOffsetsMs, type Schedule } from './schedule.js';

/**
 * Where the open-loop sender takes its records from, in schedule order (docs/workload.md, load
 * workers). Two kinds:
 *  - inline (this file): the schedule and the generator on the sender's own thread; each record is
 *    built when it is due (the path before load workers; kept selectable for comparison);
 *  - a load worker (worker-source.ts): the schedule and the generator on a worker thread, which
 *    builds and encodes records ahead and hands them over in batches with their intended offsets;
 *  - several of either, merged by intended offset (mergeSources), each with its own generator id.
 * The sender owns all timing: the schedule lag is still taken on its thread, when a record is
 * handed to the transport.
 */
export interface SourcedRecord {
  readonly generatorId: string;
  readonly seq: number;
  readonly key: string;
  readonly json: string;
  readonly malformed: boolean;
}

export interface RecordSource {
  /** Generator ids whose records this source yields. */
  readonly generatorIds: readonly string[];
  /**
   * Fixes schedule offset 0 (epoch ms) before the first peek; a source that builds ahead needs it
   * for the records' intendedAt. Idempotent for the same value.
   */
  start(startEpochMs: number): void;
  /** How far ahead of now start() wants offset 0 when the caller has no start of its own (time to build the first batch). */
  readonly startLeadMs: number;
  /** Schedule offset (ms) of the next record; undefined while none is buffered yet; null once the schedule is exhausted. */
  peekOffsetMs(): number | null | undefined;
  /** The next record (only after peekOffsetMs() gave a number); `intendedAtEpochMs` is start + that offset. */
  take(intendedAtEpochMs: number): SourcedRecord;
  /** Resolves once peekOffsetMs() is no longer undefined, or at once when `signal` aborts; rejects when the source failed. */
  whenReady(signal: AbortSignal): Promise<void>;
  /** Ends the source (a worker is terminated); safe to call more than once. */
  close(): Promise<void>;
}

/** The schedule and generator on the calling thread: each record built at take() time, as due. */
export function createInlineSource(schedule: Schedule, generator: Pick<EventGenerator, 'generatorId' | 'next'>): RecordSource {
  const offsets = intendedOffsetsMs(schedule);
  let head = offsets.next();
  const generatorId = generator.generatorId;
  return {
    generatorIds: [generator.generatorId],
    startLeadMs: 0,
    start() {},
    peekOffsetMs: () => (head.done ? null : head.value),
    take(intendedAtEpochMs) {
      head = offsets.next();
      const record = generator.next(intendedAtEpochMs);
      return record.kind === 'event'
        ? { generatorId, seq: record.event.seq, key: record.key, json: record.json, malformed: false }
        : { generatorId, seq: record.seq, key: record.key, json: record.json, malformed: true };
    },
    whenReady: () => Promise.resolve(),
    close: () => Promise.resolve(),
  };
}

/**
 * Several sources (e.g. load workers that split one schedule) as one, in intended-offset order
 * (ties: the lower source index first). The next record is known only when every unfinished
 * source has one buffered, so a slow source holds the others back: that wait is schedule lag.
 */
export function mergeSources(sources: readonly RecordSource[]): RecordSource {
  if (sources.length === 1) return sources[0] as RecordSource;
  let chosen = -1;
  const pick = (): number | null | undefined => {
    let best: number | undefined;
    chosen = -1;
    for (let i = 0; i < sources.length; i += 1) {
      const offset = (sources[i] as RecordSource).peekOffsetMs();
      if (offset === undefined) return undefined;
      if (offset === null) continue;
      if (best === undefined || offset < best) {
        best = offset;
        chosen = i;
      }
    }
    return best ?? null;
  };
  return {
    generatorIds: sources.flatMap((s) => s.generatorIds),
    startLeadMs: Math.max(...sources.map((s) => s.startLeadMs)),
    start(startEpochMs) {
      for (const s of sources) s.start(startEpochMs);
    },
    peekOffsetMs: pick,
    take(intendedAtEpochMs) {
      if (chosen < 0 && typeof pick() !== 'number') throw new Error('take() without a record ready (call peekOffsetMs first)');
      return (sources[chosen] as RecordSource).take(intendedAtEpochMs);
    },
    async whenReady(signal) {
      // Wait for each source that has nothing buffered; any failure rejects.
      for (const s of sources) if (s.peekOffsetMs() === undefined && !signal.aborted) await s.whenReady(signal);
    },
    async close() {
      await Promise.allSettled(sources.map((s) => s.close()));
    },
  };
}
