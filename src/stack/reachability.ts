import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { classifyConnectFailure, hintForCause, type ConnectCause } from '../base/connect-cause.js';
import type { KafkaEndpoints, StackEndpoints } from '../base/endpoints.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { KafkaAdmin } from '../kafka/admin.js';

/**
 * Before a run starts anything it checks that every external service answers: Kafka (TCP,
 * TLS handshake when configured, then a metadata request, which also proves SASL), the
 * Firehose/S3 endpoint and Prometheus. Each check is bounded (a few seconds), and a failure
 * names the address tried and the cause — refused, timed out, TLS, SASL, DNS — with a hint
 * (docs/stack.md, "When a service cannot be reached").
 */

export const REACH_TIMEOUT_MS = 3_000;

export interface Unreachable {
  service: 'Kafka' | 'Firehose/S3' | 'Prometheus';
  address: string;
  cause: ConnectCause;
  detail: string;
}

const STACK_HINT = 'check `npm run stack -- status` (or the STREAMPROOF_* variables of an external stack, docs/stack.md)';

export function unreachableError(found: Unreachable, more: readonly Unreachable[] = []): StreamproofError {
  const line = (u: Unreachable) => `${u.service} at ${u.address}: ${u.cause === 'unknown' ? 'failed' : u.cause} (${u.detail})`;
  const others = more.length > 0 ? `; also ${more.map(line).join('; ')}` : '';
  return new StreamproofError(ERROR_CODES.SERVICE_UNREACHABLE, `cannot reach ${line(found)}${others}`, {
    hint: hintForCause(found.cause, found.service, found.address, STACK_HINT),
  });
}

function timeoutError(what: string, ms: number): Error {
  return Object.assign(new Error(`${what}: no answer within ${ms} ms`), { code: 'ETIMEDOUT' });
}

/** One TCP connection (and TLS handshake when `tls`), closed at once; rejects with the socket's error. */
function probeSocket(address: string, tls: boolean, timeoutMs: number): Promise<void> {
  const colon = address.lastIndexOf(':');
  const host = address.slice(0, colon);
  const port = Number(address.slice(colon + 1));
  return new Promise((resolve, reject) => {
    let socket: Socket;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(timeoutError(tls ? `TCP connect + TLS handshake to ${address}` : `TCP connect to ${address}`, timeoutMs));
    }, timeoutMs);
    const done = (error?: Error) => {
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    if (tls) {
      socket = connectTls({ host, port, servername: /^[\d.]+$/.test(host) ? '' : host }, () => done());
      // A plaintext server closes the connection on a ClientHello: that is a TLS failure, not a reset.
      socket.once('end', () => done(Object.assign(new Error(`${address} closed the connection during the TLS handshake`), { code: 'EPROTO' })));
    } else {
      socket = connectTcp({ host, port }, () => done());
    }
    socket.once('error', (error) => done(error));
  });
}

async function withTimeout<T>(promise: Promise<T>, what: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(timeoutError(what, ms)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

function unreachable(service: Unreachable['service'], address: string, error: unknown): Unreachable {
  const { cause, detail } = classifyConnectFailure(error);
  return { service, address, cause, detail };
}

/** Every bootstrap server by socket, then one metadata request (proves the protocol and SASL). */
export async function checkKafka(kafka: KafkaEndpoints, timeoutMs = REACH_TIMEOUT_MS): Promise<Unreachable | undefined> {
  for (const address of kafka.bootstrapServers) {
    try {
      await probeSocket(address, kafka.tls, timeoutMs);
    } catch (error) {
      return unreachable('Kafka', address, error);
    }
  }
  const address = kafka.bootstrapServers.join(',');
  // Our own client, closed on a timeout too: a client left retrying would keep the CLI from exiting.
  const admin = new KafkaAdmin(kafka, 'streamproof-preflight');
  try {
    await withTimeout(admin.brokerIds(), `Kafka metadata request to ${address}`, timeoutMs * 2);
    return undefined;
  } catch (error) {
    return unreachable('Kafka', address, error);
  } finally {
    await withTimeout(admin.close(), 'closing the preflight client', timeoutMs).catch(() => undefined);
  }
}

/** Any HTTP answer counts: the endpoint is there (credentials are checked by the calls themselves). */
async function checkHttp(service: Unreachable['service'], url: string, timeoutMs: number): Promise<Unreachable | undefined> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    return undefined;
  } catch (error) {
    return unreachable(service, new URL(url).host === '' ? url : url.replace(/\/-\/ready$/, ''), error);
  }
}

/** The Firehose/S3 endpoint override (moto, LocalStack); real AWS is not probed here. */
export function checkAwsEndpoint(endpoint: string | undefined, timeoutMs = REACH_TIMEOUT_MS): Promise<Unreachable | undefined> {
  return endpoint === undefined ? Promise.resolve(undefined) : checkHttp('Firehose/S3', endpoint, timeoutMs);
}

export function checkPrometheus(url: string | undefined, timeoutMs = REACH_TIMEOUT_MS): Promise<Unreachable | undefined> {
  return url === undefined ? Promise.resolve(undefined) : checkHttp('Prometheus', `${url.replace(/\/$/, '')}/-/ready`, timeoutMs);
}

/** All three in parallel; throws SERVICE_UNREACHABLE naming each service that failed. */
export async function assertStackReachable(endpoints: StackEndpoints, timeoutMs = REACH_TIMEOUT_MS): Promise<void> {
  const found = (
    await Promise.all([checkKafka(endpoints.kafka, timeoutMs), checkAwsEndpoint(endpoints.aws.endpoint, timeoutMs), checkPrometheus(endpoints.prometheus?.url, timeoutMs)])
  ).filter((u): u is Unreachable => u !== undefined);
  if (found.length > 0) throw unreachableError(found[0]!, found.slice(1));
}
