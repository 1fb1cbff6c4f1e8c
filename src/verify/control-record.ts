/**
 * Control records in raw-events are harness signals, not events: key `__control`, value
 * `{"streamproofControl":"advance-watermark","eventTimeMs":N}`. The verifier skips them wherever
 * they appear (raw-events, or the raw text of a DLQ record if a processor version routed one
 * there), so they never count as lost, unidentified or unaccounted events.
 */

export const CONTROL_KEY = '__control';
const CONTROL_FIELD = '"streamproofControl"';
const OPEN_BRACE = 0x7b;

/** True for a control record: its key is `__control`, or its value is a control object. */
export function isControlRecord(key: string | null, value: string | null): boolean {
  if (key === CONTROL_KEY) return true;
  return isControlValue(value);
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;

/**
 * True when the value text is a control object: `{`, then `"streamproofControl"` as the first
 * key (JSON whitespace allowed around). A scan of the first characters, not a regex: it runs on
 * every raw-events record, and an event fails it at its first key.
 */
export function isControlValue(value: string | null): boolean {
  if (value === null) return false;
  let i = 0;
  while (i < value.length && isSpace(value.charCodeAt(i))) i += 1;
  if (value.charCodeAt(i) !== OPEN_BRACE) return false;
  i += 1;
  while (i < value.length && isSpace(value.charCodeAt(i))) i += 1;
  return value.startsWith(CONTROL_FIELD, i);
}
