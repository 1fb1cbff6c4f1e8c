import { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { processorRuntimeConfigSchema, type ProcessorRuntimeConfig } from './runtime-config.js';
import type { ProcessorStatus, TransactionEvent } from './runtime-status.js';

/**
 * Configuration of a processor *process* (`npm run processor`, or a child of the supervisor):
 * the instance settings plus where the cluster is, metrics and debug switches. The CLI reads it
 * from a JSON file (--config) and/or flags; the supervisor writes it to a file for its children.
 */
const kafkaSchema = z
  .object({
    bootstrapServers: z.array(z.string().regex(/^[^:\s]+:\d{1,5}$/, 'host:port')).min(1),
    brokers: z.number().int().positive(),
    tls: z.boolean().default(false),
    saslMechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']).optional(),
  })
  .strict()
  .describe('the cluster; default: the running stack (state file), else STREAMPROOF_KAFKA_BOOTSTRAP etc. (SASL credentials always from the environment)');

export const processorProcessConfigSchema = z
  .object({
    processor: processorRuntimeConfigSchema.prefault({}),
    kafka: kafkaSchema.optional(),
    prometheus: z
      .object({
        targetsDir: z.string().min(1).describe('Prometheus file_sd directory to register /metrics in'),
        targetHost: z.string().min(1).default('127.0.0.1').describe('host under which Prometheus reaches this process'),
      })
      .strict()
      .optional()
      .describe('default: the running stack\'s Prometheus (state file)'),
    metrics: z
      .object({
        port: z.number().int().min(0).max(65_535).default(0).describe('/metrics port on 127.0.0.1 (0 = any free port)'),
        host: z.string().default('127.0.0.1'),
        runId: z.string().min(1).default('standalone').describe('run_id label of every series'),
        scenario: z.string().min(1).default('standalone').describe('scenario label of every series'),
        register: z.boolean().default(true).describe('write a Prometheus file_sd target for the stack\'s Prometheus (when it has a targets dir)'),
      })
      .strict()
      .prefault({}),
    statusIntervalMs: z.number().int().min(0).default(1_000).describe('one JSON status line on stdout this often (0 = never)'),
    traceTransactions: z.boolean().default(false).describe('print a JSON line per transaction phase (begin, prepared, committed, aborted)'),
    debug: z
      .object({
        holdTransactionMs: z.number().int().min(0).default(0).describe('crash tests: hold one prepared transaction open this long before committing'),
        holdAtTransaction: z.number().int().min(1).default(1).describe('... the first prepared transaction with at least this sequence number'),
        holdInstance: z.number().int().nonnegative().optional().describe('... only in this instance (default: every instance)'),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type ProcessorProcessConfigInput = z.input<typeof processorProcessConfigSchema>;
export type ProcessorProcessConfig = z.output<typeof processorProcessConfigSchema>;
export type ProcessorKafkaConfig = z.output<typeof kafkaSchema>;

export function parseProcessorProcessConfig(input: unknown): ProcessorProcessConfig {
  const parsed = processorProcessConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ');
  throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `invalid processor config: ${problems}`, {
    hint: 'see `npm run processor -- --help` and docs/processor.md',
  });
}

export type { ProcessorRuntimeConfig };

/** One line a processor process prints on stdout (JSON). */
export type ProcessorLine =
  | { type: 'ready'; instance: number; pid: number; metricsUrl: string | null }
  | ({ type: 'status'; instance: number; pid: number; atMs: number } & ProcessorStatus)
  | ({ type: 'txn'; instance: number; holdMs?: number } & TransactionEvent)
  | { type: 'exit'; instance: number; state: string; error?: string };

/** Parses a stdout line of a processor process; null for anything that is not one of ours. */
export function parseProcessorLine(line: string): ProcessorLine | null {
  if (!line.startsWith('{')) return null;
  try {
    const value = JSON.parse(line) as { type?: unknown };
    return value.type === 'ready' || value.type === 'status' || value.type === 'txn' || value.type === 'exit' ? (value as ProcessorLine) : null;
  } catch {
    return null;
  }
}
