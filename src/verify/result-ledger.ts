import { parseWindowResult, parseWindowResultValues, resultInconsistencies } from './records.js';
import { revisionProblems, type ReadResult } from './values.js';
import { ExampleList, positionText } from './examples.js';
import { Fingerprint, hashEventId } from './fingerprint.js';
import type { WindowResultLike } from './recompute.js';

/**
 * What processed-events holds (read_committed and read_uncommitted) and what S3 holds, per window
 * result. One entry per distinct result text ("variant"), identified by a 64-bit hash of the exact
 * text: a copy of a result is the same bytes, so the hash de-duplicates exactly (collision odds
 * ~2^-64). Memory is one small entry per distinct result, never per event or per S3 line.
 *
 * Rules (docs/verification.md, I2/I3; the result format is docs/contract.md's):
 *  - a key may appear with revisions 0, 1, 2 ... (allowed lateness): an update, not a duplicate;
 *    the key's final result is its highest committed revision, and of two different texts at that
 *    revision the one committed last (what a compacted topic keeps, what a reader upserting by key
 *    ends with: a key lives in one partition, so read order is log order);
 *  - the same key+revision committed more than once is a result emitted more than once;
 *  - a variant seen read_uncommitted more often than read_committed is an aborted (or still open)
 *    transaction's output: excluded from everything and counted;
 *  - a higher revision must count more events than a lower one, else the revisions do not explain
 *    the fingerprints;
 *  - a result must agree with itself (records.ts resultInconsistencies: key, window bounds,
 *    count = fingerprint count = Σ countsByType, event times inside the window, ...);
 *  - an S3 line is matched to a committed variant by its exact text; copies beyond the first are
 *    duplicates (Firehose is at-least-once), lines that match nothing committed are unexpected.
 */

export interface ResultRecord {
  key: string | null;
  value: string | null;
  partition: number;
  offset: bigint | number | string;
}

interface Variant {
  key: string;
  revision: number;
  /** null in values-only mode when the processor emitted none. */
  fingerprint: Fingerprint | null;
  /** The parsed result, for the per-field check of final results (values.ts). */
  result: ReadResult;
  /** The result's own `count` field. */
  resultCount: number;
  /** What is wrong with the result on its own terms (records.ts); empty when consistent. */
  problems: string[];
  contentHi: number;
  contentLo: number;
  committed: number;
  uncommitted: number;
  delivered: number;
  /** Where it was first read (either read), `p<partition>@<offset>`. */
  position: string;
  /** Where its first committed copy was read. */
  committedPosition: string | null;
  /** When its last committed copy was read (the ledger's committed-read counter); 0 before. */
  lastCommittedRead: number;
}

export interface ResultFindings {
  /** Committed records read (tombstones and invalid ones included; both are invalidResults). */
  committedRecords: number;
  /** Keys with at least one committed result. */
  finalResults: number;
  /** Committed copies of a key+revision beyond the first. */
  emittedMoreThanOnce: number;
  /** Key+revision pairs committed with different fingerprints. */
  revisionConflicts: number;
  /** Revisions that do not count more events than a lower revision of the same key. */
  revisionsUnexplained: number;
  /** Committed results that disagree with themselves (count vs fingerprint, key, bounds, ...). */
  inconsistentResults: number;
  /** Committed values that are not window results. */
  invalidResults: number;
  /** Records only in the read_uncommitted read: aborted (or open) transactions' output, excluded. */
  abortedResults: number;
  tombstones: number;
  examples: {
    emittedMoreThanOnce: readonly string[];
    revisionConflicts: readonly string[];
    revisionsUnexplained: readonly string[];
    inconsistentResults: readonly string[];
    invalidResults: readonly string[];
    abortedResults: readonly string[];
  };
}

export interface DeliveryFindings {
  objects: number;
  records: number;
  unterminatedObjects: number;
  /** S3 lines that are not JSON (counted in `unexpected` too). */
  unparsableLines: number;
  finalResults: number;
  /** Final results found in S3 at least once. */
  delivered: number;
  /** Final results not in S3. */
  missing: number;
  /** S3 lines beyond the first copy of a committed result (de-duplicated exactly). */
  duplicates: number;
  /** Committed results superseded by a higher revision that are in S3 too (expected: every revision is delivered). */
  superseded: number;
  /** S3 lines that match no committed result (aborted output, tampered or foreign lines). */
  unexpected: number;
  examples: { missing: readonly string[]; duplicates: readonly string[]; unexpected: readonly string[] };
}

