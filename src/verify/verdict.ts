import { verdictSchema, type CounterName, type Verdict } from '../report/result-schema.js';

/**
 * The verifier's verdict: per invariant pass/fail, counts and examples. It is the result file's
 * `verdict` (src/report/result-schema.ts) plus a `status` per invariant, because an invariant can
 * also be "not checked" (I3 when the scenario disables delivery). The result schema has only
 * `pass`, so a not-checked invariant is written with pass: true, `counts.checked = 0`, a name that
 * says NOT CHECKED and an example saying why: visible in every report, never a silent pass.
 */

export type InvariantId = 'I1' | 'I2' | 'I3';
export type InvariantStatus = 'pass' | 'fail' | 'not-checked';

export interface InvariantReport {
  id: InvariantId;
  name: string;
  status: InvariantStatus;
  pass: boolean;
  /** Sum of the violation counts (events for I1/I2, window results for I3, see docs/verification.md). */
  violations: number;
  counts: Record<string, number>;
  /** The names in `counts` that are violations (the rest are supporting figures). */
  violationKinds: string[];
  /** Up to N examples per kind of violation, `<kind>: <id|key|position> ...`; then informational ones. */
  examples: string[];
}

export interface VerifierVerdict {
  pass: boolean;
  invariants: InvariantReport[];
}

export const INVARIANT_NAMES: Record<InvariantId, string> = {
  I1: 'ingest: every acknowledged event is in raw-events exactly once',
  I2: 'processing: every ingested event is in exactly one committed window result, late-events or the DLQ',
  I3: 'delivery: every final window result reaches S3',
};

export interface InvariantParts {
  id: InvariantId;
  /** Supporting figures, violation counts included. */
  counts: Record<string, number>;
  /** Names of the counts that are violations; their sum is `violations`. */
  violationKinds: readonly string[];
  examples: string[];
}

/** An evaluated invariant: fails when any violation kind counts above zero. */
export function invariantReport(parts: InvariantParts): InvariantReport {
  const violations = parts.violationKinds.reduce((sum, kind) => sum + (parts.counts[kind] ?? 0), 0);
  const pass = violations === 0;
  return {
    id: parts.id,
    name: INVARIANT_NAMES[parts.id],
    status: pass ? 'pass' : 'fail',
    pass,
    violations,
    counts: parts.counts,
    violationKinds: [...parts.violationKinds],
    examples: parts.examples,
  };
}

/** An invariant that was not checked, and why (e.g. "delivery disabled in the scenario"). */
export function notChecked(id: InvariantId, reason: string): InvariantReport {
  return {
    id,
    name: `${INVARIANT_NAMES[id]} — NOT CHECKED (${reason})`,
    status: 'not-checked',
    pass: true,
    violations: 0,
    counts: { checked: 0 },
    violationKinds: [],
    examples: [`not checked: ${reason}`],
  };
}

export function assembleVerdict(invariants: InvariantReport[]): VerifierVerdict {
  // No invariant checked proves nothing: that is not a pass.
  const checked = invariants.filter((inv) => inv.status !== 'not-checked');
  return { pass: checked.length > 0 && invariants.every((inv) => inv.pass), invariants };
}

/** The result file's form (status dropped), validated against the result schema. */
export function toResultVerdict(verdict: VerifierVerdict): Verdict {
  return verdictSchema.parse({
    pass: verdict.pass,
    invariants: verdict.invariants.map(({ id, name, pass, violations, counts, examples }) => ({ id, name, pass, violations, counts, examples })),
  });
}

/** The well-known result counters the verdict determines (COUNTER_DESCRIPTIONS). */
export function verdictCounters(verdict: VerifierVerdict): Partial<Record<CounterName, number>> {
  const counts = (id: InvariantId): Record<string, number> | undefined => {
    const inv = verdict.invariants.find((i) => i.id === id && i.status !== 'not-checked');
    return inv?.counts;
  };
  const i1 = counts('I1');
  const i2 = counts('I2');
  const i3 = counts('I3');
  const out: Partial<Record<CounterName, number>> = {
    violations: verdict.invariants.reduce((sum, inv) => sum + inv.violations, 0),
  };
  if (i1 || i2) {
    out.lost = (i1?.lost ?? 0) + (i2?.missing ?? 0);
    // Every counting of an event beyond its first: a raw-events copy (I1 duplicated) and what the
    // processor counted again (I2 extraCountings: in a result and a sink, both sinks, a sink twice,
    // twice in one result). A verdict without extraCountings (older) falls back to I2 multiple.
    out.duplicated = (i1?.duplicated ?? 0) + (i2?.extraCountings ?? i2?.multiple ?? 0);
  }
  if (i2) {
    out.late = i2.late ?? 0;
    out.dlq = i2.dlq ?? 0;
  }
  if (i3) {
    out.s3Missing = i3.missing ?? 0;
    out.s3Duplicates = i3.duplicates ?? 0;
  }
  return out;
}

/** One line per invariant for a terminal (`I2 FAIL 3 violation(s): missing=1 multiple=2`), then its examples. */
export function describeVerdict(verdict: VerifierVerdict): string[] {
  const lines = [`verdict: ${verdict.pass ? 'PASS' : 'FAIL'}`];
  for (const inv of verdict.invariants) {
    if (inv.status === 'not-checked') {
      lines.push(`${inv.id} NOT CHECKED: ${inv.name}`);
      continue;
    }
    const nonZero = inv.violationKinds.filter((k) => (inv.counts[k] ?? 0) > 0).map((k) => `${k}=${inv.counts[k]}`);
    lines.push(`${inv.id} ${inv.pass ? 'pass' : 'FAIL'} ${inv.violations} violation(s)${nonZero.length ? `: ${nonZero.join(' ')}` : ''}`);
    for (const example of inv.examples) lines.push(`    ${example}`);
  }
  return lines;
}
