import { z } from 'zod';

/**
 * Human durations for scenario files: `500ms`, `30s`, `2m`, `1h30m`, `7d`, or a plain number of
 * milliseconds. The schema turns them into integer ms at parse time, so nothing downstream ever
 * sees a string. formatDurationMs writes the same syntax back (help text, one-line summaries).
 */

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
export const DURATION_PATTERN = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

/** Integer ms for a human duration string; undefined when the text is not one. */
export function parseDurationText(text: string): number | undefined {
  if (!DURATION_PATTERN.test(text)) return undefined;
  let totalMs = 0;
  PART.lastIndex = 0;
  for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
    totalMs += Number(match[1]) * UNIT_MS[match[2] as Unit];
  }
  return Math.round(totalMs);
}

/** A number (ms) or a human string → ms; undefined when neither. */
export function toDurationMs(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string') return parseDurationText(value);
  return undefined;
}

/** `90000` → `1m30s`, `500` → `500ms`, `0` → `0s`; fractions of a ms are rounded. */
export function formatDurationMs(ms: number): string {
  let rest = Math.round(ms);
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const unit of ['d', 'h', 'm', 's', 'ms'] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

const EXPECTED = 'expected a duration: a number of ms, or a string like 500ms, 30s, 2m, 1h30m';

export interface DurationBounds {
  /** Smallest allowed value in ms (inclusive). Default 0. */
  minMs?: number;
  /** Largest allowed value in ms (inclusive). */
  maxMs?: number;
  /** Reject 0 (phase lengths). */
  positive?: boolean;
}

/**
 * Zod schema for a duration field: input `number | string`, output integer-or-finite ms.
 * Tagged `format: 'duration'` (with its bounds, which JSON Schema of the input side cannot show)
 * so help and docs print it as a duration, not as a union.
 */
export function durationMs(bounds: DurationBounds = {}) {
  let checked = z.number();
  if (bounds.positive) checked = checked.positive(`must be greater than 0`);
  if (bounds.minMs !== undefined) checked = checked.min(bounds.minMs, `must be at least ${formatDurationMs(bounds.minMs)}`);
  if (bounds.maxMs !== undefined) checked = checked.max(bounds.maxMs, `must be at most ${formatDurationMs(bounds.maxMs)}`);
  return z
    .union([z.number().finite().nonnegative('must not be negative'), z.string().regex(DURATION_PATTERN, EXPECTED)], { error: EXPECTED })
    .meta({ format: 'duration', minMs: bounds.minMs, maxMs: bounds.maxMs, positive: bounds.positive })
    .transform((value) => (typeof value === 'number' ? value : (parseDurationText(value) ?? Number.NaN)))
    .pipe(checked);
}
