import { EVENT_TYPES } from '../contract/event.js';
import type { FingerprintJson } from '../contract/fingerprint.js';
import type { WindowResult } from '../contract/window-result.js';
import { splitWindowKey } from './windows.js';
import { MIXED_PARTITIONS, type ExpectedWindow } from './window-values.js';

/**
 * Per-field recomputation of a final window result (docs/verification.md, "Values"): every field
 * docs/contract.md defines, against what the verifier recomputed from raw-events. Exact where the
 * log determines the value; a bound where it depends on processing time (watermarkMs) or on
 * settings the verifier was not told.
 */

/** A result as read: the fingerprint is absent when the processor emits none (values-only mode). */
export type ReadResult = Omit<WindowResult, 'fingerprint'> & { fingerprint?: FingerprintJson };

/** What the verifier knows of the processor's settings (docs/contract.md, WindowingConfig). */
export interface ValueSettings {
  windowMs: number;
  /** closeAtMs = windowEndMs + this, exactly; unknown → only closeAtMs ≥ windowEndMs. */
  outOfOrdernessMs?: number;
  /** 0 → every final result is revision 0; unknown or > 0 → revision ≤ count − 1. */
  allowedLatenessMs?: number;
}

export interface FieldMismatch {
  key: string;
  revision: number;
  field: string;
  /** The value the contract gives (or the bound, e.g. `≤ 1700000065000`). */
  expected: string;
  actual: string;
}

/** The fields the value check covers, in the order the summary lists them. */
export const CHECKED_FIELDS = [
  'userId',
  'windowStartMs',
  'windowEndMs',
  'sourcePartition',
  'count',
  ...EVENT_TYPES.map((type) => `countsByType.${type}`),
  'revenueCents',
  'distinctSessions',
  'firstEventTimeMs',
  'lastEventTimeMs',
  'maxIntendedAtMs',
  'closeAtMs',
  'watermarkMs',
  'revision',
] as const;

export function compareValues(
  key: string,
  expected: ExpectedWindow,
  result: ReadResult,
  settings: ValueSettings,
  /** Largest event time the log holds on any partition (valid events not in the DLQ, control records); the watermark cannot pass it. */
  maxEventTimeMs: number,
): FieldMismatch[] {
  const out: FieldMismatch[] = [];
  const check = (field: string, want: number | string, actual: unknown): void => {
    if (want !== actual) out.push({ key, revision: result.revision, field, expected: String(want), actual: JSON.stringify(actual) });
  };
  const bound = (field: string, holds: boolean, text: string, actual: unknown): void => {
    if (!holds) out.push({ key, revision: result.revision, field, expected: text, actual: JSON.stringify(actual) });
  };
  const split = splitWindowKey(key);
  if (!split) return out; // an expected window's key is always well-formed
  const start = split.windowStartMs;
  check('userId', split.userId, result.userId);
  check('windowStartMs', start, result.windowStartMs);
  check('windowEndMs', start + settings.windowMs, result.windowEndMs);
  if (expected.partition === MIXED_PARTITIONS) bound('sourcePartition', false, 'one partition (its counted events came from several)', result.sourcePartition);
  else check('sourcePartition', expected.partition, result.sourcePartition);
  check('count', expected.count, result.count);
  const byType = expected.countsByType();
  for (const type of EVENT_TYPES) check(`countsByType.${type}`, byType[type] as number, result.countsByType[type]);
  check('revenueCents', expected.revenueCents, result.revenueCents);
  check('distinctSessions', expected.distinctSessions, result.distinctSessions);
  check('firstEventTimeMs', start + expected.firstOffsetMs, result.firstEventTimeMs);
  check('lastEventTimeMs', start + expected.lastOffsetMs, result.lastEventTimeMs);
  check('maxIntendedAtMs', start + expected.intendedOffsetMs, result.maxIntendedAtMs);
  const end = start + settings.windowMs;
  if (settings.outOfOrdernessMs !== undefined) check('closeAtMs', end + settings.outOfOrdernessMs, result.closeAtMs);
  else bound('closeAtMs', result.closeAtMs >= end, `≥ ${end}`, result.closeAtMs);
  // Emitted only once the watermark reached the end; the watermark is at most the newest event
  // time of the log minus the out-of-orderness (it is a minimum over partitions of that).
  const ceiling = maxEventTimeMs - (settings.outOfOrdernessMs ?? 0);
  bound('watermarkMs', result.watermarkMs >= end && result.watermarkMs <= ceiling, `in [${end}, ${ceiling}]`, result.watermarkMs);
  if (settings.allowedLatenessMs === 0) check('revision', 0, result.revision);
  else bound('revision', result.revision <= expected.count - 1, `≤ ${expected.count - 1} (each revision adds an event)`, result.revision);
  return out;
}

