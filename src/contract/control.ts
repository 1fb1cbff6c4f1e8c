/**
 * The end-of-input control record on raw-events (docs/contract.md, "End of input"). Event time
 * stops when the load stops, so the last windows would never close; at the end of a bounded input
 * the runner writes one control record per raw-events partition (Flink's final watermark, made
 * explicit):
 *
 *   key `__control`, value exactly `{"streamproofControl":"advance-watermark","eventTimeMs":N}`
 *   (these two fields, no others; N a non-negative safe integer, in any JSON spelling)
 *
 * It is an event-time observation of N on that partition only: neither an event, a late event
 * nor a DLQ record. Anything else under that key is an ordinary record (a look-alike goes to the
 * DLQ), so a typo cannot silently swallow events. The processor and the verifier recognise it
 * each by themselves; only the runner writes it, with formatEndOfInput.
 */

export const CONTROL_KEY = '__control' as const;
export const CONTROL_FIELD = 'streamproofControl' as const;
export const ADVANCE_WATERMARK = 'advance-watermark' as const;

export interface EndOfInputValue {
  [CONTROL_FIELD]: typeof ADVANCE_WATERMARK;
  /** Event time the partition's max event time is raised to, epoch ms. */
  eventTimeMs: number;
}

/** The value of an end-of-input control record (the writer's side only). */
export function formatEndOfInput(eventTimeMs: number): string {
  const value: EndOfInputValue = { [CONTROL_FIELD]: ADVANCE_WATERMARK, eventTimeMs };
  return JSON.stringify(value);
}
