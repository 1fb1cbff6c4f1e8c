import { z } from 'zod';
import { EVENT_TYPES, type AnalyticsEvent, type EventType } from '../../workload/event.js';
import { Fingerprint, type FingerprintJson } from '../../verify/fingerprint.js';

/**
 * Per-window aggregation: the accumulator the processor keeps for each open window, its
 * changelog form, and the result it emits to processed-events.
 */

export const WINDOW_RESULT_SCHEMA_VERSION = 1 as const;

/** Value of a processed-events record (Kafka key = `key`). */
export interface WindowResult {
  /** Wire format version of this record. */
  schemaVersion: typeof WINDOW_RESULT_SCHEMA_VERSION;
  /** `userId|windowStartMs`; also the Kafka key, so compaction keeps the latest revision. */
  key: string;
  userId: string;
  /** Inclusive window start, epoch ms (a multiple of the window length). */
  windowStartMs: number;
  /** Exclusive window end, epoch ms. */
  windowEndMs: number;
  /** raw-events partition the window's events came from (all of a user's events share one). */
  sourcePartition: number;
  /** Events counted in this window. */
  count: number;
  /** Events per type; every type in EVENT_TYPES is present (0 when none). */
  countsByType: Record<EventType, number>;
  /** Sum of purchase values in integer cents (each value rounded to cents once: no float drift). */
  revenueCents: number;
  /** Number of distinct sessionIds among the counted events. */
  distinctSessions: number;
  /** Smallest event time counted, epoch ms. */
  firstEventTimeMs: number;
  /** Largest event time counted, epoch ms. */
  lastEventTimeMs: number;
  /** Order-free fingerprint of the counted event ids; the verifier recomputes it. */
  fingerprint: FingerprintJson;
  /** Newest intendedAt among counted events: freshness = result visible − this. */
  maxIntendedAtMs: number;
  /** 0 for the first emission; each re-emission within allowed lateness adds 1. Highest wins. */
  revision: number;
  /** windowEndMs + outOfOrdernessMs: the earliest moment the window could close (latency L3). */
  closeAtMs: number;
  /** The partition's watermark when this revision was emitted (diagnostics). */
  watermarkMs: number;
}

/** Changelog value of an open window (Kafka key = window key). */
export interface WindowState {
  v: 1;
  key: string;
  userId: string;
  partition: number;
  windowStartMs: number;
  windowEndMs: number;
  count: number;
  /** Counts in EVENT_TYPES order. */
  countsByType: number[];
  revenueCents: number;
  /** Distinct sessionIds, in first-seen order (a user has few sessions per window). */
  sessions: string[];
  firstEventTimeMs: number;
  lastEventTimeMs: number;
  fingerprint: FingerprintJson;
  maxIntendedAtMs: number;
  /** Revisions emitted so far (0 = not fired yet). */
  emittedRevisions: number;
}

const fingerprintJsonSchema = z.object({ count: z.number().int().nonnegative(), hashSum: z.string().regex(/^[0-9a-f]{16}$/) });
const epochMs = z.number().int();

export const windowStateSchema = z
  .object({
    v: z.literal(1),
    key: z.string().min(1),
    userId: z.string().min(1),
    partition: z.number().int().nonnegative(),
    windowStartMs: epochMs,
    windowEndMs: epochMs,
    count: z.number().int().positive(),
    countsByType: z.array(z.number().int().nonnegative()).length(EVENT_TYPES.length),
    revenueCents: z.number().int().nonnegative(),
    sessions: z.array(z.string()),
    firstEventTimeMs: epochMs,
    lastEventTimeMs: epochMs,
    fingerprint: fingerprintJsonSchema,
    maxIntendedAtMs: epochMs,
    emittedRevisions: z.number().int().nonnegative(),
  })
  .strict();

export const windowResultSchema = z
  .object({
    schemaVersion: z.literal(WINDOW_RESULT_SCHEMA_VERSION),
    key: z.string().min(1),
    userId: z.string().min(1),
    windowStartMs: epochMs,
    windowEndMs: epochMs,
    sourcePartition: z.number().int().nonnegative(),
    count: z.number().int().positive(),
    countsByType: z.record(z.enum(EVENT_TYPES), z.number().int().nonnegative()),
    revenueCents: z.number().int().nonnegative(),
    distinctSessions: z.number().int().positive(),
    firstEventTimeMs: epochMs,
    lastEventTimeMs: epochMs,
    fingerprint: fingerprintJsonSchema,
    maxIntendedAtMs: epochMs,
    revision: z.number().int().nonnegative(),
    closeAtMs: epochMs,
    watermarkMs: z.number(),
  })
  .strict();

