import { describe, expect, it } from 'vitest';
import { classifyConnectFailure, hintForCause } from '../../../src/base/connect-cause.js';

const sysError = (code: string, message: string) => Object.assign(new Error(message), { code });

describe('classifyConnectFailure', () => {
  it('reads the cause from codes and messages anywhere in the chain', () => {
    expect(classifyConnectFailure(sysError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:9'))).toEqual({ cause: 'refused', detail: 'connect ECONNREFUSED 127.0.0.1:9' });
    // fetch wraps the socket error in `cause`.
    expect(classifyConnectFailure(new TypeError('fetch failed', { cause: sysError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:1') })).cause).toBe('refused');
    // The Kafka client nests broker errors in `errors`.
    const nested = Object.assign(new Error('Connection to 127.0.0.1:9 failed.'), { errors: [sysError('ETIMEDOUT', 'connect ETIMEDOUT')] });
    expect(classifyConnectFailure(nested).cause).toBe('timed out');
    expect(classifyConnectFailure(Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' })).cause).toBe('timed out');
    expect(classifyConnectFailure(sysError('ENOTFOUND', 'getaddrinfo ENOTFOUND kafka.invalid')).cause).toBe('DNS');
    expect(classifyConnectFailure(sysError('ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number')).cause).toBe('TLS');
    expect(classifyConnectFailure(sysError('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate')).cause).toBe('TLS');
    expect(classifyConnectFailure(new Error('Cannot find a suitable SASL mechanism.')).cause).toBe('SASL');
    expect(classifyConnectFailure(new Error('SASL authentication failed: Authentication failed during authentication due to invalid credentials')).cause).toBe('SASL');
    expect(classifyConnectFailure(sysError('ECONNRESET', 'read ECONNRESET')).cause).toBe('reset');
    expect(classifyConnectFailure(new Error('something else')).cause).toBe('unknown');
  });

  it('gives a hint per cause that names the address', () => {
    expect(hintForCause('refused', 'Kafka', '127.0.0.1:9', 'check the stack')).toBe('nothing listens on 127.0.0.1:9: is Kafka running? check the stack');
    expect(hintForCause('SASL', 'Kafka', 'b:9096', '')).toMatch(/STREAMPROOF_KAFKA_SASL_USERNAME/);
    expect(hintForCause('TLS', 'Kafka', 'b:9096', '')).toMatch(/TLS handshake with b:9096 failed/);
  });
});
