import type { KafkaEndpoints } from '../base/endpoints.js';
import { createTransactionalProducer, type StringProducer } from './transactional-producer.js';

/**
 * A transactional producer without a consumer: each `commit` or `abort` call is one Kafka
 * transaction holding the given messages (any topics). For writing what a processor would have
 * written (test fixtures, the verifier's planted-defect suite) and for putting an aborted
 * transaction's records into a topic on purpose; the processor itself uses ProcessorIo, which
 * also commits input offsets.
 */
export interface TransactionalMessage {
  topic: string;
  key: string;
  /** null = tombstone. */
  value: string | null;
}

export interface TransactionalWriterOptions {
  /** Unique per writer: a second writer with the same id fences the first. */
  transactionalId: string;
  clientId?: string;
  transactionTimeoutMs?: number;
}

export class TransactionalWriter {
  readonly #producer: StringProducer;
  #initialised = false;

  constructor(kafka: KafkaEndpoints, options: TransactionalWriterOptions) {
    const clientId = options.clientId ?? 'streamproof-tx-writer';
    this.#producer = createTransactionalProducer(kafka, {
      clientId,
      transactionalId: options.transactionalId,
      ...(options.transactionTimeoutMs === undefined ? {} : { transactionTimeoutMs: options.transactionTimeoutMs }),
    });
  }

  async #begin() {
    if (!this.#initialised) {
      await this.#producer.initIdempotentProducer({});
      this.#initialised = true;
    }
    return this.#producer.beginTransaction();
  }

  /** Sends the messages in one transaction and commits it; on failure aborts and rethrows. */
  async commit(messages: readonly TransactionalMessage[]): Promise<void> {
    await this.#run(messages, true);
  }

  /** Sends the messages in one transaction and aborts it: they stay in the log, invisible to read_committed. */
  async abort(messages: readonly TransactionalMessage[]): Promise<void> {
    await this.#run(messages, false);
  }

  async #run(messages: readonly TransactionalMessage[], commit: boolean): Promise<void> {
    const transaction = await this.#begin();
    try {
      if (messages.length > 0) {
        await transaction.send({ messages: messages.map((m) => ({ topic: m.topic, key: m.key, value: m.value as string })) });
      }
      if (commit) await transaction.commit();
      else await transaction.abort();
    } catch (error) {
      await transaction.abort().catch(() => transaction.cancel().catch(() => undefined));
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.#producer.close().catch(() => undefined);
  }
}
