import { type AnalyticsEvent, type EventParseResult, parseEvent, validateEvent } from '../../workload/event.js';

/**
 * Request bodies of `POST /events`, parsed into one result per event. Pure: no I/O, no clock.
 *
 * Wire formats:
 *  - `application/json`: one JSON array of event objects. `index` is the array position.
 *  - `application/x-ndjson`: one event object per line, `\n` or `\r\n` separated. Blank (or
 *    whitespace-only) lines are skipped and do not count: `index` is the position among the
 *    non-blank lines, `line` the 1-based physical line number (what an editor shows).
 * Either way, a body with no events at all is a body-level error, not an empty success: it is
 * almost always a client bug (wrong variable, truncated write).
 */
export type BodyFormat = 'json-array' | 'ndjson';

export const MEDIA_TYPES: Readonly<Record<BodyFormat, string>> = {
  'json-array': 'application/json',
  ndjson: 'application/x-ndjson',
};

/** One event of a body: where it was, and whether it passed the event schema. */
export type EventSlot = { index: number; line?: number } & EventParseResult;

export type ParsedBody = { ok: true; slots: EventSlot[] } | { ok: false; reason: string };

/** What the collector returns for every bad event of a rejected request. */
export interface EventRejection {
  index: number;
  line?: number;
  reason: string;
}

/**
 * Maps a Content-Type header to a body format; undefined means 415. Parameters (`; charset=utf-8`)
 * are ignored: bodies are always decoded as UTF-8.
 */
export function formatOfContentType(contentType: string | undefined): BodyFormat | undefined {
  if (contentType === undefined) return undefined;
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase();
  if (mediaType === MEDIA_TYPES['json-array']) return 'json-array';
  if (mediaType === MEDIA_TYPES.ndjson) return 'ndjson';
  return undefined;
}

export function parseEventsBody(text: string, format: BodyFormat): ParsedBody {
  const parsed = format === 'json-array' ? parseJsonArray(text) : parseNdjson(text);
  if (parsed.ok && parsed.slots.length === 0) {
    return { ok: false, reason: 'body contains no events' };
  }
  return parsed;
}

function parseJsonArray(text: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `body is not JSON: ${(error as Error).message}` };
  }
  if (!Array.isArray(value)) {
    const got = value === null ? 'null' : typeof value;
    return {
      ok: false,
      reason: `body must be a JSON array of events, got ${got} (wrap one event as [event], or send application/x-ndjson)`,
    };
  }
  return { ok: true, slots: value.map((element: unknown, index) => ({ index, ...validateEvent(element) })) };
}

function parseNdjson(text: string): ParsedBody {
  const slots: EventSlot[] = [];
  const lines = text.split('\n');
  for (let lineIndex = 0; lineIndex < lines.length; lineIndex += 1) {
    const raw = lines[lineIndex] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    slots.push({ index: slots.length, line: lineIndex + 1, ...parseEvent(line) });
  }
  return { ok: true, slots };
}

/** The bad events of a parsed body, in body order; empty when every event is valid. */
export function rejectionsOf(slots: readonly EventSlot[]): EventRejection[] {
  const rejections: EventRejection[] = [];
  for (const slot of slots) {
    if (slot.ok) continue;
    rejections.push(slot.line === undefined ? { index: slot.index, reason: slot.reason } : { index: slot.index, line: slot.line, reason: slot.reason });
  }
  return rejections;
}

/** The events of a body in which every slot is valid (callers check rejectionsOf first). */
export function eventsOf(slots: readonly EventSlot[]): AnalyticsEvent[] {
  return slots.flatMap((slot) => (slot.ok ? [slot.event] : []));
}
