import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { WINDOW_KEY_SEPARATOR } from '../../contract/windows.js';

/**
 * The processor's window assignment (docs/contract.md, "Windows"): tumbling event-time windows
 * [windowStartMs, windowStartMs + windowMs), aligned to the epoch, so every instance assigns an
 * event to the same window with no shared state. The verifier assigns windows by itself.
 */

export function assertWindowMs(windowMs: number): void {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `windowMs must be a positive integer, got ${windowMs}`, {
      hint: 'set processor.windowMs to the tumbling window length in milliseconds, e.g. 60000',
    });
  }
}

/**
 * Start of the window holding `eventTimeMs`: the largest multiple of windowMs ≤ eventTimeMs.
 * Computed with `%`, which is exact on doubles (a floor of a rounded quotient can be off by one
 * near 2^53), and correct for negative times (before the epoch).
 */
export function windowStartMs(eventTimeMs: number, windowMs: number): number {
  const offsetMs = ((eventTimeMs % windowMs) + windowMs) % windowMs;
  return eventTimeMs - offsetMs + 0; // + 0 turns -0 into 0
}

/** Exclusive end of the window that starts at `startMs`. */
export function windowEndMs(startMs: number, windowMs: number): number {
  return startMs + windowMs;
}

/** The window key, also the Kafka key of the result in processed-events: `userId|windowStartMs`. */
export function windowKey(userId: string, startMs: number): string {
  return `${userId}${WINDOW_KEY_SEPARATOR}${startMs}`;
}
