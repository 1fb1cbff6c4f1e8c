import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { EventSinkPort, SinkRecord } from '../collector/ports.js';
import type { EventPort } from '../../workload/sender.js';

/**
 * The two transport ports of ingest, over the batching producer (src/kafka/producer.ts): the
 * sender's EventPort (one record, resolves on its ack) and the collector's EventSinkPort (a
 * request's records, resolves when all are acked; backpressured while too many records are
 * queued or in flight). Typed structurally so tests can pass a fake producer.
 */
export interface RecordProducer {
  send(topic: string, key: string, value: string): Promise<void>;
  /** Records queued or awaiting acks. */
  readonly pendingRecords: number;
}

export function producerEventPort(producer: RecordProducer, topic: string): EventPort {
  return { send: (key, value) => producer.send(topic, key, value) };
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
      // All records are queued before any ack is awaited, so they share producer batches.
      const acks = records.map((record) => producer.send(topic, record.key, record.value));
      const results = await Promise.allSettled(acks);
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    },
    isBackpressured: () => producer.pendingRecords >= maxPendingRecords,
  };
}
