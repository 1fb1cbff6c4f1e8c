/**
 * Control records in raw-events are harness signals, not events: key `__control`, value
 * `{"streamproofControl":"advance-watermark","eventTimeMs":N}`. The verifier skips them wherever
 * they appear (raw-events, or the raw text of a DLQ record if a processor version routed one
 * there), so they never count as lost, unidentified or unaccounted events.
 */

export const CONTROL_KEY = '__control';
// Anchored: an event value fails within its first few characters, so the check is cheap.
const CONTROL_FIELD = /^\s*\{\s*"streamproofControl"\s*:/;

/** True for a control record: its key is `__control`, or its value is a control object. */
export function isControlRecord(key: string | null, value: string | null): boolean {
  if (key === CONTROL_KEY) return true;
  return isControlValue(value);
}

/** True when the value text is a control object. */
export function isControlValue(value: string | null): boolean {
  return value !== null && CONTROL_FIELD.test(value);
}
