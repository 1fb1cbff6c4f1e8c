import { ADVANCE_WATERMARK, CONTROL_FIELD, CONTROL_KEY } from '../../contract/control.js';

/**
 * Recognises the end-of-input control record on raw-events (src/contract/control.ts,
 * docs/contract.md "End of input"): key `__control`, value exactly
 * `{"streamproofControl":"advance-watermark","eventTimeMs":N}`. The core treats it as an
 * event-time observation of N on that partition only. Anything that merely looks similar is an
 * ordinary record: it goes to the DLQ like any other malformed value, so a typo cannot silently
 * swallow events.
 */

export interface AdvanceWatermarkControl {
  kind: typeof ADVANCE_WATERMARK;
  eventTimeMs: number;
}

export type ControlRecord = AdvanceWatermarkControl;

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
  if (Object.keys(fields).length !== 2 || fields[CONTROL_FIELD] !== ADVANCE_WATERMARK) return null;
  const eventTimeMs = fields.eventTimeMs;
  if (typeof eventTimeMs !== 'number' || !Number.isSafeInteger(eventTimeMs) || eventTimeMs < 0) return null;
  return { kind: ADVANCE_WATERMARK, eventTimeMs };
}
