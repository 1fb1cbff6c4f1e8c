import { describe, expect, it } from 'vitest';
import {
  classifyCallError,
  classifyEntryError,
  nextRetryDelayMs,
  selectFailedEntries,
  type RetryPolicy,
} from '../../../../src/pipeline/delivery/retry.js';

/** Deterministic uniform [0, 1) generator (mulberry32). */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('selectFailedEntries', () => {
  it('selects exactly the entries with an error code, in request order', () => {
    const sent = ['a', 'b', 'c', 'd', 'e'];
    const selection = selectFailedEntries(sent, [
      { ok: true },
      { ok: false, errorCode: 'ServiceUnavailableException' },
      { ok: true },
      { ok: false, errorCode: 'InternalFailure', errorMessage: 'x' },
      { ok: true },
    ]);
    expect(selection.accepted).toEqual(['a', 'c', 'e']);
    expect(selection.failed.map((f) => [f.item, f.errorCode, f.verdict.failure])).toEqual([
      ['b', 'ServiceUnavailableException', 'throttled'],
      ['d', 'InternalFailure', 'server'],
    ]);
    expect(selection.failed.every((f) => f.verdict.retryable && !f.verdict.ambiguous)).toBe(true);
  });

  it('refuses an answer whose length differs from the request', () => {
    expect(() => selectFailedEntries(['a', 'b'], [{ ok: true }])).toThrow(/1 entries for 2 records/);
  });

  it('classifies a validation entry error as not retryable', () => {
    expect(classifyEntryError('InvalidArgumentException')).toEqual({ failure: 'rejected', retryable: false, ambiguous: false });
  });
});

describe('classifyCallError', () => {
  const cases: [string, Parameters<typeof classifyCallError>[0], string, boolean, boolean][] = [
    ['refused', { name: 'Error', message: 'connect ECONNREFUSED 127.0.0.1:1', networkCode: 'ECONNREFUSED' }, 'unreachable', true, false],
    ['connect timeout', { name: 'TimeoutError', message: 'the request socket did not establish a connection with the server within 3000 ms' }, 'unreachable', true, false],
    ['reset', { name: 'TimeoutError', message: 'socket hang up', networkCode: 'ECONNRESET' }, 'network', true, true],
    ['request timeout', { name: 'TimeoutError', message: 'exceeded requestTimeout', networkCode: 'ETIMEDOUT' }, 'network', true, true],
    ['throttled 503', { name: 'ServiceUnavailableException', message: 'slow down', httpStatus: 503 }, 'throttled', true, false],
    ['throttled 429', { name: 'Unknown', message: 'x', httpStatus: 429 }, 'throttled', true, false],
    ['server 500', { name: 'InternalFailure', message: 'x', httpStatus: 500 }, 'server', true, true],
    ['gateway 502', { name: 'Unknown', message: 'x', httpStatus: 502 }, 'server', true, true],
    ['unreadable answer', { name: 'SyntaxError', message: 'Unexpected token' }, 'server', true, true],
    ['stream missing', { name: 'ResourceNotFoundException', message: 'not found', httpStatus: 400 }, 'stream-missing', true, false],
    ['validation', { name: 'InvalidArgumentException', message: 'x', httpStatus: 400 }, 'rejected', false, false],
    ['auth', { name: 'UnrecognizedClientException', message: 'x', httpStatus: 403 }, 'rejected', false, false],
  ];
  for (const [label, info, failure, retryable, ambiguous] of cases) {
    it(`${label} → ${failure}`, () => {
      expect(classifyCallError(info)).toEqual({ failure, retryable, ambiguous });
    });
  }
});

describe('nextRetryDelayMs (full jitter)', () => {
  const policy: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 5_000, maxAttempts: 10, maxTotalMs: 60_000 };
  const almostOne = () => 0.999_999;

  it('caps the delay at base · 2^(retry−1), then at maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 9].map((n) => nextRetryDelayMs(n, 0, policy, almostOne))).toEqual([
      99, 199, 399, 799, 1599, 3199, 4999, 4999,
    ]);
  });

  it('can be zero (full jitter starts at 0)', () => {
    expect(nextRetryDelayMs(5, 0, policy, () => 0)).toBe(0);
  });

  it('stays in [0, cap) for a seeded stream of randoms', () => {
    const random = seeded(42);
    for (let attempt = 1; attempt < 10; attempt += 1) {
      const cap = Math.min(5_000, 100 * 2 ** (attempt - 1));
      for (let i = 0; i < 200; i += 1) {
        const delay = nextRetryDelayMs(attempt, 0, policy, random) as number;
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThan(cap);
      }
    }
  });

  it('gives up when the attempts are spent', () => {
    expect(nextRetryDelayMs(9, 0, policy, almostOne)).toBe(4999);
    expect(nextRetryDelayMs(10, 0, policy, almostOne)).toBeNull();
  });

  it('gives up when the time is spent and never sleeps past the budget', () => {
    expect(nextRetryDelayMs(3, 60_000, policy, almostOne)).toBeNull();
    expect(nextRetryDelayMs(7, 59_000, policy, almostOne)).toBe(1_000);
  });

  it('does not overflow for very large attempt numbers', () => {
    expect(nextRetryDelayMs(5_000, 0, { ...policy, maxAttempts: 10_000 }, almostOne)).toBe(4999);
  });
});
