/**
 * Control records on raw-events. Event time stops when the load stops, so the last windows would
 * never close; at the end of a bounded input the runner writes one control record per partition
 * (Flink's final watermark, made explicit):
 *
 *   key `__control`, value `{"streamproofControl":"advance-watermark","eventTimeMs":N}`
 *
 * The processor treats it as an event-time observation of N on that partition only: it raises the
 * partition's max event time (so the watermark becomes N − outOfOrdernessMs by the usual rule) and
 * is neither an event, a late event nor a DLQ record. The verifier skips it the same way (use
 * isControlRecord on raw-events records). Anything that merely looks similar is an ordinary record:
 * it goes to the DLQ like any other malformed value, so a typo cannot silently swallow events.
 */

export const CONTROL_KEY = '__control';

export interface AdvanceWatermarkControl {
  kind: 'advance-watermark';
  eventTimeMs: number;
}

export type ControlRecord = AdvanceWatermarkControl;

/** The value of an advance-watermark control record. */
export function advanceWatermarkValue(eventTimeMs: number): string {
  return JSON.stringify({ streamproofControl: 'advance-watermark', eventTimeMs });
}

/**
 * The control record carried by (key, value), or null when it is not one. Cheap for ordinary
 * events: the key check comes first, and events are keyed by userId.
 */
export function parseControlRecord(key: string | null, value: string | null): ControlRecord | null {
  if (key !== CONTROL_KEY || value === null) return null;
  let decoded: unknown;
  try {
    decoded = JSON.parse(value);
  } catch {
    return null;
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) return null;
  const fields = decoded as Record<string, unknown>;
  if (Object.keys(fields).length !== 2 || fields.streamproofControl !== 'advance-watermark') return null;
  const eventTimeMs = fields.eventTimeMs;
  if (typeof eventTimeMs !== 'number' || !Number.isSafeInteger(eventTimeMs) || eventTimeMs < 0) return null;
  return { kind: 'advance-watermark', eventTimeMs };
}

export function isControlRecord(key: string | null, value: string | null): boolean {
  return parseControlRecord(key, value) !== null;
}
