import type { SequenceLedger } from '../base/sequence-ledger.js';

/**
 * Bounded example lists for the verdict: every kind of violation keeps its total count and the
 * first `limit` examples (event ids `gen:seq`, window keys, `p<partition>@<offset>` positions),
 * so a run with millions of violations still produces a small verdict.
 */

export const DEFAULT_EXAMPLE_LIMIT = 5;

export class ExampleList {
  private readonly kept: string[] = [];
  private seen = 0;

  constructor(readonly limit: number = DEFAULT_EXAMPLE_LIMIT) {}

  /** Counts one occurrence; keeps its text while fewer than `limit` are kept. Text is built lazily. */
  add(text: string | (() => string)): void {
    this.seen += 1;
    if (this.kept.length < this.limit) this.kept.push(typeof text === 'function' ? text() : text);
  }

  /** True while another example would still be kept (lets callers skip building one). */
  get wantsMore(): boolean {
    return this.kept.length < this.limit;
  }

  /** Occurrences counted (kept or not). */
  get total(): number {
    return this.seen;
  }

  get items(): readonly string[] {
    return this.kept;
  }
}

/** `p<partition>@<offset>`: where a record sits in its topic. */
export function positionText(partition: number, offset: bigint | number | string): string {
  return `p${partition}@${String(offset)}`;
}

/** Up to `limit` identities of a ledger as `gen:seq` (generators sorted, seqs ascending). */
export function idsOf(ledger: SequenceLedger, limit: number): string[] {
  return [...ledger.ids(limit)];
}

/** `label: item` for each item, the form every example in a verdict takes. */
export function labelled(label: string, items: readonly string[]): string[] {
  return items.map((item) => `${label}: ${item}`);
}
