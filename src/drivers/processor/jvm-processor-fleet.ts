import { rm } from 'node:fs/promises';
import type { ProcessorFleet } from '../registry.js';
import type { JvmFleet } from './jvm-fleet.js';

/**
 * The processor-fleet face of a JVM fleet, the same for every JVM kind: kill/restart by index
 * (restarts counted for the report), deaths and health from the JVMs' exits, and a stop that
 * also removes the instances' local state (checkpoints, state stores): only a restart within
 * the run reads it.
 */
export function jvmProcessorFleet(fleet: JvmFleet, options: { kind: string; groupId: string; stateDirs: string[] }): ProcessorFleet {
  let restarts = 0;
  return {
    instances: fleet.count,
    groupId: options.groupId,
    assertHealthy: () => fleet.assertHealthy(),
    deaths: () => fleet.deaths(),
    kill: (instance) => fleet.kill(instance),
    restart: async (instance) => {
      restarts += 1;
      await fleet.restart(instance);
    },
    stop: async () => {
      await fleet.stop();
      await Promise.all(options.stateDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    },
    processes: () => Array.from({ length: fleet.count }, (_, i) => fleet.identity(i)).filter((id) => id !== null),
    report: () => {
      const counters: Record<string, number> = {};
      if (restarts > 0) counters.processorRestarts = restarts;
      return { stage: 'processor', kind: options.kind, latencies: {}, counters, ratePerSecond: [], ledger: null };
    },
  };
}
