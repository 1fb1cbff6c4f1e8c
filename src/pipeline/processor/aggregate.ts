import { z } from 'zod';
import { EVENT_TYPES, type AnalyticsEvent, type EventType } from '../../contract/event.js';
import type { FingerprintJson } from '../../contract/fingerprint.js';
import { WINDOW_RESULT_SCHEMA_VERSION, type WindowResult } from '../../contract/window-result.js';
import { Fingerprint } from './fingerprint.js';

/**
 * Per-window aggregation: the accumulator the processor keeps for each open window, its
 * changelog form, and the result it emits to processed-events (the contract's WindowResult,
 * src/contract/window-result.ts; docs/contract.md "Window results").
 */

export type { WindowResult };

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
