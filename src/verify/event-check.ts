import { DEVICES, EVENT_FIELDS, EVENT_LIMITS, EVENT_SCHEMA_VERSION, EVENT_TYPES, PURCHASE_TYPE, type AnalyticsEvent } from '../contract/event.js';
import { EVENT_ID_SEPARATOR } from '../contract/identity.js';

/**
 * The verifier's own reading of event validity (docs/contract.md, "Validity"), written from the
 * contract and not from the processor's decoder or the workload's zod schema: what it accepts is
 * what the processor must count (or divert for a reason a valid event can have), what it rejects
 * is what the processor must send to the DLQ. Lengths are in code points (an unpaired surrogate
 * counts as one), integers are safe integers.
 */

export type EventCheck = { ok: true; event: AnalyticsEvent } | { ok: false; problem: string };

const ALLOWED = new Set<string>(EVENT_FIELDS);
const REQUIRED = EVENT_FIELDS.filter((field) => field !== 'pad');
const TYPES = new Set<string>(EVENT_TYPES);
const DEVICE_NAMES = new Set<string>(DEVICES);
const GENERATOR_ID_CHARS = /^[A-Za-z0-9_.-]*$/;

/** Code points of `text`: UTF-16 units minus one per well-formed surrogate pair. */
export function codePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i + 1 < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count -= 1;
        i += 1;
      }
    }
  }
  return count;
}

function textWithin(value: unknown, min: number, max: number): boolean {
  if (typeof value !== 'string') return false;
  const n = codePoints(value);
  return n >= min && n <= max;
}

function naturalInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** Why `value` (a decoded JSON value) is not a valid v1 event, or null when it is one. */
function problemOf(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object';
  const e = value as Record<string, unknown>;
  for (const name of Object.keys(e)) if (!ALLOWED.has(name)) return `unknown field ${JSON.stringify(name)}`;
  for (const name of REQUIRED) if (!Object.hasOwn(e, name)) return `missing field ${name}`;
  if (e.schemaVersion !== EVENT_SCHEMA_VERSION) return 'schemaVersion is not 1';
  const L = EVENT_LIMITS;
  if (!textWithin(e.generatorId, L.generatorId.min, L.generatorId.max) || !GENERATOR_ID_CHARS.test(e.generatorId as string)) return 'bad generatorId';
  if (!naturalInteger(e.seq)) return 'seq is not a non-negative integer';
  if (!textWithin(e.eventId, L.eventId.min, L.eventId.max)) return 'bad eventId length';
  if (e.eventId !== String(e.generatorId) + EVENT_ID_SEPARATOR + String(e.seq)) return 'eventId is not generatorId:seq';
  if (!textWithin(e.userId, L.userId.min, L.userId.max)) return 'bad userId';
  if (!textWithin(e.sessionId, L.sessionId.min, L.sessionId.max)) return 'bad sessionId';
  if (typeof e.type !== 'string' || !TYPES.has(e.type)) return 'unknown type';
  if (!textWithin(e.page, L.page.min, L.page.max)) return 'bad page';
  if (typeof e.device !== 'string' || !DEVICE_NAMES.has(e.device)) return 'unknown device';
  if (!textWithin(e.country, L.country.exactly, L.country.exactly)) return 'country is not two characters';
  const purchase = e.type === PURCHASE_TYPE;
  if (purchase) {
    if (typeof e.value !== 'number' || !Number.isFinite(e.value) || e.value < 0) return 'purchase without a non-negative value';
  } else if (e.value !== null) return 'value must be null unless type is purchase';
  if (!naturalInteger(e.eventTime)) return 'eventTime is not a non-negative integer';
  if (!naturalInteger(e.intendedAt)) return 'intendedAt is not a non-negative integer';
  if (Object.hasOwn(e, 'pad') && typeof e.pad !== 'string') return 'pad is not a string';
  return null;
}

/** Checks an already-decoded JSON value. */
export function checkEvent(value: unknown): EventCheck {
  const problem = problemOf(value);
  return problem === null ? { ok: true, event: value as AnalyticsEvent } : { ok: false, problem };
}

/** Checks a raw-events value (JSON text). */
export function checkEventText(text: string): EventCheck & { decoded?: unknown } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(text);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  return { ...checkEvent(decoded), decoded };
}
