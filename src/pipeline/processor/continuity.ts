/**
 * Which fetched raw-events records the processor may apply: exactly the next offset of each
 * assigned partition, once. Pure (no Kafka, no clock).
 *
 * The consumer client can hand over records that must not be applied: records fetched before a
 * group join (stale generation), records of a fetch stream that was replaced by a re-seek, records
 * below the committed offset (re-delivered after a join or re-seek; already in the committed
 * state), and records after a hole (an in-flight fetch from before a join can move the client's
 * position past the committed offset; applying them would silently skip events). So:
 *   - stale (other generation or stream epoch, or an unassigned partition): dropped;
 *   - offset < expected: dropped (already processed);
 *   - offset = expected: accepted, expected + 1;
 *   - offset > expected: dropped and the partition is reported as a gap: the runtime re-seeks to
 *     the committed offsets. If the very same gap shows again right after that re-seek, it is
 *     genuine (raw-events written by a transactional producer has offsets taken by commit markers
 *     and aborted records, which read_committed never delivers) and is accepted: the partition
 *     can never stall.
 */

export interface ContinuityRecord {
  partition: number;
  offset: bigint;
  generationId: number;
  /** Which fetch stream delivered it (bumped by every re-seek). */
  streamEpoch: number;
}

export interface Gap {
  partition: number;
  expected: bigint;
  found: bigint;
}

export interface ContinuityVerdict<R> {
  accepted: R[];
  /** Other generation, other stream epoch or unassigned partition. */
  stale: number;
  /** Below the expected offset: already processed. */
  behind: number;
  /** At or after a gap in their partition, in this call. */
  beyondGap: number;
  /** Partitions with a new gap (first record found per partition): re-seek them, then noteReseek(). */
  gaps: Gap[];
  /** Gaps seen again right after a re-seek, accepted as genuine (log them). */
  acceptedGaps: Gap[];
}

export class OffsetContinuity {
  #generationId = -1;
  #streamEpoch = -1;
  readonly #expected = new Map<number, bigint>();
  // partition → expected offset when it was re-seeked because of a gap there.
  readonly #reseekedAt = new Map<number, bigint>();

  /** After a (re)assignment: the next offset to apply per assigned partition (the group's committed offsets). */
  reset(expected: ReadonlyMap<number, bigint>, current: { generationId: number; streamEpoch: number }): void {
    this.#expected.clear();
    this.#reseekedAt.clear();
    for (const [partition, offset] of expected) this.#expected.set(partition, offset);
    this.#generationId = current.generationId;
    this.#streamEpoch = current.streamEpoch;
  }

  /** The fetch stream was replaced to re-read `partitions` from their committed offsets. */
  noteReseek(streamEpoch: number, partitions: Iterable<number>): void {
    this.#streamEpoch = streamEpoch;
    for (const partition of partitions) {
      const expected = this.#expected.get(partition);
      if (expected !== undefined) this.#reseekedAt.set(partition, expected);
    }
  }

  /** Next offset to apply per assigned partition: what a commit after the accepted records stores. */
  get expected(): ReadonlyMap<number, bigint> {
    return this.#expected;
  }

  filter<R extends ContinuityRecord>(records: readonly R[]): ContinuityVerdict<R> {
    const verdict: ContinuityVerdict<R> = { accepted: [], stale: 0, behind: 0, beyondGap: 0, gaps: [], acceptedGaps: [] };
    const gapped = new Set<number>();
    for (const record of records) {
      const expected = this.#expected.get(record.partition);
      if (expected === undefined || record.generationId !== this.#generationId || record.streamEpoch !== this.#streamEpoch) {
        verdict.stale += 1;
      } else if (gapped.has(record.partition)) {
        verdict.beyondGap += 1;
      } else if (record.offset < expected) {
        verdict.behind += 1;
      } else if (record.offset === expected || this.#reseekedAt.get(record.partition) === expected) {
        if (record.offset !== expected) verdict.acceptedGaps.push({ partition: record.partition, expected, found: record.offset });
        this.#reseekedAt.delete(record.partition);
        this.#expected.set(record.partition, record.offset + 1n);
        verdict.accepted.push(record);
      } else {
        gapped.add(record.partition);
        verdict.gaps.push({ partition: record.partition, expected, found: record.offset });
        verdict.beyondGap += 1;
      }
    }
    return verdict;
  }
}
