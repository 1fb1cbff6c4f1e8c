import { FirehoseClient } from '@aws-sdk/client-firehose';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsEndpoints } from '../base/endpoints.js';

/**
 * Builds the Firehose and S3 clients for a stack's AWS endpoints.
 *
 * Credentials come only from the environment (the SDK's default provider chain). For the
 * emulators (moto, LocalStack), which accept any key, dummy `test`/`test` credentials are used
 * when AWS_ACCESS_KEY_ID is unset so that a laptop without an AWS profile works. Credentials are
 * never read, logged or copied into results by this module beyond handing them to the SDK.
 */

export interface AwsClientOptions {
  /** Time to establish a TCP connection; an unreachable endpoint is reported after this. */
  connectionTimeoutMs?: number;
  /** Time for a whole request/response; a stalled endpoint is reported after this. */
  requestTimeoutMs?: number;
  /**
   * SDK attempts per Firehose call. Default 1: the delivery sink retries itself, because an SDK
   * retry of PutRecordBatch would re-send records that were already accepted without telling
   * anyone (duplicates we could not count).
   */
  firehoseMaxAttempts?: number;
  /** SDK attempts per S3 call (reads and bucket creation are idempotent). Default 3. */
  s3MaxAttempts?: number;
  /** Environment to read AWS_ACCESS_KEY_ID presence from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
}

export const AWS_CLIENT_DEFAULTS = {
  connectionTimeoutMs: 3_000,
  requestTimeoutMs: 30_000,
  firehoseMaxAttempts: 1,
  s3MaxAttempts: 3,
} as const;

/** Placeholder credentials for emulators only; real AWS never gets these. */
const EMULATOR_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

export interface AwsClients {
  firehose: FirehoseClient;
  s3: S3Client;
  /** Where requests go, for messages: the override URL or "AWS <region>". Never holds secrets. */
  target: string;
  /** Releases sockets; call when done. */
  destroy(): void;
}

export function isEmulator(aws: AwsEndpoints): boolean {
  return aws.endpoint !== undefined && aws.firehoseBehaviour === 'emulator-immediate';
}

/** Human-readable target of the clients: the endpoint override URL, or the real AWS region. */
export function describeAwsTarget(aws: AwsEndpoints): string {
  return aws.endpoint ?? `AWS ${aws.region}`;
}

function commonConfig(aws: AwsEndpoints, options: AwsClientOptions) {
  // The project runs on Node 20 on purpose (README.md, Requirements); the SDK's multi-line notice that
  // future SDK versions need Node 22 would otherwise land in every CLI run. Opt-out is the SDK's own.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const env = options.env ?? process.env;
  const useDummyCredentials = isEmulator(aws) && !env.AWS_ACCESS_KEY_ID;
  return {
    region: aws.region,
    ...(aws.endpoint ? { endpoint: aws.endpoint } : {}),
    ...(useDummyCredentials ? { credentials: { ...EMULATOR_CREDENTIALS } } : {}),
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? AWS_CLIENT_DEFAULTS.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs ?? AWS_CLIENT_DEFAULTS.requestTimeoutMs,
      // Without this the SDK only logs a warning when requestTimeout passes and keeps waiting.
      throwOnRequestTimeout: true,
    },
  };
}

export function buildFirehoseClient(aws: AwsEndpoints, options: AwsClientOptions = {}): FirehoseClient {
  return new FirehoseClient({
    ...commonConfig(aws, options),
    maxAttempts: options.firehoseMaxAttempts ?? AWS_CLIENT_DEFAULTS.firehoseMaxAttempts,
  });
}

export function buildS3Client(aws: AwsEndpoints, options: AwsClientOptions = {}): S3Client {
  return new S3Client({
    ...commonConfig(aws, options),
    forcePathStyle: aws.forcePathStyle,
    maxAttempts: options.s3MaxAttempts ?? AWS_CLIENT_DEFAULTS.s3MaxAttempts,
  });
}

export function buildAwsClients(aws: AwsEndpoints, options: AwsClientOptions = {}): AwsClients {
  const firehose = buildFirehoseClient(aws, options);
  const s3 = buildS3Client(aws, options);
  return {
    firehose,
    s3,
    target: describeAwsTarget(aws),
    destroy() {
      firehose.destroy();
      s3.destroy();
    },
  };
}
