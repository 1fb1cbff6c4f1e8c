import type { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { CommandSpec } from '../base/args.js';
import type { KafkaEndpoints } from '../base/endpoints.js';
import { externalEndpointsFromEnv } from '../stack/external.js';
import { loadStackEndpoints } from '../stack/state.js';
import { processorCoreConfigSchema } from '../pipeline/processor/config.js';
import { processorProcessConfigSchema, type ProcessorProcessConfig } from '../pipeline/processor/process-config.js';
import { processorRuntimeConfigSchema } from '../pipeline/processor/runtime-config.js';

/**
 * Flags of `npm run processor`: each sets one field of the process config (process-config.ts),
 * overriding the --config file. The help text comes from the schema descriptions and defaults.
 */
interface FlagSpec {
  flag: string;
  path: string[];
  kind: 'int' | 'string' | 'boolean';
  schema: z.ZodType;
}

const core = processorCoreConfigSchema.shape;
const runtime = processorRuntimeConfigSchema.shape;
const process_ = processorProcessConfigSchema.shape;
const metrics = process_.metrics.unwrap().shape;
const debug = process_.debug.unwrap().shape;

const FLAGS: FlagSpec[] = [
  { flag: 'prefix', path: ['processor', 'topicPrefix'], kind: 'string', schema: runtime.topicPrefix },
  { flag: 'instance', path: ['processor', 'instanceIndex'], kind: 'int', schema: runtime.instanceIndex },
  { flag: 'group-id', path: ['processor', 'groupId'], kind: 'string', schema: runtime.groupId },
  { flag: 'input-topic', path: ['processor', 'inputTopic'], kind: 'string', schema: runtime.inputTopic },
  { flag: 'guarantee', path: ['processor', 'guarantee'], kind: 'string', schema: runtime.guarantee },
  { flag: 'window-ms', path: ['processor', 'core', 'windowMs'], kind: 'int', schema: core.windowMs },
  { flag: 'out-of-orderness-ms', path: ['processor', 'core', 'outOfOrdernessMs'], kind: 'int', schema: core.outOfOrdernessMs },
  { flag: 'allowed-lateness-ms', path: ['processor', 'core', 'allowedLatenessMs'], kind: 'int', schema: core.allowedLatenessMs },
  { flag: 'idle-timeout-ms', path: ['processor', 'core', 'idleTimeoutMs'], kind: 'int', schema: core.idleTimeoutMs },
  { flag: 'max-batch-records', path: ['processor', 'maxBatchRecords'], kind: 'int', schema: runtime.maxBatchRecords },
  { flag: 'transaction-timeout-ms', path: ['processor', 'transactionTimeoutMs'], kind: 'int', schema: runtime.transactionTimeoutMs },
  { flag: 'metrics-port', path: ['metrics', 'port'], kind: 'int', schema: metrics.port },
  { flag: 'run-id', path: ['metrics', 'runId'], kind: 'string', schema: metrics.runId },
  { flag: 'scenario', path: ['metrics', 'scenario'], kind: 'string', schema: metrics.scenario },
  { flag: 'status-interval-ms', path: ['statusIntervalMs'], kind: 'int', schema: process_.statusIntervalMs },
  { flag: 'trace-transactions', path: ['traceTransactions'], kind: 'boolean', schema: process_.traceTransactions },
  { flag: 'debug-hold-transaction-ms', path: ['debug', 'holdTransactionMs'], kind: 'int', schema: debug.holdTransactionMs },
  { flag: 'debug-hold-at-transaction', path: ['debug', 'holdAtTransaction'], kind: 'int', schema: debug.holdAtTransaction },
];

type FlagValues = Record<string, string | boolean | undefined>;

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    node[key] = typeof next === 'object' && next !== null ? { ...(next as object) } : {};
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1] as string] = value;
}

export const PROCESSOR_FLAGS = {
  /** The config file's object with every given flag applied. */
  apply(base: unknown, values: FlagValues): unknown {
    const merged = typeof base === 'object' && base !== null ? { ...(base as Record<string, unknown>) } : {};
    for (const spec of FLAGS) {
      const raw = values[spec.flag];
      if (raw === undefined) continue;
      let value: unknown = raw;
      if (spec.kind === 'int') {
        value = Number(raw);
        if (!Number.isSafeInteger(value)) {
          throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--${spec.flag} ${String(raw)} is not an integer`, { hint: `e.g. --${spec.flag} 1000` });
        }
      }
      setPath(merged, spec.path, value);
    }
    return merged;
  },
};

function defaultOf(schema: z.ZodType): string {
  const parsed = schema.safeParse(undefined);
  return parsed.success && parsed.data !== undefined ? ` (default ${JSON.stringify(parsed.data)})` : '';
}

/** `npm run processor --`: flags from the schema descriptions and defaults (one declaration, src/base/args.ts parses it). */
export const PROCESSOR_SPEC: CommandSpec = {
  invocation: 'npm run processor --',
  usage: '[--config file.json] [options]',
  summary: `Runs one windowed exactly-once processor instance (docs/processor.md). Flags override the
--config file (a JSON object: {processor, kafka, prometheus, metrics, statusIntervalMs, traceTransactions, debug}).`,
  flags: [
    { name: 'config', value: 'FILE', description: 'JSON process config (src/pipeline/processor/process-config.ts)' },
    {
      name: 'bootstrap',
      value: 'HOST:PORT,...',
      description: 'the cluster (TLS/SASL from STREAMPROOF_KAFKA_TLS / _SASL_* as for the external stack); default: config "kafka", else the running stack, else STREAMPROOF_KAFKA_BOOTSTRAP',
    },
    ...FLAGS.map((f) => ({ name: f.flag, ...(f.kind === 'boolean' ? {} : { value: f.kind === 'int' ? 'N' : 'VALUE' }), description: `${f.schema.description ?? ''}${defaultOf(f.schema)}` })),
  ],
  footer: `stdout: one JSON line per event (ready, status, txn, exit); logs on stderr.

\`npm run processor -- manifest --kind flink [options]\` prints the seed's FlinkDeployment for the built
job jar instead (\`npm run processor -- manifest --help\`; docs/processors-jvm.md).`,
};

export interface ResolvedEndpoints {
  kafka: KafkaEndpoints;
  targetsDir?: string;
  targetHost: string;
}

export async function resolveProcessorEndpoints(config: ProcessorProcessConfig, bootstrap: string | undefined): Promise<ResolvedEndpoints> {
  const targetHost = config.prometheus?.targetHost ?? '127.0.0.1';
  const withTargets = (kafka: KafkaEndpoints, targetsDir: string | undefined, host = targetHost): ResolvedEndpoints =>
    targetsDir ? { kafka, targetsDir, targetHost: host } : { kafka, targetHost: host };
  if (bootstrap !== undefined) {
    const external = externalEndpointsFromEnv({ ...process.env, STREAMPROOF_KAFKA_BOOTSTRAP: bootstrap });
    if (!external) throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, '--bootstrap is empty', { hint: 'e.g. --bootstrap 127.0.0.1:19092' });
    return withTargets(external.kafka, config.prometheus?.targetsDir);
  }
  if (config.kafka) return withTargets(config.kafka, config.prometheus?.targetsDir);
  const stack = await loadStackEndpoints();
  return withTargets(stack.kafka, config.prometheus?.targetsDir ?? stack.prometheus?.targetsDir, config.prometheus?.targetHost ?? stack.prometheus?.targetHost);
}

export { writeScrapeTarget } from '../metrics/scrape-target.js';