const utf8 = new TextDecoder();

export class ResultLedger {
  private readonly byKey = new Map<string, Variant[]>();
  private readonly limit: number;
  private readonly windowMs: number | undefined;
  private readonly valuesOnly: boolean;
  private committedRecords = 0;
  /** Committed records read so far: orders variants by their last committed copy. */
  private committedReads = 0;
  private tombstones = 0;
  private committedInvalid = 0;
  private uncommittedInvalid = 0;
  private readonly emittedTwice: ExampleList;
  private readonly invalid: ExampleList;
  private objects = 0;
  private s3Records = 0;
  private unterminated = 0;
  private unparsable = 0;
  private readonly unexpected: ExampleList;

  /** valuesOnly: results need not carry a fingerprint (a processor that emits none). */
  constructor(options: { exampleLimit?: number; windowMs?: number; valuesOnly?: boolean } = {}) {
    this.limit = options.exampleLimit ?? 5;
    this.windowMs = options.windowMs;
    this.valuesOnly = options.valuesOnly ?? false;
    this.emittedTwice = new ExampleList(this.limit);
    this.invalid = new ExampleList(this.limit);
    this.unexpected = new ExampleList(this.limit);
  }

  /** A processed-events record from the read_committed read. */
  addCommitted(record: ResultRecord): void {
    this.committedRecords += 1;
    const variant = this.variantOf(record, true);
    if (!variant) return;
    const before = this.committedAt(variant.key, variant.revision);
    variant.committed += 1;
    variant.committedPosition ??= positionText(record.partition, record.offset);
    this.committedReads += 1;
    variant.lastCommittedRead = this.committedReads;
    if (before.copies > 0) {
      this.emittedTwice.add(() => `${variant.key} rev ${variant.revision} again at ${positionText(record.partition, record.offset)} (first at ${before.position})`);
    }
  }

  /** A processed-events record from the read_uncommitted read. */
  addUncommitted(record: ResultRecord): void {
    const variant = this.variantOf(record, false);
    if (variant) variant.uncommitted += 1;
  }

  /** One S3 object was read (call before its lines). */
  addDeliveredObject(terminated: boolean): void {
    this.objects += 1;
    if (!terminated) this.unterminated += 1;
  }

  /** One NDJSON line of an S3 object; `where` names it for examples (`<object key>#<line>`). */
  addDelivered(line: Uint8Array | string, where: string): void {
    this.s3Records += 1;
    const text = typeof line === 'string' ? line : utf8.decode(line);
    let key: unknown;
    let revision: unknown;
    try {
      ({ key, revision } = JSON.parse(text) as { key?: unknown; revision?: unknown });
    } catch {
      // A line cut short (a torn write, a truncated object) or foreign bytes: name the object and line.
      this.unparsable += 1;
      this.unexpected.add(() => `${where}: not JSON (${text.length} characters${text.startsWith('{') ? ', a result cut short?' : ''}, ends ${JSON.stringify(text.slice(-24))})`);
      return;
    }
    const hash = hashEventId(text);
    const variant = typeof key === 'string' ? this.byKey.get(key)?.find((v) => v.contentHi === hash.hi && v.contentLo === hash.lo) : undefined;
    if (!variant || variant.committed === 0) {
      const what = variant ? 'an aborted result' : 'no committed result';
      this.unexpected.add(() => `${where}: ${String(key)} rev ${String(revision)} matches ${what}`);
      return;
    }
    variant.delivered += 1;
  }

  /** Committed results (one per distinct text), for compareWindowResults (fingerprint mode). */
  *committedResults(): Generator<WindowResultLike> {
    for (const v of this.committedVariants()) if (v.fingerprint) yield { key: v.key, revision: v.revision, fingerprint: v.fingerprint.toJSON() };
  }

