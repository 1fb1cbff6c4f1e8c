import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { WINDOW_KEY_SEPARATOR } from '../contract/windows.js';

/**
 * The verifier's own window assignment (docs/contract.md, "Windows"), written independently of
 * the processor's: the start is floor(t / windowMs) · windowMs, and because a quotient near 2^53
 * can round to the next integer, the candidate is checked and corrected so that
 * start ≤ t < start + windowMs holds exactly.
 */

export function assertWindowLength(windowMs: number): void {
  if (!Number.isSafeInteger(windowMs) || windowMs <= 0) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `windowMs must be a positive integer, got ${windowMs}`, {
      hint: 'pass the processor\'s tumbling window length in milliseconds, e.g. 60000',
    });
  }
}

/** The start of the tumbling window holding event time `t` (an integer), epoch-aligned. */
export function windowStartOf(t: number, windowMs: number): number {
  let start = Math.floor(t / windowMs) * windowMs;
  // Exactness guard: the rounded quotient may be one window off either way.
  if (start > t) start -= windowMs;
  else if (t - start >= windowMs) start += windowMs;
  return start === 0 ? 0 : start; // never -0: the key must read "0"
}

export function windowKeyOf(userId: string, startMs: number): string {
  return userId + WINDOW_KEY_SEPARATOR + String(startMs);
}

/** `userId|start` of the window an event belongs to. */
export function eventWindowKey(userId: string, eventTimeMs: number, windowMs: number): string {
  return windowKeyOf(userId, windowStartOf(eventTimeMs, windowMs));
}

/** Splits a window key at its last `|`; null when it is not `userId|integer`. */
export function splitWindowKey(key: string): { userId: string; windowStartMs: number } | null {
  const bar = key.lastIndexOf(WINDOW_KEY_SEPARATOR);
  if (bar <= 0) return null;
  const startText = key.slice(bar + 1);
  if (!/^-?(0|[1-9]\d*)$/.test(startText)) return null;
  const startMs = Number(startText);
  return Number.isSafeInteger(startMs) ? { userId: key.slice(0, bar), windowStartMs: startMs } : null;
}
