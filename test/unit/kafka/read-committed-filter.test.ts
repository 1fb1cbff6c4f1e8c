import { describe, expect, it } from 'vitest';
import { dropAbortedBatches, type FetchedBatch, type FetchedPartition } from '../../../src/kafka/read-committed-filter.js';

const TXN = 1 << 4;
const CONTROL = 1 << 5;

function data(producerId: number, firstOffset: number, count: number, transactional = true): FetchedBatch {
  const records = Array.from({ length: count }, (_, i) => ({ key: Buffer.from(`p${producerId}-${firstOffset + i}`) }));
  return { firstOffset: BigInt(firstOffset), lastOffsetDelta: count - 1, producerId: BigInt(producerId), attributes: transactional ? TXN : 0, records };
}

function marker(producerId: number, offset: number, type: 'abort' | 'commit'): FetchedBatch {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type === 'abort' ? 0 : 1, 2);
  return { firstOffset: BigInt(offset), lastOffsetDelta: 0, producerId: BigInt(producerId), attributes: TXN | CONTROL, records: [{ key }] };
}

function visible(partition: FetchedPartition): string[] {
  return (partition.records ?? []).filter((b) => !(b.attributes & CONTROL)).flatMap((b) => b.records.map((r) => String(r.key)));
}

describe('dropAbortedBatches (read_committed filtering of a fetch response)', () => {
  it('drops every aborted transaction of a producer, not only its last one', () => {
    // One producer id across epochs: aborted, committed, aborted, committed.
    const partition: FetchedPartition = {
      abortedTransactions: [
        { producerId: 7n, firstOffset: 5n },
        { producerId: 7n, firstOffset: 0n },
      ],
      records: [data(7, 0, 2), marker(7, 2, 'abort'), data(7, 3, 1), marker(7, 4, 'commit'), data(7, 5, 2), marker(7, 7, 'abort'), data(7, 8, 1), marker(7, 9, 'commit')],
    };
    dropAbortedBatches(partition);
    expect(visible(partition)).toEqual(['p7-3', 'p7-8']);
    expect(partition.abortedTransactions).toEqual([]);
    // Emptied batches stay, so the consumer still advances its position past them.
    expect(partition.records?.map((b) => Number(b.firstOffset))).toEqual([0, 2, 3, 4, 5, 7, 8, 9]);
  });

  it('drops an aborted transaction whose marker is not in this response', () => {
    const partition: FetchedPartition = { abortedTransactions: [{ producerId: 3n, firstOffset: 10n }], records: [data(3, 10, 3)] };
    dropAbortedBatches(partition);
    expect(visible(partition)).toEqual([]);
  });

  it('keeps other producers, non-transactional batches and transactions before the aborted one', () => {
    const partition: FetchedPartition = {
      abortedTransactions: [{ producerId: 1n, firstOffset: 3n }],
      records: [data(1, 0, 2), marker(1, 2, 'commit'), data(1, 3, 1), data(2, 4, 1), data(9, 5, 1, false), marker(1, 6, 'abort'), marker(2, 7, 'commit')],
    };
    dropAbortedBatches(partition);
    expect(visible(partition)).toEqual(['p1-0', 'p1-1', 'p2-4', 'p9-5']);
  });

  it('tolerates an abort marker whose transaction began before the fetch offset', () => {
    const partition: FetchedPartition = { abortedTransactions: [{ producerId: 4n, firstOffset: 20n }], records: [marker(5, 19, 'abort'), data(4, 20, 1), marker(4, 21, 'abort'), data(5, 22, 1)] };
    dropAbortedBatches(partition);
    expect(visible(partition)).toEqual(['p5-22']);
  });
});
