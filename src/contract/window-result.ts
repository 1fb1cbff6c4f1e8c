import type { EventType } from './event.js';
import type { FingerprintJson } from './fingerprint.js';

/**
 * The value of a processed-events record: one revision of one window's result (Kafka key =
 * `key`). Field-by-field semantics in docs/contract.md, "Window results". JSON, no other fields.
 */

export const WINDOW_RESULT_SCHEMA_VERSION = 1 as const;

export interface WindowResult {
  schemaVersion: typeof WINDOW_RESULT_SCHEMA_VERSION;
  /** `userId|windowStartMs`; also the Kafka key, so compaction keeps the latest revision. */
  key: string;
  userId: string;
  /** Inclusive window start, epoch ms (a multiple of windowMs). */
  windowStartMs: number;
  /** Exclusive window end = windowStartMs + windowMs. */
  windowEndMs: number;
  /** raw-events partition the window's events came from (all of a user's events share one). */
  sourcePartition: number;
  /** Events counted, ≥ 1 (a window exists only once an event opened it); = fingerprint.count. */
  count: number;
  /** Counted events per type; every type of EVENT_TYPES is present (0 when none); they sum to count. */
  countsByType: Record<EventType, number>;
  /** Σ over counted purchases of round(value × 100) (each value rounded to cents once, half away from zero for the positive values allowed). */
  revenueCents: number;
  /** Distinct sessionIds among the counted events, ≥ 1. */
  distinctSessions: number;
  /** Smallest event time counted. */
  firstEventTimeMs: number;
  /** Largest event time counted. */
  lastEventTimeMs: number;
  /** Order-free fingerprint of the counted eventIds. */
  fingerprint: FingerprintJson;
  /** Largest intendedAt among counted events: freshness = result visible − this. */
  maxIntendedAtMs: number;
  /** 0 for the first emission; each re-emission within allowed lateness adds 1. Highest wins. */
  revision: number;
  /** windowEndMs + outOfOrdernessMs: the earliest moment the window could fire (latency L3). */
  closeAtMs: number;
  /** The source partition's watermark when this revision was emitted (diagnostics, ≥ windowEndMs). */
  watermarkMs: number;
}

/** Every field of a WindowResult, in the order the processor writes them. */
export const WINDOW_RESULT_FIELDS = [
  'schemaVersion',
  'key',
  'userId',
  'windowStartMs',
  'windowEndMs',
  'sourcePartition',
  'count',
  'countsByType',
  'revenueCents',
  'distinctSessions',
  'firstEventTimeMs',
  'lastEventTimeMs',
  'fingerprint',
  'maxIntendedAtMs',
  'revision',
  'closeAtMs',
  'watermarkMs',
] as const satisfies readonly (keyof WindowResult)[];
