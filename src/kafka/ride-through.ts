import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { KAFKA_RIDE_THROUGH, rideThrough, type RideThroughPolicy } from '../base/ride-through.js';

/**
 * How the harness's Kafka clients ride through a broker that dies, hangs or comes back
 * (docs/kafka-client.md, "Riding through a broker failure"). The client (@platformatic/kafka
 * 1.35) retries a request a few times against the node it started with and then fails; it
 * drops its cached metadata only on some errors. So the harness retries the whole operation,
 * after clearing the metadata (the next attempt asks the cluster who leads now), for a time
 * budget (KAFKA_RIDE_THROUGH, 60 s), and then reports which client could not reach which
 * broker(s) for how long.
 */

interface ErrorNode {
  code?: unknown;
  canRetry?: unknown;
  apiCode?: unknown;
  apiId?: unknown;
  errors?: unknown;
  cause?: unknown;
  message?: unknown;
}

function leaves(error: unknown, depth = 0, out: ErrorNode[] = []): ErrorNode[] {
  if (typeof error !== 'object' || error === null || depth > 8) return out;
  const node = error as ErrorNode;
  const inner = Array.isArray(node.errors) ? node.errors : [];
  if (inner.length > 0) for (const e of inner) leaves(e, depth + 1, out);
  else out.push(node);
  if (node.cause !== undefined) leaves(node.cause, depth + 1, out);
  return out;
}

/**
 * The protocol error's name: the client's ProtocolError carries it as `apiId` ('NOT_COORDINATOR'),
 * its `apiCode` is the number (16). Matching names against `apiCode` alone never matched a real
 * client error, so NOT_COORDINATOR was never seen as a lost coordinator (broker-kill e2e).
 */
function protocolName(e: ErrorNode): string | null {
  if (typeof e.apiId === 'string') return e.apiId;
  return typeof e.apiCode === 'string' ? e.apiCode : null;
}

const NETWORK_CODES = /^(PLT_KFK_NETWORK|PLT_KFK_TIMEOUT|ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT)$/;

/** Protocol errors a broker failure causes and that heal once leaders move or the broker returns. */
const TRANSIENT_PROTOCOL = new Set([
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'FENCED_LEADER_EPOCH',
  'UNKNOWN_LEADER_EPOCH',
  'NOT_COORDINATOR',
  'COORDINATOR_NOT_AVAILABLE',
  'COORDINATOR_LOAD_IN_PROGRESS',
  'REQUEST_TIMED_OUT',
  'NOT_ENOUGH_REPLICAS',
  'NOT_ENOUGH_REPLICAS_AFTER_APPEND',
  'NETWORK_EXCEPTION',
  'KAFKA_STORAGE_ERROR',
  'OFFSET_NOT_AVAILABLE',
  'CONCURRENT_TRANSACTIONS',
  // A group join raced another member's: the client gives up after 4 tries ("syncGroup failed 4
  // times", seen when a capacity probe's observers joined on a busy machine); a later join succeeds.
  'REBALANCE_IN_PROGRESS',
]);

