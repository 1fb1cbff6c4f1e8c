import type { CallErrorInfo } from '../base/delivery-ports.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';

/**
 * Plain facts about a failed AWS SDK call: error name, HTTP status when the service answered,
 * Node system code when the transport failed. Classification happens in pure code
 * (pipeline/delivery/retry.ts); this only digs the facts out of SDK and Node error shapes.
 */
export function callErrorInfo(error: unknown): CallErrorInfo {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const info: CallErrorInfo = { name: error.name, message: error.message || error.name };
  // The SDK puts $metadata on every error; the status is real only when a response came back.
  const status = (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata?.httpStatusCode;
  if (typeof status === 'number' && (error as { $response?: unknown }).$response !== undefined) {
    info.httpStatus = status;
  }
  const networkCode = systemErrorCode(error);
  if (networkCode !== undefined) info.networkCode = networkCode;
  return info;
}

/** Node's code (ECONNREFUSED ...) on the error, its cause, or the first of an AggregateError. */
function systemErrorCode(error: Error, depth = 0): string | undefined {
  if (depth > 3) return undefined;
  const code = (error as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && /^E[A-Z0-9_]+$/.test(code)) return code;
  if (error instanceof AggregateError) {
    for (const inner of error.errors) {
      if (inner instanceof Error) {
        const found = systemErrorCode(inner, depth + 1);
        if (found) return found;
      }
    }
  }
  return error.cause instanceof Error ? systemErrorCode(error.cause, depth + 1) : undefined;
}

/** True when the error says the endpoint could not be reached at all. */
export function isUnreachable(error: unknown): boolean {
  const info = callErrorInfo(error);
  if (info.httpStatus !== undefined) return false;
  return (
    ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'ETIMEDOUT'].includes(
      info.networkCode ?? '',
    ) ||
    info.name === 'TimeoutError' ||
    /did not establish a connection/i.test(info.message)
  );
}

/**
 * Wraps a failed AWS call made while setting up or reading (not the sink's puts) into a
 * StreamproofError: unreachable endpoints name the URL and point at the stack status.
 */
export function awsRequestError(error: unknown, what: string, target: string): StreamproofError {
  const info = callErrorInfo(error);
  if (isUnreachable(error)) {
    return new StreamproofError(ERROR_CODES.SERVICE_UNREACHABLE, `cannot reach the AWS endpoint ${target} to ${what} (${info.networkCode ?? info.name}: ${info.message})`, {
      hint: target.startsWith('AWS ')
        ? 'check network access to AWS and the region'
        : `is the stack running? check \`npm run stack -- status\` (expected Firehose/S3 at ${target})`,
      cause: error,
    });
  }
  return new StreamproofError(ERROR_CODES.AWS_REQUEST_FAILED, `could not ${what} at ${target}: ${info.name}${info.httpStatus ? ` (HTTP ${info.httpStatus})` : ''}: ${info.message}`, {
    hint: 'check the credentials in the environment (AWS_ACCESS_KEY_ID / AWS_PROFILE), their permissions and the region',
    cause: error,
  });
}
