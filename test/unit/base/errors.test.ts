import { describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError, formatError } from '../../../src/base/errors.js';
import { EXIT } from '../../../src/base/exit-codes.js';

describe('errors module', () => {
  it('keeps every error code unique and prefixed', () => {
    const codes = Object.values(ERROR_CODES);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.every((c) => /^SP_[A-Z_]+$/.test(c))).toBe(true);
  });
  it('formats message, hint and cause chain', () => {
    const error = new StreamproofError(ERROR_CODES.PORT_IN_USE, 'port 1 busy', { hint: 'use --port-offset', cause: new Error('EADDRINUSE') });
    expect(formatError(error)).toBe('error [SP_PORT_IN_USE]: port 1 busy\n  hint: use --port-offset\n  cause: EADDRINUSE');
  });
});

describe('exit codes', () => {
  it('are the documented API', () => {
    expect(EXIT).toEqual({ OK: 0, GATE_FAILED: 1, HARNESS_ERROR: 2, INTERRUPTED: 130 });
  });
});
