import { describe, expect, it } from 'vitest';
import { buildAwsClients, describeAwsTarget, isEmulator } from '../../../src/aws/clients.js';
import type { AwsEndpoints } from '../../../src/base/endpoints.js';

const moto: AwsEndpoints = { endpoint: 'http://127.0.0.1:14566', region: 'us-east-1', forcePathStyle: true, firehoseBehaviour: 'emulator-immediate' };
const real: AwsEndpoints = { region: 'eu-west-1', forcePathStyle: false, firehoseBehaviour: 'aws-buffered' };

describe('AWS clients', () => {
  it('tells emulators from real AWS and names the target', () => {
    expect(isEmulator(moto)).toBe(true);
    expect(isEmulator(real)).toBe(false);
    expect(describeAwsTarget(moto)).toBe('http://127.0.0.1:14566');
    expect(describeAwsTarget(real)).toBe('AWS eu-west-1');
  });

  it('uses path-style S3, the region and one Firehose attempt', async () => {
    const clients = buildAwsClients(moto, { env: {} });
    try {
      expect(clients.s3.config.forcePathStyle).toBe(true);
      expect(await clients.s3.config.region()).toBe('us-east-1');
      expect(await clients.firehose.config.maxAttempts()).toBe(1);
      expect(await clients.s3.config.maxAttempts()).toBe(3);
      const endpoint = await clients.firehose.config.endpoint?.();
      expect(endpoint?.hostname).toBe('127.0.0.1');
      expect(endpoint?.port).toBe(14566);
    } finally {
      clients.destroy();
    }
  });

  it('gives an emulator dummy credentials when the environment has none', async () => {
    const withoutKeys = buildAwsClients(moto, { env: {} });
    const onAws = buildAwsClients(real, { env: {} });
    try {
      const dummy = await withoutKeys.firehose.config.credentials();
      expect(dummy.accessKeyId === 'test' && dummy.secretAccessKey === 'test').toBe(true);
      expect(onAws.s3.config.forcePathStyle).toBe(false);
    } finally {
      withoutKeys.destroy();
      onAws.destroy();
    }
  });
});
