import { startProcessors, type ProcessorFleet as ChildFleet } from '../../pipeline/processor/supervisor.js';
import type { ProcessorProcessConfigInput } from '../../pipeline/processor/process-config.js';
import type { StackEndpoints } from '../../base/endpoints.js';
import type { Topology } from '../../contract/topology.js';
import type { Scenario } from '../schema.js';

/**
 * The scenario's processor instances as child processes (the default; they crash and restart
 * like real task managers), each serving its own /metrics registered with Prometheus. The
 * supervisor knows them by the PIDs it spawned; stop() ends exactly those.
 */
export type ProcessorFleet = Pick<ChildFleet, 'groupId' | 'assertHealthy' | 'stop' | 'kill' | 'restart' | 'count' | 'status'>;

export function processorConfig(endpoints: StackEndpoints, topology: Topology, scenario: Scenario, runId: string): ProcessorProcessConfigInput {
  const prefix = topology.names.raw.slice(0, topology.names.raw.length - 'raw-events'.length);
  return {
    processor: {
      topicPrefix: prefix,
      core: {
        windowMs: scenario.processor.windowMs,
        outOfOrdernessMs: scenario.processor.outOfOrdernessMs,
        allowedLatenessMs: scenario.processor.allowedLatenessMs,
        idleTimeoutMs: scenario.processor.idleTimeoutMs,
      },
    },
    kafka: {
      bootstrapServers: endpoints.kafka.bootstrapServers,
      brokers: endpoints.kafka.brokers,
      tls: endpoints.kafka.tls,
      ...(endpoints.kafka.saslMechanism ? { saslMechanism: endpoints.kafka.saslMechanism } : {}),
    },
    ...(endpoints.prometheus?.targetsDir
      ? { prometheus: { targetsDir: endpoints.prometheus.targetsDir, targetHost: endpoints.prometheus.targetHost ?? '127.0.0.1' } }
      : {}),
    metrics: { runId, scenario: scenario.name },
  };
}

export async function startProcessorFleet(input: {
  endpoints: StackEndpoints;
  topology: Topology;
  scenario: Scenario;
  runId: string;
  mode: 'child' | 'in-process';
  log: (line: string) => void;
}): Promise<ProcessorFleet> {
  const count = input.scenario.processor.instances;
  input.log(`starting ${count} processor instance${count > 1 ? 's' : ''} (exactly-once, ${input.scenario.processor.windowMs / 1000} s windows)`);
  // The run id in the children's environment lets anyone (the interrupt test) tell this run's
  // processes apart from others' without going by name.
  return startProcessors({
    count,
    config: processorConfig(input.endpoints, input.topology, input.scenario, input.runId),
    env: { STREAMPROOF_RUN_ID: input.runId },
  });
}
