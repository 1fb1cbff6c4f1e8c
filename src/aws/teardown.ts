import { DeleteDeliveryStreamCommand } from '@aws-sdk/client-firehose';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { AwsEndpoints } from '../base/endpoints.js';
import { buildAwsClients, type AwsClients } from './clients.js';
import { awsRequestError } from './error-info.js';
import type { DeliveryTarget } from './provision.js';

/**
 * Removes what provisionDelivery created: the delivery stream, every object in the bucket, the
 * bucket. Missing pieces are fine (tests call this in cleanup, whatever state they reached).
 */
export async function deleteDelivery(
  aws: AwsEndpoints,
  target: DeliveryTarget,
  options: { clients?: AwsClients } = {},
): Promise<void> {
  const clients = options.clients ?? buildAwsClients(aws);
  try {
    try {
      await clients.firehose.send(new DeleteDeliveryStreamCommand({ DeliveryStreamName: target.streamName }));
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') {
        throw awsRequestError(error, `delete delivery stream "${target.streamName}"`, clients.target);
      }
    }
    await emptyAndDeleteBucket(clients, target.bucket);
  } finally {
    if (!options.clients) clients.destroy();
  }
}

async function emptyAndDeleteBucket(clients: AwsClients, bucket: string): Promise<void> {
  try {
    let token: string | undefined;
    do {
      const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
      const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
      if (keys.length > 0) {
        await clients.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    await clients.s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch (error) {
    if ((error as Error).name === 'NoSuchBucket') return;
    throw awsRequestError(error, `delete bucket "${bucket}"`, clients.target);
  }
}
