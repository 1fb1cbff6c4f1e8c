/**
 * The analytics event, version 1, as declarations: what the generator and the HTTP collector
 * write to raw-events, and what a record must be for the processor to count it. Both sides of
 * the pipeline implement the rules below themselves (docs/contract.md, "Events"): the processor
 * to decide what goes to the DLQ, the verifier to decide what should have.
 *
 * String lengths are counted in Unicode code points (an unpaired surrogate counts as one);
 * integers must be safe integers (|n| ≤ 2^53 − 1).
 */

export const EVENT_SCHEMA_VERSION = 1 as const;

export const EVENT_TYPES = ['page_view', 'click', 'add_to_cart', 'remove_from_cart', 'checkout', 'purchase'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The one type whose `value` is a number; every other type carries `value: null`. */
export const PURCHASE_TYPE = 'purchase' as const satisfies EventType;

export const DEVICES = ['desktop', 'mobile', 'tablet'] as const;
export type Device = (typeof DEVICES)[number];

/** Every field a v1 event may have; any other field makes the record invalid. */
export const EVENT_FIELDS = [
  'schemaVersion',
  'eventId',
  'generatorId',
  'seq',
  'userId',
  'sessionId',
  'type',
  'page',
  'device',
  'country',
  'value',
  'eventTime',
  'intendedAt',
  'pad',
] as const;
export type EventField = (typeof EVENT_FIELDS)[number];

/** The only optional field. */
export const OPTIONAL_EVENT_FIELDS = ['pad'] as const satisfies readonly EventField[];

/** Length bounds, in code points, inclusive. */
export const EVENT_LIMITS = {
  eventId: { min: 3, max: 128 },
  generatorId: { min: 1, max: 64 },
  userId: { min: 1, max: 128 },
  sessionId: { min: 1, max: 128 },
  page: { min: 0, max: 512 },
  country: { exactly: 2 },
} as const;

/** The characters a generatorId may use (it is also the bitmap key of the ledgers). */
export const GENERATOR_ID_CHARACTERS = 'A-Z a-z 0-9 _ . -' as const;

export interface AnalyticsEvent {
  schemaVersion: typeof EVENT_SCHEMA_VERSION;
  /** `${generatorId}:${seq}` (identity.ts). */
  eventId: string;
  generatorId: string;
  /** Per-generator sequence number, a non-negative integer. */
  seq: number;
  /** The Kafka key of its raw-events record must equal this (keyBy userId). */
  userId: string;
  sessionId: string;
  type: EventType;
  page: string;
  device: Device;
  /** Exactly two code points (ISO 3166 alpha-2 by convention; not checked against a list). */
  country: string;
  /** Purchase amount in currency units (a non-negative number) for purchases; null for every other type. */
  value: number | null;
  /** Event time, epoch ms, a non-negative integer: when the user did it; windows are assigned by it. */
  eventTime: number;
  /** Scheduled send time, epoch ms, a non-negative integer: latency is measured from here. */
  intendedAt: number;
  /** Filler to reach the configured payload size; ignored by the pipeline. */
  pad?: string;
}
