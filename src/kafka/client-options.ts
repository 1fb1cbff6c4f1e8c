import type { KafkaEndpoints } from '../base/endpoints.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';

/**
 * Connection options shared by every Kafka client the harness builds. SASL credentials are
 * read from the environment here, at client construction, and never stored anywhere else.
 */
export interface KafkaConnectionOptions {
  clientId: string;
  bootstrapBrokers: string[];
  connectTimeout: number;
  requestTimeout: number;
  retries: number;
  tls?: Record<string, never>;
  sasl?: { mechanism: 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512'; username: string; password: string };
}

export function kafkaConnectionOptions(kafka: KafkaEndpoints, clientId: string, env: NodeJS.ProcessEnv = process.env): KafkaConnectionOptions {
  const options: KafkaConnectionOptions = {
    clientId,
    bootstrapBrokers: kafka.bootstrapServers,
    // An unreachable cluster must be reported within seconds, not after the client's minute-long default.
    connectTimeout: 5_000,
    requestTimeout: 30_000,
    retries: 3,
  };
  if (kafka.tls) options.tls = {};
  if (kafka.saslMechanism) {
    const username = env.STREAMPROOF_KAFKA_SASL_USERNAME;
    const password = env.STREAMPROOF_KAFKA_SASL_PASSWORD;
    if (!username || !password) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `SASL ${kafka.saslMechanism} is configured but credentials are missing`, {
        hint: 'set STREAMPROOF_KAFKA_SASL_USERNAME and STREAMPROOF_KAFKA_SASL_PASSWORD in the environment',
      });
    }
    options.sasl = { mechanism: kafka.saslMechanism, username, password };
  }
  return options;
}
