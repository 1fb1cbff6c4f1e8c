import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { exactlyOnceOnly } from './guarantee.js';
import { durationMs } from '../../base/duration.js';
import { ensureJvmProcessors } from '../../stack/native/jvm-processors.js';
import type { ProcessorDriver } from '../registry.js';
import { assertPlaintextKafka, jvmJobConfig } from './jvm-config.js';
import { startJvmFleet } from './jvm-fleet.js';
import { jvmProcessorFleet } from './jvm-processor-fleet.js';

/**
 * The seed's Flink job (processors/flink: KafkaSource → keyBy(userId) → tumbling event-time
 * windows with allowed lateness → aggregate → exactly-once KafkaSink; late-events and the DLQ as
 * side outputs) on Flink 2.2 in a local MiniCluster: one JVM holding the JobManager and the task
 * managers. kill() is a SIGKILL of that JVM; restart() starts it again from its last retained
 * checkpoint. The defaults are the production deployment's: 3 task managers × 2 slots,
 * parallelism 2 (docs/processors-jvm.md).
 */
const schema = z
  .object({
    kind: z.literal('flink'),
    guarantee: exactlyOnceOnly('flink'),
    // Named like every kind's count of parallel instances, so `--set processor.kind=flink` works on any scenario.
    instances: z.number().int().min(1).max(12).default(2).describe("the job's parallelism (parallel source, window and sink subtasks); ≤ task managers × slots and ≤ raw-events partitions"),
    taskManagers: z.number().int().min(1).max(6).default(3).describe('task managers in the MiniCluster (all in the one JVM)'),
    slotsPerTaskManager: z.number().int().min(1).max(8).default(2).describe('task slots per task manager'),
    checkpointIntervalMs: durationMs({ minMs: 200 }).prefault('1s').describe('exactly-once checkpoint interval: results become visible when the checkpoint that consumed their input completes'),
    heapMb: z.number().int().min(256).max(8192).default(768).describe('JVM heap of the MiniCluster (-Xmx), MiB'),
  })
  .strict()
  .describe("the seed's Flink job (Flink 2.2, exactly-once KafkaSink) in a local MiniCluster JVM");

// Flink's Kryo serialisers reflect into JDK classes, which Java 17 closes unless opened (Flink's own launch scripts pass these too).
export const FLINK_JVM_ARGS = ['java.base/java.util', 'java.base/java.lang', 'java.base/java.lang.reflect', 'java.base/java.io', 'java.base/java.net', 'java.base/java.nio', 'java.base/sun.nio.ch', 'java.base/java.time', 'java.base/java.util.concurrent'].map(
  (p) => `--add-opens=${p}=ALL-UNNAMED`,
);

export const flinkProcessor: ProcessorDriver<'flink', typeof schema> = {
  kind: 'flink',
  schema,
  parallelism: (config) => config.instances,
  faultSupport: { kill: true },
  crossCheck: (config) =>
    config.instances > config.taskManagers * config.slotsPerTaskManager
      ? [{ path: 'instances', message: `parallelism ${config.instances} exceeds the ${config.taskManagers * config.slotsPerTaskManager} task slots (taskManagers ${config.taskManagers} × slotsPerTaskManager ${config.slotsPerTaskManager})` }]
      : [],
  describe: (config) => `Flink MiniCluster: parallelism ${config.instances} on ${config.taskManagers} task manager${config.taskManagers === 1 ? '' : 's'} × ${config.slotsPerTaskManager} slots, exactly-once checkpoints every ${config.checkpointIntervalMs} ms`,
  async start(ctx, config) {
    assertPlaintextKafka(ctx, 'flink');
    const build = await ensureJvmProcessors((line) => ctx.log(line));
    const applicationId = `${ctx.topology.names.raw.slice(0, -'raw-events'.length)}flink`;
    ctx.log(`starting the Flink job in a MiniCluster (parallelism ${config.instances}, group ${applicationId}, checkpoints every ${config.checkpointIntervalMs} ms)`);
    const stateDir = join(tmpdir(), `streamproof-flink-${ctx.shortId}`);
    const fleet = await startJvmFleet({
      name: 'flink',
      count: 1,
      classpath: build.classpath('flink'),
      mainClass: 'dev.streamproof.flink.Main',
      heapMb: config.heapMb,
      jvmArgs: FLINK_JVM_ARGS,
      env: { STREAMPROOF_RUN_ID: ctx.runId },
      readyTimeoutMs: 120_000,
      stopGraceMs: 60_000,
      config: (instance) =>
        jvmJobConfig(ctx, config, {
          applicationId,
          instance,
          parallelism: config.instances,
          slots: config.slotsPerTaskManager,
          taskManagers: config.taskManagers,
          checkpointIntervalMs: config.checkpointIntervalMs,
          stateDir,
        }),
    });
    return jvmProcessorFleet(fleet, { kind: 'flink', groupId: applicationId, stateDirs: [stateDir] });
  },
};
