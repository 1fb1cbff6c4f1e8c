import type { AnalyticsEvent } from './event.js';
import type { EventGenerator } from './generator.js';

/**
 * The request plan of the HTTP driver (pure: no I/O, no clock). The schedule's per-event intended
 * offsets are taken `batchSize` at a time; a request is due at its first offset, and every event
 * in it is generated with that intendedAt (they travel together, so that is each one's intended
 * send time). Malformed records go to a request of their own, due at the same time, so they never
 * sink the valid events of their batch (the collector rejects a request atomically). Bodies are
 * NDJSON, so a rejection names the bad line. Generation is lazy: one batch at a time.
 */
/** A generated record by identity: what the ledger needs of each event or malformed record of a request. */
export interface RecordRef {
  readonly generatorId: string;
  readonly seq: number;
}

export type MalformedRef = RecordRef;

export interface PlannedRequest {
  readonly kind: 'events' | 'malformed';
  /** Schedule offset (ms from the run start) of the request's first event. */
  readonly intendedOffsetMs: number;
  readonly intendedAtEpochMs: number;
  /** The valid events (built inline: the events themselves; by a load worker: their refs). */
  readonly events: readonly RecordRef[];
  readonly malformed: readonly MalformedRef[];
  /** NDJSON: one generated record per line (from a load worker: UTF-8 already, a view on its batch). */
  readonly body: string | Buffer;
}

export interface RequestPlanner {
  /** The next request in schedule order; undefined once the schedule is exhausted. */
  next(): PlannedRequest | undefined;
  /** Ends the plan: generated requests not handed out yet, and events never generated at all. */
  close(): { unsent: PlannedRequest[]; ungeneratedEvents: number };
}

export function createRequestPlanner(options: {
  offsetsMs: Iterator<number>;
  generator: Pick<EventGenerator, 'next'>;
  batchSize: number;
  startEpochMs: number;
}): RequestPlanner {
  const { offsetsMs, generator, batchSize, startEpochMs } = options;
  const queue: PlannedRequest[] = [];
  const fill = (): void => {
    const first = offsetsMs.next();
    if (first.done) return;
    const intendedOffsetMs = first.value;
    const intendedAtEpochMs = Math.floor(startEpochMs + intendedOffsetMs);
    const events: AnalyticsEvent[] = [];
    const eventLines: string[] = [];
    const malformed: MalformedRef[] = [];
    const malformedLines: string[] = [];
    for (let taken = 1; ; taken += 1) {
      const record = generator.next(intendedAtEpochMs);
      if (record.kind === 'event') {
        events.push(record.event);
        eventLines.push(record.json);
      } else {
        malformed.push({ generatorId: record.generatorId, seq: record.seq });
        malformedLines.push(record.json);
      }
      if (taken === batchSize || offsetsMs.next().done) break;
    }
    const request = (kind: PlannedRequest['kind'], lines: string[]): PlannedRequest => ({
      kind,
      intendedOffsetMs,
      intendedAtEpochMs,
      events: kind === 'events' ? events : [],
      malformed: kind === 'malformed' ? malformed : [],
      body: `${lines.join('\n')}\n`,
    });
    if (events.length > 0) queue.push(request('events', eventLines));
    if (malformed.length > 0) queue.push(request('malformed', malformedLines));
  };
  return {
    next() {
      if (queue.length === 0) fill();
      return queue.shift();
    },
    close() {
      let ungeneratedEvents = 0;
      while (!offsetsMs.next().done) ungeneratedEvents += 1;
      return { unsent: queue.splice(0), ungeneratedEvents };
    },
  };
}