/** Never transient: another producer took over, or the request itself is wrong. */
const FATAL_PROTOCOL = new Set(['PRODUCER_FENCED', 'INVALID_PRODUCER_EPOCH', 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED', 'INVALID_TXN_STATE']);

/** True when the failure is one a broker outage causes and a retry after fresh metadata can heal. */
export function isTransientKafkaError(error: unknown): boolean {
  const all = leaves(error);
  if (all.length === 0) return false;
  if (all.some((e) => FATAL_PROTOCOL.has(protocolName(e) ?? ''))) return false;
  if (isGarbledResponse(error)) return true;
  return all.some(
    (e) =>
      (typeof e.code === 'string' && NETWORK_CODES.test(e.code)) ||
      TRANSIENT_PROTOCOL.has(protocolName(e) ?? '') ||
      (typeof e.message === 'string' && /connection (closed|.* failed|.* timed out)|request timed out/i.test(e.message)),
  );
}

/**
 * True when the failure says the group coordinator this client cached is gone (our
 * dead-coordinator guard's NetworkError, or the broker answering that it no longer coordinates):
 * @platformatic/kafka 1.35 never looks a consumer's coordinator up again, so only a new consumer
 * finds the one that took over.
 */
export function isCoordinatorLost(error: unknown): boolean {
  return leaves(error).some(
    (e) => protocolName(e) === 'NOT_COORDINATOR' || protocolName(e) === 'COORDINATOR_NOT_AVAILABLE' || (typeof e.message === 'string' && e.message.includes(NO_SUCH_BROKER)),
  );
}

/**
 * True when the client could not parse a response: "Out of bounds." from its buffer reader, or a
 * TypeError/RangeError among the attempts it gave up after (seen: "Cannot destructure property
 * 'id' of protocolErrors[…]", an error code read from the wrong bytes). Workaround (1.35): after
 * a broker hung (SIGSTOP) and resumed, a consumer's connection to it answered later fetches with
 * responses the client misparsed — every retry the same — so the stream died although the broker
 * was fine (test/integration/stack/observer-pause.test.ts; the broker-hang and chaos scenarios).
 * It is transient, but only a new client (new connections) heals it: see needsNewClient.
 */
export function isGarbledResponse(error: unknown): boolean {
  const attempts = typeof error === 'object' && error !== null && Array.isArray((error as ErrorNode).errors);
  return leaves(error).some(
    (e) =>
      e.code === 'OUT_OF_BOUNDS' ||
      (typeof e.message === 'string' && e.message === 'Out of bounds.') ||
      (attempts && (e instanceof TypeError || e instanceof RangeError)),
  );
}

/** The failure is healed only by a new client: its cached coordinator died, or its connection is garbled. */
export function needsNewClient(error: unknown): boolean {
  return isCoordinatorLost(error) || isGarbledResponse(error);
}

/** The start of the message the dead-coordinator guard fails a request with (dead-coordinator-guard.ts). */
export const NO_SUCH_BROKER = 'No such broker in the cluster metadata';

/** The host:port of every broker the error says could not be reached (the client names them in its messages). */
export function unreachableBrokers(error: unknown): string[] {
  const found = new Set<string>();
  for (const e of leaves(error)) {
    if (typeof e.message !== 'string') continue;
    for (const match of e.message.matchAll(/([\w.-]+:\d{2,5})/g)) if (match[1]) found.add(match[1]);
  }
  return [...found].sort();
}

function lastMessage(error: unknown): string {
  const all = leaves(error);
  const last = all[all.length - 1];
  return typeof last?.message === 'string' ? last.message : String(error);
}

/** The error a client raises once its ride-through budget is spent. */
export function rideThroughExhausted(client: string, what: string, bootstrap: readonly string[], error: unknown, failingForMs: number): StreamproofError {
  const brokers = unreachableBrokers(error);
  const where = brokers.length > 0 ? `broker(s) ${brokers.join(', ')}` : `the cluster at ${bootstrap.join(',')}`;
  return new StreamproofError(
    ERROR_CODES.SERVICE_UNREACHABLE,
    `${client} could not ${what}: ${where} did not answer for ${(failingForMs / 1000).toFixed(1)} s (ride-through budget spent; last error: ${lastMessage(error)})`,
    { hint: 'a broker stayed down longer than the client rides through: check `npm run stack -- status` and the broker logs (`npm run stack -- logs kafka-<n>`)', cause: error },
  );
}

export interface KafkaRideThrough {
  /** Names the client in the error (e.g. 'delivery sink consumer'). */
  client: string;
  bootstrap: readonly string[];
  /** Dropped before each retry, so the next attempt looks leaders and coordinators up again. */
  clearMetadata?: () => void;
  policy?: RideThroughPolicy;
  signal?: AbortSignal;
  onRetry?: (error: unknown, retry: number) => void;
  /** Awaited before each retry, after clearMetadata: e.g. replace a consumer whose coordinator died. */
  recover?: (error: unknown) => Promise<void>;
}

/** Runs one client operation through a broker failure (see the module comment). */
export function withKafkaRideThrough<T>(what: string, operation: () => Promise<T>, options: KafkaRideThrough): Promise<T> {
  return rideThrough(operation, {
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    isTransient: isTransientKafkaError,
    beforeRetry: async (error, retry) => {
      options.clearMetadata?.();
      options.onRetry?.(error, retry);
      await options.recover?.(error);
    },
    onGiveUp: (error, failingForMs) => rideThroughExhausted(options.client, what, options.bootstrap, error, failingForMs),
  });
}

export { KAFKA_RIDE_THROUGH };
