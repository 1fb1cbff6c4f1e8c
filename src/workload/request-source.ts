import type { EventGenerator } from './generator.js';
import type { GeneratorConfig, GeneratorConfigInput } from './generator-config.js';
import { createRequestPlanner, type PlannedRequest } from './http-driver-plan.js';
import { buildPoolData } from './pool-data.js';
import { DecodedRequests } from './request-batch.js';
import { intendedOffsetsMs, totalEvents, type Schedule } from './schedule.js';
import { WORKER_START_LEAD_MS } from './worker-source.js';
import { openWorkerChannel } from './worker-channel.js';

/**
 * Where the HTTP driver takes its planned requests from, in schedule order (docs/http-ingest.md):
 *  - inline: the planner (http-driver-plan.ts) on the sending thread, a request built when a
 *    connection claims it (the path before load workers; kept selectable for comparison);
 *  - a load worker: the same planner on a worker thread, which builds the events and their NDJSON
 *    bodies ahead, encoded, and hands them over in batches with their intended offsets; the
 *    sending thread only wraps each body's bytes in the request head.
 * The driver owns all timing: send lag is taken on its thread, when a request goes on the wire, so
 * a source with nothing ready yet is lag like any other.
 */
export interface RequestSource {
  /** Fixes schedule offset 0 (epoch ms) before the first peek; idempotent for the same value. */
  start(startEpochMs: number): void;
  /** How far ahead of now start() wants offset 0 when the caller has no start of its own. */
  readonly startLeadMs: number;
  /** The next request without taking it: undefined while none is ready yet, null once the schedule is exhausted. */
  peek(): PlannedRequest | null | undefined;
  /** Takes the request peek() returned. */
  take(): void;
  /** Resolves once peek() is no longer undefined, or at once when `signal` aborts; rejects when the source failed. */
  whenReady(signal: AbortSignal): Promise<void>;
  /** Ends the source: requests built but never taken, and scheduled events never built (or lost with the worker). */
  close(): Promise<{ unsent: PlannedRequest[]; ungeneratedEvents: number }>;
}

export function createInlineRequestSource(options: { schedule: Schedule; generator: Pick<EventGenerator, 'next'>; batchSize: number }): RequestSource {
  let planner: ReturnType<typeof createRequestPlanner> | undefined;
  let head: PlannedRequest | null | undefined;
  const plannerOf = (): ReturnType<typeof createRequestPlanner> => {
    if (!planner) throw new Error('request source: peek() before start()');
    return planner;
  };
  return {
    startLeadMs: 0,
    start(startEpochMs) {
      planner ??= createRequestPlanner({ offsetsMs: intendedOffsetsMs(options.schedule), generator: options.generator, batchSize: options.batchSize, startEpochMs });
    },
    peek() {
      if (head === undefined) head = plannerOf().next() ?? null;
      return head;
    },
    take() {
      if (head !== null) head = undefined;
    },
    whenReady: () => Promise.resolve(),
    close() {
      const closed = planner?.close() ?? { unsent: [], ungeneratedEvents: totalEvents(options.schedule) };
      const unsent = head ? [head, ...closed.unsent] : closed.unsent;
      head = null;
      return Promise.resolve({ unsent, ungeneratedEvents: closed.ungeneratedEvents });
    },
  };
}

export interface WorkerRequestSource extends RequestSource {
  /** Resolves when the worker has loaded its modules and built its generator. */
  readonly loaded: Promise<void>;
}

export function startWorkerRequestSource(options: {
  schedule: Schedule;
  generatorConfig: (GeneratorConfigInput | GeneratorConfig) & { generatorId: string };
  batchSize: number;
  /** Default 2,000 events of requests per handed-over batch … */
  batchMaxRecords?: number;
  /** … or 10 ms of schedule. */
  batchSpanMs?: number;
  /** Default 16 batches handed over ahead (the memory bound). */
  maxBatchesAhead?: number;
}): WorkerRequestSource {
  const { schedule, generatorConfig } = options;
  const generatorId = generatorConfig.generatorId;
  const channel = openWorkerChannel(
    {
      generatorConfig,
      schedule,
      poolData: buildPoolData(generatorConfig.seed ?? 0),
      part: { index: 0, count: 1 },
      unit: { kind: 'requests', batchSize: options.batchSize },
      batchMaxRecords: options.batchMaxRecords ?? 2_000,
      batchSpanMs: options.batchSpanMs ?? 10,
      maxBatchesAhead: options.maxBatchesAhead ?? 16,
    },
    generatorId,
    (buffer) => new DecodedRequests(buffer, generatorId),
  );
  let startEpochMs: number | undefined;
  let head: PlannedRequest | undefined;
  /** Records (events and malformed) of the requests taken so far. */
  let takenRecords = 0;
  let closing: Promise<{ unsent: PlannedRequest[]; ungeneratedEvents: number }> | undefined;
  return {
    loaded: channel.loaded,
    startLeadMs: WORKER_START_LEAD_MS,
    start(epochMs) {
      channel.start(epochMs);
      startEpochMs = epochMs;
    },
    peek() {
      if (head) return head;
      if (closing) return null;
      if (startEpochMs === undefined) throw new Error('request source: peek() before start()');
      const batch = channel.head();
      if (batch) {
        head = batch.take(startEpochMs);
        return head;
      }
      if (channel.failure) return undefined;
      return channel.done ? null : undefined;
    },
    take() {
      if (!head) return;
      takenRecords += head.events.length + head.malformed.length;
      head = undefined;
    },
    whenReady: channel.whenReady,
    close() {
      // Once: a second close (the ingest run's clean-up after the driver's) gets the same answer.
      closing ??= (async () => {
        const unsent: PlannedRequest[] = [];
        const at = startEpochMs;
        if (at !== undefined) {
          if (head) unsent.push(head);
          for (const batch of channel.buffered()) while (batch.remaining > 0) unsent.push(batch.take(at));
        }
        head = undefined;
        await channel.close();
        let unsentRecords = 0;
        for (const r of unsent) unsentRecords += r.events.length + r.malformed.length;
        // Everything scheduled is taken, handed back unsent, or was never built (or died with the thread).
        return { unsent, ungeneratedEvents: totalEvents(schedule) - takenRecords - unsentRecords };
      })();
      return closing;
    },
  };
}
