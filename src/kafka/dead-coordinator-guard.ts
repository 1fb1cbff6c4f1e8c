import { ConnectionPool, NetworkError } from '@platformatic/kafka';

/**
 * Workaround (1.35): a consumer caches its group coordinator's node id for its whole life. When
 * that broker dies, the cluster drops it from metadata, and every group operation (heartbeat,
 * offset commit, join) then asks the connection pool for `metadata.brokers.get(deadId)`, i.e.
 * undefined; the pool reads `broker.host` and throws a TypeError inside a callback, which kills
 * the whole process (seen in the broker-kill e2e: the scenario CLI died 'Cannot read properties
 * of undefined (reading host)'). This guard answers such a request with a NetworkError instead:
 * a transient failure the harness's ride-through retries (docs/kafka-client.md), and once the
 * broker is back it is in metadata again. Installed once, by every module that builds a consumer.
 */
let installed = false;

export function installDeadCoordinatorGuard(): void {
  if (installed) return;
  installed = true;
  const proto = ConnectionPool.prototype as unknown as { get: (broker: unknown, callback?: unknown) => unknown };
  const original = proto.get;
  proto.get = function guardedGet(this: unknown, broker: unknown, callback?: unknown) {
    if (broker === undefined || broker === null) {
      const error = new NetworkError('No such broker in the cluster metadata (a broker that died, e.g. the group coordinator).');
      if (typeof callback === 'function') {
        queueMicrotask(() => (callback as (e: Error) => void)(error));
        return undefined;
      }
      return Promise.reject(error);
    }
    return original.call(this, broker, callback);
  };
}
