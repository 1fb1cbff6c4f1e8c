/**
 * The one errors module. Every error the harness raises on purpose is a StreamproofError with
 * a stable `code` (tests and users grep for it), a message that says what is wrong, a `hint`
 * that says how to fix it, and the underlying `cause` when there is one.
 */

export const ERROR_CODES = {
  TOOL_MISSING: 'SP_TOOL_MISSING',
  PORT_IN_USE: 'SP_PORT_IN_USE',
  SERVICE_UNHEALTHY: 'SP_SERVICE_UNHEALTHY',
  SERVICE_UNREACHABLE: 'SP_SERVICE_UNREACHABLE',
  INSTALL_FAILED: 'SP_INSTALL_FAILED',
  STACK_NOT_RUNNING: 'SP_STACK_NOT_RUNNING',
  STACK_CONFLICT: 'SP_STACK_CONFLICT',
  TOPIC_MISMATCH: 'SP_TOPIC_MISMATCH',
  INVALID_ARGUMENT: 'SP_INVALID_ARGUMENT',
  INVALID_SCENARIO: 'SP_INVALID_SCENARIO',
  INVALID_EVENT: 'SP_INVALID_EVENT',
  INVALID_RESULT: 'SP_INVALID_RESULT',
  DELIVERY_FAILED: 'SP_DELIVERY_FAILED',
  TIMEOUT: 'SP_TIMEOUT',
  INTERRUPTED: 'SP_INTERRUPTED',
  DELIVERY_STREAM_MISMATCH: 'SP_DELIVERY_STREAM_MISMATCH',
  AWS_REQUEST_FAILED: 'SP_AWS_REQUEST_FAILED',
  INVALID_CHANGELOG: 'SP_INVALID_CHANGELOG',
  GATE_ABORTED: 'SP_GATE_ABORTED',
  CLEANUP_FAILED: 'SP_CLEANUP_FAILED',
  UNEXPECTED: 'SP_UNEXPECTED',
  RUN_DATA_GONE: 'SP_RUN_DATA_GONE',
  OBSERVER_FAILED: 'SP_OBSERVER_FAILED',
} as const;

export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export class StreamproofError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StreamproofError';
    this.code = code;
    this.hint = options.hint;
  }
}

export function isStreamproofError(error: unknown): error is StreamproofError {
  return error instanceof StreamproofError;
}

/** Renders an error for a terminal: message, hint, and the cause chain (one line each). */
export function formatError(error: unknown): string {
  if (!(error instanceof Error)) return `error: ${String(error)}`;
  const lines: string[] = [];
  if (isStreamproofError(error)) {
    lines.push(`error [${error.code}]: ${error.message}`);
    if (error.hint) lines.push(`  hint: ${error.hint}`);
  } else {
    lines.push(`error: ${error.message}`);
  }
  let cause: unknown = error.cause;
  let depth = 0;
  while (cause instanceof Error && depth < 5) {
    lines.push(`  cause: ${cause.message}`);
    cause = cause.cause;
    depth += 1;
  }
  return lines.join('\n');
}
