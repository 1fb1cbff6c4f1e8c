import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { z } from 'zod';
import { exactlyOnceOnly } from './guarantee.js';
import { durationMs } from '../../base/duration.js';
import { ensureJvmProcessors } from '../../stack/native/jvm-processors.js';
import type { ProcessorDriver } from '../registry.js';
import { assertPlaintextKafka, jvmJobConfig } from './jvm-config.js';
import { startJvmFleet } from './jvm-fleet.js';
import { jvmProcessorFleet } from './jvm-processor-fleet.js';

/**
 * The contract's job on Kafka Streams 4.1 (processors/kafka-streams): exactly_once_v2, each task
 * one raw-events partition with its windows in a changelogged state store, results emitted when
 * a window fires and closes, late events and the DLQ as sinks. Each instance is a JVM; `threads`
 * stream threads share its tasks. docs/processors-jvm.md.
 */
const schema = z
  .object({
    kind: z.literal('kafka-streams'),
    guarantee: exactlyOnceOnly('kafka-streams'),
    instances: z.number().int().min(1).max(8).default(1).describe('Kafka Streams instances, each a JVM in the same application (consumer group)'),
    threads: z.number().int().min(1).max(8).default(1).describe('stream threads per instance (num.stream.threads); instances × threads ≤ raw-events partitions'),
    commitIntervalMs: durationMs({ minMs: 10 }).prefault('100ms').describe('commit.interval.ms: how often a transaction commits (results become visible)'),
    heapMb: z.number().int().min(128).max(4096).default(256).describe('JVM heap per instance (-Xmx), MiB'),
  })
  .strict()
  .describe('the contract job on Kafka Streams (exactly_once_v2), one JVM per instance');

export const kafkaStreamsProcessor: ProcessorDriver<'kafka-streams', typeof schema> = {
  kind: 'kafka-streams',
  schema,
  parallelism: (config) => config.instances * config.threads,
  faultSupport: { kill: true },
  describe: (config) => `Kafka Streams: ${config.instances} instance${config.instances === 1 ? '' : 's'} × ${config.threads} thread${config.threads === 1 ? '' : 's'}, exactly_once_v2`,
  async start(ctx, config) {
    assertPlaintextKafka(ctx, 'kafka-streams');
    const build = await ensureJvmProcessors((line) => ctx.log(line));
    const applicationId = `${ctx.topology.names.raw.slice(0, -'raw-events'.length)}kstreams`;
    ctx.log(`starting ${config.instances} Kafka Streams instance${config.instances > 1 ? 's' : ''} (application ${applicationId}, exactly_once_v2, ${config.windowMs / 1000} s windows)`);
    const stateDir = (instance: number) => join(tmpdir(), `streamproof-kstreams-${ctx.shortId}-${instance}`);
    const fleet = await startJvmFleet({
      name: 'kafka-streams',
      count: config.instances,
      classpath: build.classpath('kafka-streams'),
      mainClass: 'dev.streamproof.kstreams.Main',
      heapMb: config.heapMb,
      env: { STREAMPROOF_RUN_ID: ctx.runId },
      readyTimeoutMs: 120_000,
      stopGraceMs: 25_000,
      config: (instance) =>
        jvmJobConfig(ctx, config, {
          applicationId,
          instance,
          parallelism: config.instances * config.threads,
          slots: config.threads,
          taskManagers: 1,
          checkpointIntervalMs: config.commitIntervalMs,
          stateDir: stateDir(instance),
        }),
    });
    return jvmProcessorFleet(fleet, { kind: 'kafka-streams', groupId: applicationId, stateDirs: Array.from({ length: fleet.count }, (_, i) => stateDir(i)) });
  },
};
