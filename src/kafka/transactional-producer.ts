import { Producer, stringSerializers } from '@platformatic/kafka';
import type { KafkaEndpoints } from '../base/endpoints.js';
import { kafkaConnectionOptions } from './client-options.js';

/**
 * The one way the harness builds a transactional producer (processor, planted-defect writer):
 * idempotent, acks=all, a stable transactional id, and a short retry backoff.
 */
export type StringProducer = Producer<string, string, string, string>;

export function createTransactionalProducer(
  kafka: KafkaEndpoints,
  options: { clientId: string; transactionalId: string; transactionTimeoutMs?: number },
): StringProducer {
  return new Producer<string, string, string, string>({
    ...(kafkaConnectionOptions(kafka, options.clientId) as object),
    clientId: options.clientId,
    bootstrapBrokers: kafka.bootstrapServers,
    serializers: stringSerializers,
    idempotent: true,
    acks: -1,
    transactionalId: options.transactionalId,
    // The client passes its request timeout as the transaction timeout to InitProducerId.
    timeout: options.transactionTimeoutMs ?? 20_000,
    // The coordinator answers CONCURRENT_TRANSACTIONS while the previous transaction's markers
    // are being written (milliseconds); the client's default 1 s retry delay turned that into
    // a 1 s stall of every other transaction. Back off from 20 ms instead (~5 s over 10 tries).
    // Still needed on 1.35.0: client-workarounds.test.ts (workaround 3) fails without it.
    retries: 10,
    retryDelay: (_client: unknown, _operation: string, attempt: number) => Math.min(1_000, 10 * 2 ** attempt),
  } as ConstructorParameters<typeof Producer<string, string, string, string>>[0]);
}

/**
 * The at-least-once processor's producer (the negative control): the same idempotent, acks=all
 * producer without a transactional id, so every send is visible as soon as it is acknowledged.
 */
export function createAckedProducer(kafka: KafkaEndpoints, options: { clientId: string }): StringProducer {
  return new Producer<string, string, string, string>({
    ...(kafkaConnectionOptions(kafka, options.clientId) as object),
    clientId: options.clientId,
    bootstrapBrokers: kafka.bootstrapServers,
    serializers: stringSerializers,
    idempotent: true,
    acks: -1,
    retries: 10,
    retryDelay: (_client: unknown, _operation: string, attempt: number) => Math.min(1_000, 10 * 2 ** attempt),
  } as ConstructorParameters<typeof Producer<string, string, string, string>>[0]);
}
