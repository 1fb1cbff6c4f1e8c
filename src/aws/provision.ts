import {
  CreateDeliveryStreamCommand,
  DescribeDeliveryStreamCommand,
  type DeliveryStreamDescription,
} from '@aws-sdk/client-firehose';
import { CreateBucketCommand, HeadBucketCommand, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { AwsEndpoints } from '../base/endpoints.js';
import { buildAwsClients, isEmulator, type AwsClients } from './clients.js';
import { awsRequestError } from './error-info.js';

/**
 * Idempotent provisioning of the delivery path: the S3 bucket and the Firehose delivery stream
 * (DirectPut → extended S3, prefix raw-data/, buffering 5 MiB / 300 s, GZIP), as in production.
 * Running it again is harmless; an existing stream that delivers elsewhere is an error.
 */

export const DELIVERY_CONFIG = {
  prefix: 'raw-data/',
  bufferSizeMiB: 5,
  bufferIntervalS: 300,
  compression: 'GZIP',
  /** Emulators do not check roles; real AWS needs STREAMPROOF_FIREHOSE_ROLE_ARN or options.roleArn. */
  emulatorRoleArn: 'arn:aws:iam::000000000000:role/streamproof-firehose-emulator',
} as const;

export interface DeliveryTarget {
  bucket: string;
  streamName: string;
}

export interface ProvisionOptions {
  /** Role Firehose assumes to write the bucket (real AWS only). Default: $STREAMPROOF_FIREHOSE_ROLE_ARN. */
  roleArn?: string;
  /** Reuse clients (otherwise built and destroyed here). */
  clients?: AwsClients;
  /** How long to wait for a new stream to become ACTIVE (real AWS takes about a minute). */
  activeTimeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface ProvisionResult {
  bucket: string;
  streamName: string;
  streamArn: string;
  prefix: string;
  bucketCreated: boolean;
  streamCreated: boolean;
  /** As the stream describes itself; emulators store but ignore these. */
  bufferSizeMiB: number | null;
  bufferIntervalS: number | null;
  compression: string | null;
}

export async function provisionDelivery(
  aws: AwsEndpoints,
  target: DeliveryTarget,
  options: ProvisionOptions = {},
): Promise<ProvisionResult> {
  const clients = options.clients ?? buildAwsClients(aws, { env: options.env });
  try {
    // Check an existing stream first, so a mismatch leaves nothing behind.
    const existing = await describe(clients, target.streamName);
    if (existing) checkSameDestination(existing, target, clients.target);
    const bucketCreated = await ensureBucket(clients, aws, target.bucket);
    const { description, created } = existing
      ? { description: await waitActive(clients, target.streamName, options.activeTimeoutMs), created: false }
      : await createStream(clients, aws, target, options);
    const destination = s3Destination(description);
    return {
      bucket: target.bucket,
      streamName: target.streamName,
      streamArn: description.DeliveryStreamARN ?? '',
      prefix: DELIVERY_CONFIG.prefix,
      bucketCreated,
      streamCreated: created,
      bufferSizeMiB: destination?.BufferingHints?.SizeInMBs ?? null,
      bufferIntervalS: destination?.BufferingHints?.IntervalInSeconds ?? null,
      compression: destination?.CompressionFormat ?? null,
    };
  } finally {
    if (!options.clients) clients.destroy();
  }
}

/** @returns true when this call created the bucket. */
async function ensureBucket(clients: AwsClients, aws: AwsEndpoints, bucket: string): Promise<boolean> {
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return false;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status === 403) {
      throw new StreamproofError(ERROR_CODES.AWS_REQUEST_FAILED, `bucket "${bucket}" exists at ${clients.target} but these credentials may not use it`, {
        hint: 'bucket names are global on AWS: pick another bucket name, or use credentials that own it',
        cause: error,
      });
    }
    if (status !== 404) throw awsRequestError(error, `check bucket "${bucket}"`, clients.target);
  }
  try {
    // Outside us-east-1, S3 wants the region spelled out.
    const location = aws.region === 'us-east-1' ? undefined : { LocationConstraint: aws.region as BucketLocationConstraint };
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket, ...(location ? { CreateBucketConfiguration: location } : {}) }));
    return true;
  } catch (error) {
    if ((error as Error).name === 'BucketAlreadyOwnedByYou') return false; // created concurrently: fine
    throw awsRequestError(error, `create bucket "${bucket}"`, clients.target);
  }
}