const TYPE_INDEX = new Map<string, number>(EVENT_TYPES.map((type, index) => [type, index]));

/** Currency units → integer cents, rounded once per event (19.99 → 1999, not 1998.999…). */
export function toCents(value: number): number {
  return Math.round(value * 100);
}

export class WindowAccumulator {
  readonly key: string;
  readonly userId: string;
  readonly partition: number;
  readonly windowStartMs: number;
  readonly windowEndMs: number;
  count = 0;
  readonly countsByType: number[] = EVENT_TYPES.map(() => 0);
  revenueCents = 0;
  readonly sessions = new Set<string>();
  firstEventTimeMs = Infinity;
  lastEventTimeMs = -Infinity;
  readonly fingerprint = new Fingerprint();
  maxIntendedAtMs = -Infinity;
  emittedRevisions = 0;

  constructor(init: { key: string; userId: string; partition: number; windowStartMs: number; windowEndMs: number }) {
    this.key = init.key;
    this.userId = init.userId;
    this.partition = init.partition;
    this.windowStartMs = init.windowStartMs;
    this.windowEndMs = init.windowEndMs;
  }

  add(event: AnalyticsEvent): void {
    this.count += 1;
    const typeIndex = TYPE_INDEX.get(event.type) as number;
    this.countsByType[typeIndex] = (this.countsByType[typeIndex] as number) + 1;
    if (event.value !== null) this.revenueCents += toCents(event.value);
    this.sessions.add(event.sessionId);
    if (event.eventTime < this.firstEventTimeMs) this.firstEventTimeMs = event.eventTime;
    if (event.eventTime > this.lastEventTimeMs) this.lastEventTimeMs = event.eventTime;
    this.fingerprint.addEventId(event.eventId);
    if (event.intendedAt > this.maxIntendedAtMs) this.maxIntendedAtMs = event.intendedAt;
  }

  toResult(options: { revision: number; outOfOrdernessMs: number; watermarkMs: number }): WindowResult {
    const countsByType = {} as Record<EventType, number>;
    EVENT_TYPES.forEach((type, index) => {
      countsByType[type] = this.countsByType[index] as number;
    });
    return {
      schemaVersion: WINDOW_RESULT_SCHEMA_VERSION,
      key: this.key,
      userId: this.userId,
      windowStartMs: this.windowStartMs,
      windowEndMs: this.windowEndMs,
      sourcePartition: this.partition,
      count: this.count,
      countsByType,
      revenueCents: this.revenueCents,
      distinctSessions: this.sessions.size,
      firstEventTimeMs: this.firstEventTimeMs,
      lastEventTimeMs: this.lastEventTimeMs,
      fingerprint: this.fingerprint.toJSON(),
      maxIntendedAtMs: this.maxIntendedAtMs,
      revision: options.revision,
      closeAtMs: this.windowEndMs + options.outOfOrdernessMs,
      watermarkMs: options.watermarkMs,
    };
  }

  toState(): WindowState {
    return {
      v: 1,
      key: this.key,
      userId: this.userId,
      partition: this.partition,
      windowStartMs: this.windowStartMs,
      windowEndMs: this.windowEndMs,
      count: this.count,
      countsByType: [...this.countsByType],
      revenueCents: this.revenueCents,
      sessions: [...this.sessions],
      firstEventTimeMs: this.firstEventTimeMs,
      lastEventTimeMs: this.lastEventTimeMs,
      fingerprint: this.fingerprint.toJSON(),
      maxIntendedAtMs: this.maxIntendedAtMs,
      emittedRevisions: this.emittedRevisions,
    };
  }

  /** Rebuilds an accumulator from a state already validated by windowStateSchema. */
  static fromState(state: WindowState): WindowAccumulator {
    const accumulator = new WindowAccumulator(state);
    accumulator.count = state.count;
    state.countsByType.forEach((count, index) => {
      accumulator.countsByType[index] = count;
    });
    accumulator.revenueCents = state.revenueCents;
    for (const session of state.sessions) accumulator.sessions.add(session);
    accumulator.firstEventTimeMs = state.firstEventTimeMs;
    accumulator.lastEventTimeMs = state.lastEventTimeMs;
    accumulator.fingerprint.merge(Fingerprint.parse(state.fingerprint));
    accumulator.maxIntendedAtMs = state.maxIntendedAtMs;
    accumulator.emittedRevisions = state.emittedRevisions;
    return accumulator;
  }
}
