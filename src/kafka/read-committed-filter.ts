import { channel } from 'node:diagnostics_channel';

/**
 * read_committed, done right. @platformatic/kafka 1.35 drops aborted records by keeping ONE
 * aborted range per producer id per fetched partition: when a fetch response holds two aborted
 * transactions of the same producer (a transactional id keeps its producer id across epochs),
 * the earlier one's records are delivered as if committed; an aborted transaction whose abort
 * marker is not in the same response is delivered too; and an abort marker whose transaction
 * began before the fetch offset crashes it (upstream issue #391). Exactly-once reads (the
 * processor's changelog restore, the verifier) cannot live with that.
 *
 * The fix filters every Fetch response before the client's own filter sees it, like the Java
 * consumer: walk the batches in offset order; an aborted transaction (producerId, firstOffset)
 * becomes open at the first batch reaching firstOffset and closes at that producer's abort
 * marker; transactional data batches of an open producer are emptied (kept, with no records, so
 * the client still advances its fetch position past them). Then the response's aborted list is
 * cleared, which leaves the client's filter nothing to do. The hook is the client's diagnostics
 * channel for API responses, published before the response reaches the consumer.
 *
 * Still needed on 1.35.0: test/integration/kafka/client-workarounds.test.ts (workaround 4) fails on
 * the client without it (docs/kafka-client.md).
 */
const FETCH_API_KEY = 1;
const IS_TRANSACTIONAL = 1 << 4;
const IS_CONTROL = 1 << 5;

export interface FetchedBatch {
  firstOffset: bigint;
  lastOffsetDelta: number;
  producerId: bigint;
  attributes: number;
  records: Array<{ key?: Buffer | null }>;
}

export interface FetchedPartition {
  abortedTransactions?: Array<{ producerId: bigint; firstOffset: bigint }> | null;
  records?: FetchedBatch[] | null;
}

/** Empties the aborted transactional batches of one fetched partition (in place); see above. */
export function dropAbortedBatches(partition: FetchedPartition): void {
  const aborted = [...(partition.abortedTransactions ?? [])].sort((a, b) => (a.firstOffset < b.firstOffset ? -1 : a.firstOffset > b.firstOffset ? 1 : 0));
  partition.abortedTransactions = [];
  if (aborted.length === 0 || !partition.records) return;
  const open = new Set<bigint>();
  let next = 0;
  for (const batch of partition.records) {
    if (!(batch.attributes & IS_TRANSACTIONAL)) continue;
    const lastOffset = batch.firstOffset + BigInt(batch.lastOffsetDelta);
    while (next < aborted.length && (aborted[next] as { firstOffset: bigint }).firstOffset <= lastOffset) {
      open.add((aborted[next] as { producerId: bigint }).producerId);
      next += 1;
    }
    if (batch.attributes & IS_CONTROL) {
      // Control record key: version (int16), type (int16); type 0 = ABORT, 1 = COMMIT.
      if (batch.records[0]?.key?.readInt16BE(2) === 0) open.delete(batch.producerId);
    } else if (open.has(batch.producerId)) {
      batch.records = [];
    }
  }
}

let readCommittedFilterInstalled = false;

/** Installs the filter for every client of this process (idempotent). */
export function installReadCommittedFilter(): void {
  if (readCommittedFilterInstalled) return;
  readCommittedFilterInstalled = true;
  channel('tracing:plt:kafka:connections:api:asyncStart').subscribe((message) => {
    const context = message as { apiKey?: number; result?: { responses?: Array<{ partitions?: FetchedPartition[] }> } };
    if (context.apiKey !== FETCH_API_KEY || !context.result?.responses) return;
    for (const topic of context.result.responses) for (const partition of topic.partitions ?? []) dropAbortedBatches(partition);
  });
}

