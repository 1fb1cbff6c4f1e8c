import { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { buildTopology } from '../../contract/topology.js';
import { processorCoreConfigSchema } from './config.js';

/**
 * Settings of one processor instance (in-process, child process or standalone): one schema =
 * validation + defaults + the CLI's --help text. Window settings are the core's (config.ts).
 */
export const processorRuntimeConfigSchema = z
  .object({
    topicPrefix: z.string().default('').describe('prefix of every topic name (the topology prefix; empty for the default topology)'),
    instanceIndex: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe('instance number: the transactional id is `${prefix}processor-${index}`, stable across restarts so a restart fences its zombie'),
    groupId: z.string().min(1).optional().describe('consumer group id; default `${prefix}processor`'),
    inputTopic: z.string().min(1).optional().describe('topic to read instead of `${prefix}raw-events` (outputs and changelog keep the prefix)'),
    guarantee: z
      .enum(['exactly-once', 'at-least-once'])
      .default('exactly-once')
      .describe(
        'exactly-once: each batch one Kafka transaction (outputs, changelog, offsets); at-least-once (the negative control): the same loop without transactions — send, then commit offsets once the sends are acknowledged, so a crash in between re-counts the batch',
      ),
    core: processorCoreConfigSchema.prefault({}).describe('window, watermark and lateness settings'),
    maxBatchRecords: z.number().int().positive().default(5_000).describe('most raw-events records per transaction (larger batches amortise the per-transaction cost: 5000 ran 25–45 % faster than 2000 here)'),
    maxBatchWaitMs: z.number().int().positive().default(100).describe('how long to wait for the first record of a batch'),
    transactionTimeoutMs: z
      .number()
      .int()
      .min(1_000)
      .default(20_000)
      .describe('Kafka transaction timeout: a crashed instance holds its partitions at most this long'),
    sessionTimeoutMs: z.number().int().min(1_000).default(10_000).describe('consumer group session timeout'),
    restoreTimeoutMs: z.number().int().min(1_000).default(60_000).describe('how long a restore may wait for a previous owner\'s open transaction'),
    lagIntervalMs: z.number().int().positive().default(2_000).describe('how often consumer lag is sampled'),
  })
  .strict();

export type ProcessorRuntimeConfigInput = z.input<typeof processorRuntimeConfigSchema>;
export type ProcessorRuntimeConfig = z.output<typeof processorRuntimeConfigSchema>;

export function parseProcessorRuntimeConfig(input: unknown): ProcessorRuntimeConfig {
  const parsed = processorRuntimeConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `invalid processor config: ${problems}`, {
    hint: 'see `npm run processor -- --help` and docs/processor.md',
  });
}

export interface ProcessorNames {
  groupId: string;
  transactionalId: string;
  clientId: string;
  topics: { raw: string; processed: string; late: string; dlq: string; changelog: string };
}

/** Group, transactional id and topic names of an instance (the topology's names with the prefix). */
export function processorNames(config: ProcessorRuntimeConfig): ProcessorNames {
  const prefix = config.topicPrefix;
  const topology = buildTopology({ brokers: 1, prefix }).names;
  const topics = { ...topology, raw: config.inputTopic ?? topology.raw };
  return {
    groupId: config.groupId ?? `${prefix}processor`,
    transactionalId: `${prefix}processor-${config.instanceIndex}`,
    clientId: `${prefix}processor-${config.instanceIndex}`,
    topics,
  };
}