async function describe(clients: AwsClients, streamName: string): Promise<DeliveryStreamDescription | null> {
  try {
    const answer = await clients.firehose.send(new DescribeDeliveryStreamCommand({ DeliveryStreamName: streamName }));
    return answer.DeliveryStreamDescription ?? null;
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return null;
    throw awsRequestError(error, `describe delivery stream "${streamName}"`, clients.target);
  }
}

function s3Destination(description: DeliveryStreamDescription) {
  const destination = description.Destinations?.[0];
  return destination?.ExtendedS3DestinationDescription ?? destination?.S3DestinationDescription;
}

/** The stream must deliver to this bucket and prefix; anything else would scatter results. */
function checkSameDestination(description: DeliveryStreamDescription, target: DeliveryTarget, where: string): void {
  const destination = s3Destination(description);
  const bucketArn = destination?.BucketARN ?? '(no S3 destination)';
  const prefix = destination?.Prefix ?? '';
  if (bucketArn === `arn:aws:s3:::${target.bucket}` && prefix === DELIVERY_CONFIG.prefix) return;
  throw new StreamproofError(
    ERROR_CODES.DELIVERY_STREAM_MISMATCH,
    `delivery stream "${target.streamName}" at ${where} already exists but delivers to ${bucketArn} prefix "${prefix}", not arn:aws:s3:::${target.bucket} prefix "${DELIVERY_CONFIG.prefix}"`,
    { hint: `delete that stream or choose another stream name (it must be unique per account and region)` },
  );
}

async function createStream(
  clients: AwsClients,
  aws: AwsEndpoints,
  target: DeliveryTarget,
  options: ProvisionOptions,
): Promise<{ description: DeliveryStreamDescription; created: boolean }> {
  const env = options.env ?? process.env;
  const roleArn = options.roleArn ?? env.STREAMPROOF_FIREHOSE_ROLE_ARN ?? (isEmulator(aws) ? DELIVERY_CONFIG.emulatorRoleArn : undefined);
  if (!roleArn) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `creating delivery stream "${target.streamName}" on ${clients.target} needs an IAM role for Firehose`, {
      hint: 'set STREAMPROOF_FIREHOSE_ROLE_ARN to a role Firehose may assume that can write the bucket',
    });
  }
  let created = true;
  try {
    await clients.firehose.send(
      new CreateDeliveryStreamCommand({
        DeliveryStreamName: target.streamName,
        DeliveryStreamType: 'DirectPut',
        ExtendedS3DestinationConfiguration: {
          BucketARN: `arn:aws:s3:::${target.bucket}`,
          RoleARN: roleArn,
          Prefix: DELIVERY_CONFIG.prefix,
          BufferingHints: { SizeInMBs: DELIVERY_CONFIG.bufferSizeMiB, IntervalInSeconds: DELIVERY_CONFIG.bufferIntervalS },
          CompressionFormat: DELIVERY_CONFIG.compression,
        },
      }),
    );
  } catch (error) {
    if ((error as Error).name !== 'ResourceInUseException') {
      throw awsRequestError(error, `create delivery stream "${target.streamName}"`, clients.target);
    }
    created = false; // created concurrently: check it like any existing stream
  }
  const description = await waitActive(clients, target.streamName, options.activeTimeoutMs);
  if (!created) checkSameDestination(description, target, clients.target);
  return { description, created };
}

async function waitActive(clients: AwsClients, streamName: string, timeoutMs = 180_000): Promise<DeliveryStreamDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const description = await describe(clients, streamName);
    const status = description?.DeliveryStreamStatus;
    if (description && status === 'ACTIVE') return description;
    if (status === 'CREATING_FAILED' || status === 'DELETING' || status === 'DELETING_FAILED') {
      throw new StreamproofError(ERROR_CODES.AWS_REQUEST_FAILED, `delivery stream "${streamName}" at ${clients.target} is ${status}`, {
        hint: 'see the stream in the Firehose console (FailureDescription), delete it and provision again',
      });
    }
    if (Date.now() >= deadline) {
      throw new StreamproofError(ERROR_CODES.TIMEOUT, `delivery stream "${streamName}" at ${clients.target} is not ACTIVE after ${timeoutMs} ms (status ${status ?? 'missing'})`, {
        hint: 'provision again later; a new stream on AWS usually needs about a minute',
      });
    }
    await sleep(2_000);
  }
}
