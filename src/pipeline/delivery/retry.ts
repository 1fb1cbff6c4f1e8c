import type { CallErrorInfo, EntryOutcome } from '../../base/delivery-ports.js';

/**
 * Retry decisions for PutRecordBatch: which entries to re-send, whether a failure may be retried,
 * whether it was ambiguous (Firehose may have accepted the records anyway, so re-sending them can
 * duplicate), and how long to back off. Randomness is injected.
 */

export type FailureClass =
  /** The service refused for load (429, ServiceUnavailableException): nothing was accepted. */
  | 'throttled'
  /** The service failed (5xx other than 503, malformed answer): it may have accepted some records. */
  | 'server'
  /** The transport failed before the request could reach the service (refused, DNS, connect timeout). */
  | 'unreachable'
  /** The transport failed after the request may have reached the service (reset, request timeout). */
  | 'network'
  /** The delivery stream does not exist (ResourceNotFoundException), e.g. an emulator restarted. */
  | 'stream-missing'
  /** The service rejected the request itself (validation, auth): retrying cannot help. */
  | 'rejected';

export interface FailureVerdict {
  failure: FailureClass;
  retryable: boolean;
  /** True when the records may have been accepted although no success was reported. */
  ambiguous: boolean;
}

const THROTTLE_NAMES = new Set([
  'ThrottlingException',
  'ServiceUnavailableException',
  'TooManyRequestsException',
  'SlowDown',
  'RequestLimitExceeded',
]);

/** Node codes that mean no byte of the request reached a server. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);

const REJECTED_NAMES = new Set([
  'InvalidArgumentException',
  'ValidationException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidKMSResourceException',
  'InvalidSourceException',
  'MissingAuthenticationTokenException',
]);

export function classifyCallError(info: CallErrorInfo): FailureVerdict {
  if (info.name === 'ResourceNotFoundException') {
    return { failure: 'stream-missing', retryable: true, ambiguous: false };
  }
  if (THROTTLE_NAMES.has(info.name) || info.httpStatus === 429 || info.httpStatus === 503) {
    return { failure: 'throttled', retryable: true, ambiguous: false };
  }
  if (info.httpStatus === undefined) {
    // The SDK's connect timeout says so in its message; refused/DNS come as Node codes.
    const notSent =
      (info.networkCode !== undefined && NOT_SENT_CODES.has(info.networkCode)) ||
      /did not establish a connection/i.test(info.message);
    if (notSent) return { failure: 'unreachable', retryable: true, ambiguous: false };
    if (REJECTED_NAMES.has(info.name)) return { failure: 'rejected', retryable: false, ambiguous: false };
    if (info.networkCode !== undefined || info.name === 'TimeoutError') {
      return { failure: 'network', retryable: true, ambiguous: true };
    }
    // No status and no transport code: e.g. an unreadable answer. The call may have worked.
    return { failure: 'server', retryable: true, ambiguous: true };
  }
  if (info.httpStatus === 408) return { failure: 'network', retryable: true, ambiguous: true };
  if (info.httpStatus >= 500) return { failure: 'server', retryable: true, ambiguous: true };
  return { failure: 'rejected', retryable: false, ambiguous: false };
}

/**
 * A failed entry in a PutRecordBatch answer (ErrorCode set) was explicitly not ingested, so
 * re-sending it cannot duplicate. Firehose documents ServiceUnavailableException and
 * InternalFailure here; anything else is treated as a server failure (retried, bounded).
 */
export function classifyEntryError(errorCode: string): FailureVerdict {
  if (THROTTLE_NAMES.has(errorCode)) return { failure: 'throttled', retryable: true, ambiguous: false };
  if (REJECTED_NAMES.has(errorCode)) return { failure: 'rejected', retryable: false, ambiguous: false };
  return { failure: 'server', retryable: true, ambiguous: false };
}

export interface EntrySelection<T> {
  accepted: T[];
  failed: { item: T; errorCode: string; verdict: FailureVerdict }[];
}

/**
 * Splits what was sent by the per-entry answer. Entries answer in request order, one per record;
 * the caller must treat a length mismatch as an ambiguous failure of the whole call.
 */
export function selectFailedEntries<T>(sent: readonly T[], entries: readonly EntryOutcome[]): EntrySelection<T> {
  if (sent.length !== entries.length) {
    throw new RangeError(`PutRecordBatch answered ${entries.length} entries for ${sent.length} records`);
  }
  const selection: EntrySelection<T> = { accepted: [], failed: [] };
  sent.forEach((item, i) => {
    const entry = entries[i] as EntryOutcome;
    if (entry.ok) selection.accepted.push(item);
    else selection.failed.push({ item, errorCode: entry.errorCode, verdict: classifyEntryError(entry.errorCode) });
  });
  return selection;
}

export interface RetryPolicy {
  /** Backoff cap of the first retry; doubles each retry. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Calls per planned batch, the first included. */
  maxAttempts: number;
  /** Time budget per planned batch, from its first call. */
  maxTotalMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  baseDelayMs: 100,
  maxDelayMs: 5_000,
  maxAttempts: 60,
  maxTotalMs: 180_000,
};

/**
 * Full-jitter backoff: uniform in [0, min(maxDelayMs, baseDelayMs · 2^(retry−1))), never past the
 * remaining time budget. Returns null when the budget (attempts or time) is spent.
 *
 * @param attemptsMade calls already made for this batch (≥ 1)
 * @param elapsedMs time since this batch's first call
 * @param random uniform in [0, 1)
 */
export function nextRetryDelayMs(
  attemptsMade: number,
  elapsedMs: number,
  policy: RetryPolicy,
  random: () => number,
): number | null {
  if (attemptsMade >= policy.maxAttempts) return null;
  const remainingMs = policy.maxTotalMs - elapsedMs;
  if (remainingMs <= 0) return null;
  const exponent = Math.min(attemptsMade - 1, 30); // 2^30 · base is past any sane cap
  const capMs = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** exponent);
  const delayMs = Math.floor(random() * capMs);
  return Math.min(delayMs, remainingMs);
}
