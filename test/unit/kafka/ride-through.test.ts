import { describe, expect, it } from 'vitest';
import { MultipleErrors, ProtocolError } from '@platformatic/kafka';
import { isCoordinatorLost, isGarbledResponse, isTransientKafkaError, needsNewClient, rideThroughExhausted, unreachableBrokers } from '../../../src/kafka/ride-through.js';

// Shapes of @platformatic/kafka 1.35 errors: MultipleErrors { errors: [...] }, NetworkError
// { code: 'PLT_KFK_NETWORK', cause }, ProtocolError { apiCode }.
const network = (port: number) => Object.assign(new Error(`Connection to 127.0.0.1:${port} failed.`), { code: 'PLT_KFK_NETWORK', canRetry: true });
const multiple = (...errors: Error[]) => Object.assign(new Error(`fetch failed ${errors.length} times.`), { code: 'PLT_KFK_MULTIPLE', errors });
const protocol = (apiCode: string, canRetry: boolean) => Object.assign(new Error(apiCode), { code: 'PLT_KFK_PROTOCOL', apiCode, canRetry });

describe('isTransientKafkaError', () => {
  it('takes a dead broker (connection failures, retried 4 times) for transient', () => {
    expect(isTransientKafkaError(multiple(network(20093), network(20093), network(20093), network(20093)))).toBe(true);
    expect(isTransientKafkaError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
  });

  it('takes leader and coordinator moves for transient', () => {
    expect(isTransientKafkaError(protocol('NOT_LEADER_OR_FOLLOWER', true))).toBe(true);
    expect(isTransientKafkaError(multiple(protocol('NOT_COORDINATOR', true)))).toBe(true);
  });

  it('never retries a fenced producer or an unrelated failure', () => {
    expect(isTransientKafkaError(multiple(network(20092), protocol('PRODUCER_FENCED', false)))).toBe(false);
    expect(isTransientKafkaError(protocol('INVALID_PRODUCER_EPOCH', false))).toBe(false);
    expect(isTransientKafkaError(new Error('Failed to deserialize a message.'))).toBe(false);
    expect(isTransientKafkaError(protocol('UNKNOWN_TOPIC_OR_PARTITION', true))).toBe(false);
    expect(isTransientKafkaError(undefined)).toBe(false);
  });
});

describe('a garbled connection (responses the client misparses after a broker hung)', () => {
  const outOfBounds = () => Object.assign(new Error('Out of bounds.'), { code: 'OUT_OF_BOUNDS' });
  const misread = () => new TypeError("Cannot destructure property 'id' of 'protocolErrors[…]' as it is undefined.");

  it('is transient and needs a new client: the same connection misparses every retry', () => {
    for (const error of [multiple(outOfBounds(), outOfBounds()), multiple(misread(), misread(), misread(), misread()), outOfBounds()]) {
      expect(isGarbledResponse(error)).toBe(true);
      expect(isTransientKafkaError(error)).toBe(true);
      expect(needsNewClient(error)).toBe(true);
    }
  });

  it('is not a TypeError of our own (outside the attempts the client gave up after), nor a dead broker', () => {
    expect(isGarbledResponse(misread())).toBe(false);
    expect(isTransientKafkaError(misread())).toBe(false);
    expect(isGarbledResponse(multiple(network(20092)))).toBe(false);
    expect(needsNewClient(multiple(network(20092)))).toBe(false);
    expect(needsNewClient(multiple(protocol('NOT_COORDINATOR', true)))).toBe(true);
  });
});

describe("the client's own ProtocolError (name in apiId, number in apiCode)", () => {
  it('is classified by its name: NOT_COORDINATOR is a lost coordinator and transient, PRODUCER_FENCED fatal', () => {
    const notCoordinator = new MultipleErrors('addPartitionsToTransaction failed 11 times.', [new ProtocolError('NOT_COORDINATOR')]);
    expect(isCoordinatorLost(notCoordinator)).toBe(true);
    expect(isTransientKafkaError(notCoordinator)).toBe(true);
    expect(isTransientKafkaError(new ProtocolError('PRODUCER_FENCED'))).toBe(false);
    expect(isCoordinatorLost(new ProtocolError('ILLEGAL_GENERATION'))).toBe(false);
  });
});

describe('the give-up error', () => {
  it('names the client, the broker(s) it could not reach and for how long', () => {
    expect(unreachableBrokers(multiple(network(20093), network(20094), network(20093)))).toEqual(['127.0.0.1:20093', '127.0.0.1:20094']);
    const error = rideThroughExhausted('delivery sink consumer', 'fetch processed-events', ['127.0.0.1:20092'], multiple(network(20093)), 61_234);
    expect(error.code).toBe('SP_SERVICE_UNREACHABLE');
    expect(error.message).toContain('delivery sink consumer could not fetch processed-events');
    expect(error.message).toContain('broker(s) 127.0.0.1:20093 did not answer for 61.2 s');
    expect(error.hint).toMatch(/stack -- status/);
  });

  it('falls back to the bootstrap list when the error names no broker', () => {
    const error = rideThroughExhausted('processor', 'commit', ['127.0.0.1:1', '127.0.0.1:2'], Object.assign(new Error('Request timed out'), { code: 'PLT_KFK_TIMEOUT' }), 60_000);
    expect(error.message).toContain('the cluster at 127.0.0.1:1,127.0.0.1:2 did not answer for 60.0 s');
  });
});
