import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { EventSinkPort, SinkRecord } from '../collector/ports.js';
import type { EventPort, GroupOutcome } from '../../workload/sender.js';

/**
 * The two transport ports of ingest, over the batching producer (src/kafka/producer.ts): the
 * sender's EventPort (one record, resolves on its ack) and the collector's EventSinkPort (a
 * request's records, resolves when all are acked; backpressured while too many records are
 * queued or in flight). Typed structurally so tests can pass a fake producer.
 */
export interface RecordProducer {
  send(topic: string, key: string, value: string): Promise<void>;
  /** Many records, one promise that never rejects; lists the failed ones (BatchingProducer.sendMany). */
  sendMany?(topic: string, records: ReadonlyArray<{ key: string; value: string }>): Promise<GroupOutcome>;
  /** Records queued or awaiting acks. */
  readonly pendingRecords: number;
}

/** A group of records through sendMany when the producer has it, else one send per record. */
export async function sendGroup(producer: RecordProducer, topic: string, records: ReadonlyArray<{ key: string; value: string }>): Promise<GroupOutcome> {
  if (producer.sendMany) return producer.sendMany(topic, records);
  const results = await Promise.allSettled(records.map((r) => producer.send(topic, r.key, r.value)));
  const failed: GroupOutcome['failed'] = [];
  results.forEach((r, index) => {
    if (r.status === 'rejected') failed.push({ index, error: r.reason });
  });
  return { failed };
}

export function producerEventPort(producer: RecordProducer, topic: string): EventPort {
  return {
    send: (key, value) => producer.send(topic, key, value),
    sendMany: (records) => sendGroup(producer, topic, records),
  };
}

export interface ProducerSinkOptions {
  /** isBackpressured() is true while pendingRecords ≥ this. */
  maxPendingRecords: number;
}

export function producerSinkPort(producer: RecordProducer, topic: string, options: ProducerSinkOptions): EventSinkPort {
  const { maxPendingRecords } = options;
  if (!Number.isInteger(maxPendingRecords) || maxPendingRecords < 1) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `maxPendingRecords must be an integer ≥ 1, got ${maxPendingRecords}`, {
      hint: 'allow at least a few request batches in flight, e.g. 20000',
    });
  }
  return {
    async send(records: SinkRecord[]): Promise<void> {
      // One group: queued together (they share producer batches), acknowledged with one promise.
      const outcome = await sendGroup(producer, topic, records);
      if (outcome.failed.length > 0) throw outcome.failed[0]?.error;
    },
    isBackpressured: () => producer.pendingRecords >= maxPendingRecords,
  };
}
