import { z } from 'zod';
import { builtinGuarantee, type Guarantee } from './guarantee.js';
import type { ProcessorProcessConfigInput } from '../../pipeline/processor/process-config.js';
import { startProcessors } from '../../pipeline/processor/supervisor.js';
import type { DriverContext } from '../context.js';
import type { ProcessorDriver, WindowSettings } from '../registry.js';

/**
 * The built-in TypeScript processor: each instance a child process (a transactional
 * consumer-producer that crashes and restarts like a task manager), serving its own /metrics.
 * The supervisor knows the instances by the PIDs it spawned; stop() and kill() act on those.
 */
const schema = z
  .object({
    kind: z.literal('builtin').default('builtin'),
    instances: z.number().int().min(1).max(8).default(2).describe('processor instances (each a transactional consumer-producer); ≤ raw-events partitions'),
    guarantee: builtinGuarantee,
  })
  .strict()
  .describe('the built-in TypeScript exactly-once processor, one child process per instance');

export function builtinProcessConfig(ctx: DriverContext, windows: WindowSettings & { guarantee?: Guarantee }): ProcessorProcessConfigInput {
  const { endpoints, topology } = ctx;
  const prefix = topology.names.raw.slice(0, topology.names.raw.length - 'raw-events'.length);
  return {
    processor: {
      topicPrefix: prefix,
      guarantee: windows.guarantee ?? 'exactly-once',
      core: { windowMs: windows.windowMs, outOfOrdernessMs: windows.outOfOrdernessMs, allowedLatenessMs: windows.allowedLatenessMs, idleTimeoutMs: windows.idleTimeoutMs },
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
    metrics: { runId: ctx.runId, scenario: ctx.scenarioName },
    // A JSON line per transaction phase (a few per second per instance): how a processor-kill
    // with whileTransactionOpen knows a transaction is open (docs/faults.md).
    traceTransactions: true,
  };
}

export const builtinProcessor: ProcessorDriver<'builtin', typeof schema> = {
  kind: 'builtin',
  schema,
  parallelism: (config) => config.instances,
  faultSupport: { kill: true, scale: true, transactionSignal: true },
  describe: (config) => `${config.instances} processor${config.instances === 1 ? '' : 's'}${config.guarantee === 'at-least-once' ? ' (at-least-once: the negative control)' : ''}`,
  async start(ctx, config) {
    ctx.log(`starting ${config.instances} processor instance${config.instances > 1 ? 's' : ''} (${config.guarantee}, ${config.windowMs / 1000} s windows)`);
    // The run id in the children's environment lets anyone (the interrupt test) tell this run's
    // processes apart from others' without going by name.
    const children = await startProcessors({ count: config.instances, config: builtinProcessConfig(ctx, config), env: { STREAMPROOF_RUN_ID: ctx.runId } });
    let restarts = 0;
    return {
      instances: children.count,
      groupId: children.groupId,
      assertHealthy: () => children.assertHealthy(),
      deaths: () => children.deaths(),
      kill: (instance) => children.kill(instance, 'SIGKILL'),
      restart: async (instance) => {
        restarts += 1;
        await children.restart(instance);
      },
      killWhileTransactionOpen: (instance, timeoutMs) => children.killDuringTransaction(instance, timeoutMs),
      addInstance: () => children.addInstance(),
      removeInstance: (instance) => children.stopInstance(instance),
      stop: () => children.stop(),
      processes: () => Array.from({ length: children.count }, (_, i) => children.identity(i)).filter((id) => id !== null),
      report: () => {
        const counters: Record<string, number> = {};
        if (restarts > 0) counters.processorRestarts = restarts;
        return { stage: 'processor', kind: 'builtin', latencies: {}, counters, ratePerSecond: [], ledger: null };
      },
    };
  },
};
