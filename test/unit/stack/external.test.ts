import { describe, expect, it } from 'vitest';
import { externalEndpointsFromEnv } from '../../../src/stack/external.js';

describe('externalEndpointsFromEnv', () => {
  it('returns null when no bootstrap is configured', () => expect(externalEndpointsFromEnv({})).toBeNull());
  it('reads an MSK-like TLS/SASL cluster and real AWS', () => {
    const e = externalEndpointsFromEnv({
      STREAMPROOF_KAFKA_BOOTSTRAP: 'b-1.x:9096, b-2.x:9096,b-3.x:9096',
      STREAMPROOF_KAFKA_TLS: 'true',
      STREAMPROOF_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      STREAMPROOF_KAFKA_SASL_PASSWORD: 'secret-never-copied',
      AWS_REGION: 'eu-west-1',
    });
    expect(e).toEqual({
      provider: 'external',
      kafka: { bootstrapServers: ['b-1.x:9096', 'b-2.x:9096', 'b-3.x:9096'], brokers: 3, tls: true, saslMechanism: 'SCRAM-SHA-512' },
      aws: { region: 'eu-west-1', forcePathStyle: false, firehoseBehaviour: 'aws-buffered' },
    });
    expect(JSON.stringify(e)).not.toContain('secret-never-copied');
  });
  it('rejects a malformed bootstrap entry with a hint', () => {
    expect(() => externalEndpointsFromEnv({ STREAMPROOF_KAFKA_BOOTSTRAP: 'localhost' })).toThrow(/is not host:port/);
  });
  it('rejects an unknown SASL mechanism', () => {
    expect(() => externalEndpointsFromEnv({ STREAMPROOF_KAFKA_BOOTSTRAP: 'a:1', STREAMPROOF_KAFKA_SASL_MECHANISM: 'GSSAPI' })).toThrow(/not supported/);
  });
});
