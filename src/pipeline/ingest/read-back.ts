import { readTopicToEnd, type TopicRecord } from '../../kafka/topic-reader.js';
import type { KafkaEndpoints } from '../../base/endpoints.js';
import { extractIdentity, type EventIdentity } from '../processor/identity.js';
import { DuplicateLedger } from '../../base/sequence-ledger.js';

/**
 * Reads raw-events to its end with read_committed and indexes every record by identity
 * (generatorId, seq), duplicates included, for checkIngest(). Also checks producer ordering: a
 * generator sends its seqs in ascending order, so
 *  - per key (what keyBy(userId) relies on) they must appear ascending, always;
 *  - per partition they must appear ascending when one producer wrote them (a sharded pool may
 *    interleave different keys of one partition, which is allowed).
 * A smaller-or-equal seq after a larger one means a batch was reordered or re-sent.
 */
export interface IngestReadBack {
  observed: DuplicateLedger;
  records: number;
  unidentified: number;
  /** Records whose seq is not above the previous one of the same generator in the same partition. */
  orderViolations: number;
  /** Records whose seq is not above the previous one of the same generator with the same key. */
  keyOrderViolations: number;
}

export interface ReadIngestedOptions {
  timeoutMs?: number;
  /** Sees every record with its identity (null when it has none), e.g. to validate values. */
  onRecord?: (record: TopicRecord, identity: EventIdentity | null) => void;
}

export async function readIngested(kafka: KafkaEndpoints, topic: string, options: ReadIngestedOptions = {}): Promise<IngestReadBack> {
  const observed = new DuplicateLedger();
  const lastSeq = new Map<string, number>();
  // One entry per distinct key: fine for tests and benches (≤ ~10^6 users), not a verifier structure.
  const lastSeqByKey = new Map<string, number>();
  let unidentified = 0;
  let orderViolations = 0;
  let keyOrderViolations = 0;
  const { records } = await readTopicToEnd(kafka, topic, {
    readCommitted: true,
    timeoutMs: options.timeoutMs ?? 120_000,
    onRecord: (record) => {
      const identity = extractIdentity(record.value);
      options.onRecord?.(record, identity);
      if (!identity) {
        unidentified += 1;
        return;
      }
      observed.add(identity.generatorId, identity.seq);
      const stream = `${record.partition}|${identity.generatorId}`;
      const previous = lastSeq.get(stream);
      if (previous !== undefined && identity.seq <= previous) orderViolations += 1;
      lastSeq.set(stream, identity.seq);
      const keyStream = `${identity.generatorId}|${record.key ?? ''}`;
      const previousForKey = lastSeqByKey.get(keyStream);
      if (previousForKey !== undefined && identity.seq <= previousForKey) keyOrderViolations += 1;
      lastSeqByKey.set(keyStream, identity.seq);
    },
  });
  return { observed, records, unidentified, orderViolations, keyOrderViolations };
}
