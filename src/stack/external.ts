import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { StackEndpoints } from '../base/endpoints.js';

/**
 * The external provider: any Kafka (e.g. MSK with TLS/SASL) and real AWS or another endpoint,
 * all from the environment. Credentials are not read here: clients read them when built.
 *
 *   STREAMPROOF_KAFKA_BOOTSTRAP   host:port[,host:port...]   (required)
 *   STREAMPROOF_KAFKA_BROKERS     broker count (default: number of bootstrap servers, max 3)
 *   STREAMPROOF_KAFKA_TLS         "true" for TLS
 *   STREAMPROOF_KAFKA_SASL_MECHANISM PLAIN | SCRAM-SHA-256 | SCRAM-SHA-512
 *                                 (with STREAMPROOF_KAFKA_SASL_USERNAME / _PASSWORD)
 *   STREAMPROOF_AWS_ENDPOINT      endpoint override (unset = real AWS)
 *   AWS_REGION                    region (default us-east-1)
 *   STREAMPROOF_PROMETHEUS_URL    optional
 */
export function externalEndpointsFromEnv(env: NodeJS.ProcessEnv): StackEndpoints | null {
  const bootstrap = env.STREAMPROOF_KAFKA_BOOTSTRAP?.trim();
  if (!bootstrap) return null;
  const bootstrapServers = bootstrap.split(',').map((s) => s.trim()).filter(Boolean);
  for (const server of bootstrapServers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(server)) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `STREAMPROOF_KAFKA_BOOTSTRAP entry "${server}" is not host:port`, {
        hint: 'use a comma-separated list such as b-1.example:9096,b-2.example:9096',
      });
    }
  }
  const mechanism = env.STREAMPROOF_KAFKA_SASL_MECHANISM?.trim();
  if (mechanism && !['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'].includes(mechanism)) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `STREAMPROOF_KAFKA_SASL_MECHANISM "${mechanism}" is not supported`, {
      hint: 'use PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512',
    });
  }
  const brokersRaw = env.STREAMPROOF_KAFKA_BROKERS;
  const brokers = brokersRaw ? Number(brokersRaw) : Math.min(3, bootstrapServers.length);
  if (!Number.isInteger(brokers) || brokers < 1) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `STREAMPROOF_KAFKA_BROKERS "${brokersRaw}" is not a positive integer`);
  }
  const endpoint = env.STREAMPROOF_AWS_ENDPOINT?.trim() || undefined;
  return {
    provider: 'external',
    kafka: {
      bootstrapServers,
      brokers,
      tls: env.STREAMPROOF_KAFKA_TLS === 'true',
      ...(mechanism ? { saslMechanism: mechanism as 'PLAIN' | 'SCRAM-SHA-256' | 'SCRAM-SHA-512' } : {}),
    },
    aws: {
      ...(endpoint ? { endpoint } : {}),
      region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1',
      forcePathStyle: endpoint !== undefined,
      firehoseBehaviour: endpoint ? 'emulator-immediate' : 'aws-buffered',
    },
    ...(env.STREAMPROOF_PROMETHEUS_URL ? { prometheus: { url: env.STREAMPROOF_PROMETHEUS_URL } } : {}),
  };
}
