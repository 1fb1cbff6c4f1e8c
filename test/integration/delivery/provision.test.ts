import { DescribeDeliveryStreamCommand } from '@aws-sdk/client-firehose';
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAwsClients, type AwsClients } from '../../../src/aws/clients.js';
import { DELIVERY_CONFIG, provisionDelivery } from '../../../src/aws/provision.js';
import { deleteDelivery } from '../../../src/aws/teardown.js';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import type { AwsEndpoints } from '../../../src/base/endpoints.js';
import { loadStackEndpoints } from '../../../src/stack/state.js';
import { freshTarget } from './support.js';

describe('provisionDelivery (real endpoint from the running stack)', () => {
  let aws: AwsEndpoints;
  let clients: AwsClients;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    aws = (await loadStackEndpoints()).aws;
    clients = buildAwsClients(aws);
  });
  afterAll(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    clients?.destroy();
  });

  it('creates bucket and stream once, then finds them (idempotent)', async () => {
    const target = freshTarget('prov');
    cleanups.push(() => deleteDelivery(aws, target));
    const first = await provisionDelivery(aws, target);
    const second = await provisionDelivery(aws, target);
    expect([first.bucketCreated, first.streamCreated]).toEqual([true, true]);
    expect([second.bucketCreated, second.streamCreated]).toEqual([false, false]);
    expect(second).toMatchObject({ prefix: 'raw-data/', bufferSizeMiB: 5, bufferIntervalS: 300, compression: 'GZIP' });
    expect(second.streamArn).toBe(first.streamArn);

    const described = await clients.firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: target.streamName }));
    const destination = described.DeliveryStreamDescription?.Destinations?.[0]?.ExtendedS3DestinationDescription;
    expect(described.DeliveryStreamDescription?.DeliveryStreamType).toBe('DirectPut');
    expect(destination).toMatchObject({
      BucketARN: `arn:aws:s3:::${target.bucket}`,
      Prefix: DELIVERY_CONFIG.prefix,
      BufferingHints: { SizeInMBs: 5, IntervalInSeconds: 300 },
      CompressionFormat: 'GZIP',
    });
  });

  it('survives concurrent provisioning of the same target', async () => {
    const target = freshTarget('prov-race');
    cleanups.push(() => deleteDelivery(aws, target));
    const results = await Promise.all([provisionDelivery(aws, target), provisionDelivery(aws, target)]);
    expect(results.filter((r) => r.streamCreated).length).toBeLessThanOrEqual(1);
    expect(results[0].streamArn).toBe(results[1].streamArn);
  });

  it('refuses an existing stream that delivers to another bucket', async () => {
    const target = freshTarget('prov-mismatch');
    const other = { bucket: `${target.bucket}-other`, streamName: target.streamName };
    cleanups.push(() => deleteDelivery(aws, target));
    await provisionDelivery(aws, target);
    const failure = (await provisionDelivery(aws, other).catch((e: unknown) => e)) as StreamproofError;
    expect(failure).toBeInstanceOf(StreamproofError);
    expect(failure.code).toBe(ERROR_CODES.DELIVERY_STREAM_MISMATCH);
    expect(failure.message).toContain(`arn:aws:s3:::${target.bucket}`);
    // Checked before anything was created: the other bucket does not exist.
    const head = await clients.s3.send(new HeadBucketCommand({ Bucket: other.bucket })).catch((e: { $metadata?: { httpStatusCode?: number } }) => e);
    expect((head as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode).toBe(404);
  });

  it('names the URL and the status command when the endpoint is unreachable', async () => {
    const nowhere: AwsEndpoints = { ...aws, endpoint: 'http://127.0.0.1:1', firehoseBehaviour: 'emulator-immediate', forcePathStyle: true };
    const failure = (await provisionDelivery(nowhere, freshTarget('prov-down')).catch((e: unknown) => e)) as StreamproofError;
    expect(failure.code).toBe(ERROR_CODES.SERVICE_UNREACHABLE);
    expect(failure.message).toContain('http://127.0.0.1:1');
    expect(failure.hint).toContain('npm run stack -- status');
  });
});
