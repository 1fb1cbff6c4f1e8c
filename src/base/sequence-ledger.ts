import { SequenceBitmap } from './sequence-bitmap.js';

/**
 * Event identities (generatorId, seq) as one SequenceBitmap per generator. A handful of generators
 * per run, so the map stays tiny and all memory is in the bitmaps.
 */
export class SequenceLedger {
  private readonly bitmaps = new Map<string, SequenceBitmap>();
  // Events arrive in long runs from the same generator: skip the map lookup for those.
  private lastGeneratorId: string | null = null;
  private lastBitmap: SequenceBitmap | null = null;

  private bitmapForWrite(generatorId: string): SequenceBitmap {
    if (generatorId === this.lastGeneratorId && this.lastBitmap) return this.lastBitmap;
    let bitmap = this.bitmaps.get(generatorId);
    if (!bitmap) {
      bitmap = new SequenceBitmap();
      this.bitmaps.set(generatorId, bitmap);
    }
    this.lastGeneratorId = generatorId;
    this.lastBitmap = bitmap;
    return bitmap;
  }

  /** Records (generatorId, seq); true if it was new. Throws for a seq a bitmap cannot hold. */
  add(generatorId: string, seq: number): boolean {
    return this.bitmapForWrite(generatorId).set(seq);
  }

  has(generatorId: string, seq: number): boolean {
    const bitmap = generatorId === this.lastGeneratorId ? this.lastBitmap : this.bitmaps.get(generatorId);
    return bitmap ? bitmap.has(seq) : false;
  }

  delete(generatorId: string, seq: number): boolean {
    return this.bitmaps.get(generatorId)?.clear(seq) ?? false;
  }

  /** Distinct identities recorded, over all generators. */
  get count(): number {
    let total = 0;
    for (const bitmap of this.bitmaps.values()) total += bitmap.count;
    return total;
  }

  get byteLength(): number {
    let total = 0;
    for (const bitmap of this.bitmaps.values()) total += bitmap.byteLength;
    return total;
  }

  countFor(generatorId: string): number {
    return this.bitmaps.get(generatorId)?.count ?? 0;
  }

  /** Generator ids, sorted (stable report order). */
  generators(): string[] {
    return [...this.bitmaps.keys()].sort();
  }

  bitmapFor(generatorId: string): SequenceBitmap | undefined {
    return this.bitmaps.get(generatorId);
  }

  /** Identities as `generatorId:seq` (the eventId form), generators sorted, seqs ascending. */
  *ids(maxItems = Infinity): Generator<string> {
    let yielded = 0;
    for (const generatorId of this.generators()) {
      for (const seq of (this.bitmaps.get(generatorId) as SequenceBitmap).values()) {
        if (yielded >= maxItems) return;
        yielded += 1;
        yield `${generatorId}:${seq}`;
      }
    }
  }

  /** Number of identities here and not in `other`. */
  countNotIn(other: SequenceLedger): number {
    let total = 0;
    for (const [generatorId, bitmap] of this.bitmaps) {
      const theirs = other.bitmaps.get(generatorId);
      total += theirs ? bitmap.countNotIn(theirs) : bitmap.count;
    }
    return total;
  }

  /** A new ledger: identities here and not in `other` (A \ B). */
  difference(other: SequenceLedger): SequenceLedger {
    const result = new SequenceLedger();
    for (const [generatorId, bitmap] of this.bitmaps) {
      const theirs = other.bitmaps.get(generatorId);
      result.bitmaps.set(generatorId, theirs ? bitmap.difference(theirs) : bitmap.clone());
    }
    return result;
  }

  /** A new ledger: identities in both (A ∩ B). */
  intersection(other: SequenceLedger): SequenceLedger {
    const result = new SequenceLedger();
    for (const [generatorId, bitmap] of this.bitmaps) {
      const theirs = other.bitmaps.get(generatorId);
      if (theirs) result.bitmaps.set(generatorId, bitmap.intersection(theirs));
    }
    return result;
  }

  /** A new ledger: identities in either (A ∪ B). */
  union(other: SequenceLedger): SequenceLedger {
    const result = new SequenceLedger();
    for (const [generatorId, bitmap] of this.bitmaps) {
      const theirs = other.bitmaps.get(generatorId);
      result.bitmaps.set(generatorId, theirs ? bitmap.union(theirs) : bitmap.clone());
    }
    for (const [generatorId, bitmap] of other.bitmaps) {
      if (!this.bitmaps.has(generatorId)) result.bitmaps.set(generatorId, bitmap.clone());
    }
    return result;
  }
}

export type Sighting = 'first' | 'duplicate';

/**
 * Counts duplicates without remembering strings: `seen` has every identity, `repeated` those seen
 * two or more times; `extraOccurrences` counts every sighting after the first.
 */
export class DuplicateLedger {
  readonly seen = new SequenceLedger();
  readonly repeated = new SequenceLedger();
  private extra = 0;
  /** Sightings of each repeated identity (duplicates are rare: a small map beside the bitmaps). */
  private readonly copies = new Map<string, { generatorId: string; seq: number; sightings: number }>();

  add(generatorId: string, seq: number): Sighting {
    if (this.seen.add(generatorId, seq)) return 'first';
    this.repeated.add(generatorId, seq);
    this.extra += 1;
    const id = `${generatorId}:${seq}`;
    const entry = this.copies.get(id);
    if (entry) entry.sightings += 1;
    else this.copies.set(id, { generatorId, seq, sightings: 2 });
    return 'duplicate';
  }

  /** Every identity seen at least twice, with how often. */
  repeatedSightings(): Iterable<{ generatorId: string; seq: number; sightings: number }> {
    return this.copies.values();
  }

  has(generatorId: string, seq: number): boolean {
    return this.seen.has(generatorId, seq);
  }

  isRepeated(generatorId: string, seq: number): boolean {
    return this.repeated.has(generatorId, seq);
  }

  /** Distinct identities seen. */
  get distinctCount(): number {
    return this.seen.count;
  }

  /** Identities seen at least twice. */
  get repeatedCount(): number {
    return this.repeated.count;
  }

  /** Sightings beyond the first of each identity (total sightings − distinct). */
  get extraOccurrences(): number {
    return this.extra;
  }

  /** Total sightings. */
  get occurrences(): number {
    return this.seen.count + this.extra;
  }

  get byteLength(): number {
    return this.seen.byteLength + this.repeated.byteLength;
  }
}
