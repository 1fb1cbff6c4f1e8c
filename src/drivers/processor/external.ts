import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { exactlyOnceOnly } from './guarantee.js';
import { durationMs } from '../../base/duration.js';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { ProcessorDriver } from '../registry.js';

/**
 * A processor the harness does not run: the user's own deployed job (e.g. the seed's Flink job
 * on Kubernetes, `npm run processor -- manifest --kind flink --prefix <prefix>`) reads the run's
 * raw-events and writes its processed-events, late-events and DLQ; the harness prints the names,
 * waits `startupWaitMs` for the job to be pointed at them, and verifies whatever appears. The
 * drain waits on the job's consumer group (`groupId`), so the job must commit its raw-events
 * offsets there (Flink's KafkaSource does on every checkpoint). It cannot be killed or restarted
 * from here: a fault aimed at it is refused.
 */
const schema = z
  .object({
    kind: z.literal('external'),
    guarantee: exactlyOnceOnly('external'),
    // Named like every kind's count, so `--set processor.kind=external` works on any scenario; checked against the partitions like theirs.
    instances: z.number().int().min(1).max(64).default(1).describe("your job's parallelism (consumers on raw-events); ≤ raw-events partitions"),
    groupId: z.string().min(1).default('streamproof-external').describe("the external job's consumer group on raw-events (drain and lag read its committed offsets); printed at the start"),
    startupWaitMs: durationMs().prefault('0s').describe('how long to wait after printing the topic names, for the job to start reading them'),
  })
  .strict()
  .describe('no processor started: your own job reads and writes the run\'s topics, the verifier checks them');

function notOurs(what: string): never {
  throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `processor.kind=external: the harness cannot ${what} a processor it did not start`, {
    hint: 'fault injection and restarts need processor.kind builtin, kafka-streams or flink',
  });
}

export const externalProcessor: ProcessorDriver<'external', typeof schema> = {
  kind: 'external',
  schema,
  parallelism: (config) => config.instances,
  describe: (config) => `external processor (consumer group ${config.groupId}, parallelism ${config.instances}; the harness starts none)`,
  async start(ctx, config) {
    const { names } = ctx.topology;
    const prefix = names.raw.slice(0, -'raw-events'.length);
    ctx.log(
      `processor.kind=external: point your job at bootstrap ${ctx.endpoints.kafka.bootstrapServers.join(',')} and the topics raw=${names.raw} processed=${names.processed} late=${names.late} dlq=${names.dlq}, ` +
        `consumer group ${config.groupId}, windows ${config.windowMs} ms, out-of-orderness ${config.outOfOrdernessMs} ms, allowed lateness ${config.allowedLatenessMs} ms, idle ${config.idleTimeoutMs} ms`,
    );
    ctx.log(`  the seed's Flink job for these: npm run processor -- manifest --kind flink --prefix ${prefix} --group ${config.groupId} --window-ms ${config.windowMs} --out-of-orderness-ms ${config.outOfOrdernessMs} --allowed-lateness-ms ${config.allowedLatenessMs} --idle-timeout-ms ${config.idleTimeoutMs}`);
    if (config.startupWaitMs > 0) {
      ctx.log(`waiting ${config.startupWaitMs} ms for the external job to start`);
      await sleep(config.startupWaitMs, undefined, { signal: ctx.signal }).catch(() => undefined);
    }
    return {
      instances: 0,
      groupId: config.groupId,
      assertHealthy: () => undefined,
      deaths: () => [],
      kill: () => notOurs('kill'),
      restart: async () => notOurs('restart'),
      stop: async () => undefined,
      processes: () => [],
      report: () => ({ stage: 'processor', kind: 'external', latencies: {}, counters: {}, ratePerSecond: [], ledger: null }),
    };
  },
};