  /**
   * Committed results (one per distinct text) with their parsed values; fingerprint null when
   * absent. Per key in the order of their last committed copy, so that a reader keeping the later
   * of two results at one revision (compareWindowResults) keeps the key's final result.
   */
  *committedVariants(): Generator<{ key: string; revision: number; fingerprint: Fingerprint | null; result: ReadResult }> {
    for (const variants of this.byKey.values()) {
      yield* variants.filter((v) => v.committed > 0).sort((a, b) => a.lastCommittedRead - b.lastCommittedRead);
    }
  }

  /** Each key's final result: its highest committed revision; at that revision, the text committed last. */
  *finalResults(): Generator<{ key: string; revision: number; result: ReadResult; position: string }> {
    for (const [key, variants] of this.byKey) {
      let best: Variant | null = null;
      for (const v of variants) {
        if (v.committed === 0) continue;
        if (best === null || v.revision > best.revision || (v.revision === best.revision && v.lastCommittedRead > best.lastCommittedRead)) best = v;
      }
      if (best) yield { key, revision: best.revision, result: best.result, position: best.committedPosition ?? best.position };
    }
  }

  /** Highest committed revision per key. */
  finalRevision(key: string): number | null {
    let best: number | null = null;
    for (const v of this.byKey.get(key) ?? []) if (v.committed > 0 && (best === null || v.revision > best)) best = v.revision;
    return best;
  }

  /**
   * `checkedByValue(key)`: the key's final result is compared field by field (values.ts), which
   * is stronger than self-consistency, so its own contradictions are reported there, once.
   */
  results(checkedByValue: (key: string) => boolean = () => false): ResultFindings {
    const ex = () => new ExampleList(this.limit);
    const conflicts = ex();
    const unexplained = ex();
    const inconsistent = ex();
    const aborted = ex();
    let finalResults = 0;
    for (const [key, variants] of this.byKey) {
      const committed = variants.filter((v) => v.committed > 0).sort((a, b) => a.revision - b.revision);
      if (committed.length > 0) finalResults += 1;
      const valueChecked = committed.length > 0 && checkedByValue(key);
      const finalRevision = committed.at(-1)?.revision;
      for (const v of variants) {
        for (let i = v.committed; i < v.uncommitted; i += 1) aborted.add(() => `${key} rev ${v.revision} count ${v.resultCount} (${v.position})`);
        if (valueChecked && v.revision === finalRevision) continue;
        if (v.committed > 0 && v.problems.length > 0) inconsistent.add(() => `${key} rev ${v.revision}: ${v.problems.join('; ')}`);
      }
      let previous: Variant | null = null;
      for (let i = 0; i < committed.length; i += 1) {
        const v = committed[i] as Variant;
        if (previous && v.revision === previous.revision) {
          const differ = v.fingerprint && previous.fingerprint ? !v.fingerprint.equals(previous.fingerprint) : v.resultCount !== previous.resultCount;
          const was = previous;
          if (differ) conflicts.add(() => `${key} rev ${v.revision}: ${was.fingerprint ?? `count ${was.resultCount}`} vs ${v.fingerprint ?? `count ${v.resultCount}`}`);
          continue;
        }
        if (previous) {
          const problems = revisionProblems(previous.result, v.result);
          if (problems.length > 0) unexplained.add(() => `${key} rev ${v.revision} ${problems.join('; ')}`);
        }
        previous = v;
      }
    }
    for (let i = this.committedInvalid; i < this.uncommittedInvalid; i += 1) aborted.add('an invalid record');
    return {
      committedRecords: this.committedRecords,
      finalResults,
      emittedMoreThanOnce: this.emittedTwice.total,
      revisionConflicts: conflicts.total,
      revisionsUnexplained: unexplained.total,
      inconsistentResults: inconsistent.total,
      invalidResults: this.invalid.total,
      abortedResults: aborted.total,
      tombstones: this.tombstones,
      examples: {
        emittedMoreThanOnce: this.emittedTwice.items,
        revisionConflicts: conflicts.items,
        revisionsUnexplained: unexplained.items,
        inconsistentResults: inconsistent.items,
        invalidResults: this.invalid.items,
        abortedResults: aborted.items,
      },
    };
  }

