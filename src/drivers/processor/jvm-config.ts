import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { DriverContext } from '../context.js';
import type { WindowSettings } from '../registry.js';

/**
 * The JSON file a JVM processor reads (processors/core JobConfig: an unknown field is an error
 * there too): the cluster, the run's topics, the contract's windowing and the engine's settings.
 */
export interface JvmJobConfig {
  bootstrapServers: string;
  topics: { raw: string; processed: string; late: string; dlq: string };
  applicationId: string;
  windowing: WindowSettings & { maxEventTimeAheadMs: null };
  instance: number;
  parallelism: number;
  slots: number;
  taskManagers: number;
  checkpointIntervalMs: number;
  stateDir: string;
}

/**
 * The JVM engines connect in plaintext only: a stack whose Kafka needs TLS or SASL (the external
 * provider's MSK setup) is refused before anything starts rather than run unauthenticated.
 */
export function assertPlaintextKafka(ctx: DriverContext, kind: string): void {
  const { kafka } = ctx.endpoints;
  if (kafka.tls || kafka.saslMechanism) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `processor.kind=${kind} connects to Kafka in plaintext only, and this stack's Kafka needs ${kafka.tls ? 'TLS' : ''}${kafka.tls && kafka.saslMechanism ? ' and ' : ''}${kafka.saslMechanism ? `SASL ${kafka.saslMechanism}` : ''}`, {
      hint: 'run it on the native or compose stack, or use processor.kind=builtin (which supports TLS/SASL) or kind=external with your own deployment',
    });
  }
}

export function jvmJobConfig(
  ctx: DriverContext,
  windows: WindowSettings,
  engine: { applicationId: string; instance: number; parallelism: number; slots: number; taskManagers: number; checkpointIntervalMs: number; stateDir: string },
): JvmJobConfig {
  const { names } = ctx.topology;
  return {
    bootstrapServers: ctx.endpoints.kafka.bootstrapServers.join(','),
    topics: { raw: names.raw, processed: names.processed, late: names.late, dlq: names.dlq },
    windowing: {
      windowMs: windows.windowMs,
      outOfOrdernessMs: windows.outOfOrdernessMs,
      allowedLatenessMs: windows.allowedLatenessMs,
      idleTimeoutMs: windows.idleTimeoutMs,
      maxEventTimeAheadMs: null,
    },
    ...engine,
  };
}