/**
 * Why a higher revision of a key cannot follow a lower one (empty when it can): each revision is
 * the full state after more events were added, so every count and sum grows, the extremes widen
 * and the window and partition stay.
 */
export function revisionProblems(lower: ReadResult, higher: ReadResult): string[] {
  const problems: string[] = [];
  if (higher.count <= lower.count) problems.push(`counts ${higher.count}, not more than rev ${lower.revision}'s ${lower.count}`);
  for (const type of EVENT_TYPES) {
    if (higher.countsByType[type] < lower.countsByType[type]) problems.push(`countsByType.${type} ${higher.countsByType[type]} < rev ${lower.revision}'s ${lower.countsByType[type]}`);
  }
  const grows = ['revenueCents', 'distinctSessions', 'lastEventTimeMs', 'maxIntendedAtMs', 'watermarkMs'] as const;
  for (const field of grows) if (higher[field] < lower[field]) problems.push(`${field} ${higher[field]} < rev ${lower.revision}'s ${lower[field]}`);
  if (higher.firstEventTimeMs > lower.firstEventTimeMs) problems.push(`firstEventTimeMs ${higher.firstEventTimeMs} > rev ${lower.revision}'s ${lower.firstEventTimeMs}`);
  const fixed = ['userId', 'windowStartMs', 'windowEndMs', 'sourcePartition', 'closeAtMs'] as const;
  for (const field of fixed) if (higher[field] !== lower[field]) problems.push(`${field} ${higher[field]} differs from rev ${lower.revision}'s ${lower[field]}`);
  return problems;
}

export interface ValueFindings {
  /** Final results whose every field was compared (their window's events matched). */
  checked: number;
  /** Field mismatches over all checked final results. */
  mismatches: number;
  /** Mismatches per field (only fields with any). */
  byField: Record<string, number>;
  /** Final results with at least one wrong field. */
  resultsWithWrongValues: number;
  /** `<key> rev <n> <field>: expected <x>, actual <y>`; the first of each field first, then the rest. */
  examples: string[];
}

/**
 * The value check over every final result whose window counted the right events (`matched`):
 * one mismatch per wrong field. Windows whose events are wrong are reported by the fingerprint
 * comparison instead (miscounted, missing, multiple), so one defect is not counted twice.
 */
export function checkFinalValues(
  finals: Iterable<{ key: string; revision: number; result: ReadResult }>,
  expectedOf: (key: string) => ExpectedWindow | undefined,
  matched: ReadonlySet<string>,
  settings: ValueSettings,
  maxEventTimeMs: number,
  limit: number,
): ValueFindings {
  const findings: ValueFindings = { checked: 0, mismatches: 0, byField: {}, resultsWithWrongValues: 0, examples: [] };
  const firstOfField: FieldMismatch[] = [];
  const rest: FieldMismatch[] = [];
  for (const final of finals) {
    const expected = expectedOf(final.key);
    if (!expected || !matched.has(final.key)) continue;
    findings.checked += 1;
    const wrong = compareValues(final.key, expected, final.result, settings, maxEventTimeMs);
    if (wrong.length === 0) continue;
    findings.resultsWithWrongValues += 1;
    for (const mismatch of wrong) {
      findings.mismatches += 1;
      const seen = findings.byField[mismatch.field] ?? 0;
      findings.byField[mismatch.field] = seen + 1;
      if (seen === 0 && firstOfField.length < limit) firstOfField.push(mismatch);
      else if (rest.length < limit) rest.push(mismatch);
    }
  }
  findings.examples = [...firstOfField, ...rest]
    .slice(0, limit)
    .map((m) => `${m.key} rev ${m.revision} ${m.field}: expected ${m.expected}, actual ${m.actual}`);
  return findings;
}