  delivery(): DeliveryFindings {
    const missing = new ExampleList(this.limit);
    const duplicates = new ExampleList(this.limit);
    let finalResults = 0;
    let delivered = 0;
    let duplicateLines = 0;
    let superseded = 0;
    for (const [key, variants] of this.byKey) {
      const final = this.finalRevision(key);
      if (final === null) continue;
      finalResults += 1;
      let finalDelivered = false;
      for (const v of variants) {
        if (v.committed === 0) continue;
        if (v.delivered > 1) {
          duplicateLines += v.delivered - 1;
          duplicates.add(() => `${key} rev ${v.revision} ×${v.delivered}`);
        }
        if (v.revision === final) finalDelivered ||= v.delivered > 0;
        else if (v.delivered > 0) superseded += 1;
      }
      if (finalDelivered) delivered += 1;
      else missing.add(() => `${key} rev ${final}`);
    }
    return {
      objects: this.objects,
      records: this.s3Records,
      unterminatedObjects: this.unterminated,
      unparsableLines: this.unparsable,
      finalResults,
      delivered,
      missing: missing.total,
      duplicates: duplicateLines,
      superseded,
      unexpected: this.unexpected.total,
      examples: { missing: missing.items, duplicates: duplicates.items, unexpected: this.unexpected.items },
    };
  }

  /** Committed copies of key+revision so far, and where the first one was read. */
  private committedAt(key: string, revision: number): { copies: number; position: string | null } {
    let copies = 0;
    let position: string | null = null;
    for (const v of this.byKey.get(key) ?? []) {
      if (v.revision !== revision || v.committed === 0) continue;
      copies += v.committed;
      position ??= v.committedPosition;
    }
    return { copies, position };
  }

  /** The variant of a record's exact text, created (parsed once) when new; null for tombstones and invalid values. */
  private variantOf(record: ResultRecord, committed: boolean): Variant | null {
    if (record.value === null) {
      // The contract has no tombstones: a committed one is a record that is not a window result.
      if (committed) {
        this.tombstones += 1;
        this.committedInvalid += 1;
        this.invalid.add(() => `${positionText(record.partition, record.offset)}: a tombstone (null value) under key ${JSON.stringify(record.key)}, not a window result`);
      } else this.uncommittedInvalid += 1;
      return null;
    }
    const hash = hashEventId(record.value);
    if (record.key !== null) {
      const found = this.byKey.get(record.key)?.find((v) => v.contentHi === hash.hi && v.contentLo === hash.lo);
      if (found) return found;
    }
    const position = positionText(record.partition, record.offset);
    let result;
    try {
      result = this.valuesOnly ? parseWindowResultValues(record.value) : parseWindowResult(record.value);
      if (record.key === null) throw new Error(`no Kafka key (the contract keys a result by ${JSON.stringify(result.key)})`);
      if (record.key !== result.key) throw new Error(`Kafka key ${JSON.stringify(record.key)} differs from result key ${JSON.stringify(result.key)}`);
    } catch (error) {
      if (committed) {
        this.committedInvalid += 1;
        this.invalid.add(() => `${position}: ${(error as Error).message.slice(0, 200)}`);
      } else this.uncommittedInvalid += 1;
      return null;
    }
    let variants = this.byKey.get(result.key);
    const existing = variants?.find((v) => v.contentHi === hash.hi && v.contentLo === hash.lo);
    if (existing) return existing;
    const variant: Variant = {
      key: result.key,
      revision: result.revision,
      fingerprint: result.fingerprint ? Fingerprint.parse(result.fingerprint) : null,
      result,
      resultCount: result.count,
      problems: resultInconsistencies(result, this.windowMs),
      contentHi: hash.hi,
      contentLo: hash.lo,
      committed: 0,
      uncommitted: 0,
      delivered: 0,
      position,
      committedPosition: null,
      lastCommittedRead: 0,
    };
    if (!variants) {
      variants = [];
      this.byKey.set(result.key, variants);
    }
    variants.push(variant);
    return variant;
  }
}
