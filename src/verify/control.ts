import { ADVANCE_WATERMARK, CONTROL_FIELD, CONTROL_KEY } from '../contract/control.js';

/**
 * The verifier's own recognition of the end-of-input control record (docs/contract.md, "End of
 * input"), so that it skips exactly what the contract says the processor skips: key `__control`
 * and a JSON object with exactly the fields `streamproofControl: "advance-watermark"` and
 * `eventTimeMs`, a non-negative safe integer. A look-alike is an ordinary record, which the
 * processor must send to the DLQ.
 */
export function isEndOfInput(key: string | null, value: string | null): boolean {
  return endOfInputTime(key, value) !== null;
}

/** The control record's event time N, or null when the record is not an end-of-input control record. */
export function endOfInputTime(key: string | null, value: string | null): number | null {
  if (key !== CONTROL_KEY || value === null) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const names = Object.keys(parsed);
  if (names.length !== 2 || !names.includes(CONTROL_FIELD) || !names.includes('eventTimeMs')) return null;
  const { eventTimeMs } = parsed as { eventTimeMs: unknown };
  const ok = (parsed as Record<string, unknown>)[CONTROL_FIELD] === ADVANCE_WATERMARK && Number.isSafeInteger(eventTimeMs) && (eventTimeMs as number) >= 0;
  return ok ? (eventTimeMs as number) : null;
}
