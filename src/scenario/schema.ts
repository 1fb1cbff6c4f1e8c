import { z } from 'zod';
import { isStreamproofError } from '../base/errors.js';
import { parseGate } from '../report/gates.js';
import { durationMs } from '../base/duration.js';
import { INGEST_DRIVERS } from '../drivers/ingest/index.js';
import { PROCESSOR_DRIVERS } from '../drivers/processor/index.js';
import { windowSettingsShape } from '../drivers/processor/window-settings.js';
import { faultSchema } from './schema-faults.js';
import { loadSchema } from './schema-load.js';
import { workloadSchema } from './schema-workload.js';

/**
 * The scenario schema: the single source of truth for what a scenario may say, its defaults,
 * the `--help` text and docs/scenarios.md (both generated from the `.describe()` strings here).
 * Every nested section defaults as a whole (`prefault({})`), so a scenario names only what it
 * changes. Cross-field rules (instances ≤ partitions, ...) live in validate.ts.
 */

const SEVEN_DAYS = '7d';

const stackSchema = z
  .object({
    provider: z
      .enum(['native', 'compose', 'external'])
      .default('native')
      .describe('where the services run: native processes on 127.0.0.1, docker compose, or an external cluster from the environment'),
    brokers: z.number().int().min(1).max(9).default(3).describe('Kafka brokers: native runs 1 or 3, compose 3; external must name the cluster\'s count (STREAMPROOF_KAFKA_BROKERS, else the bootstrap list up to 3)'),
  })
  .strict()
  .prefault({})
  .describe('the stack the scenario runs on');

const partitions = (topic: string) => z.number().int().min(1).max(1000).default(12).describe(`partitions of ${topic}`);

const topologySchema = z
  .object({
    rawEventsPartitions: partitions('raw-events (bounds processor parallelism)'),
    processedEventsPartitions: partitions('processed-events'),
    replicationFactor: z.number().int().min(1).max(9).optional().describe('replication factor of every topic; default min(3, stack.brokers)'),
    retentionMs: durationMs({ minMs: 60_000 }).prefault(SEVEN_DAYS).describe('retention.ms of the topics (ms or a duration)'),
  })
  .strict()
  .prefault({})
  .describe('topic overrides (production: 12 partitions, replication 3, 7 days)');

/** One section per registered kind: validation, --help and docs cover every kind (src/drivers/registry.ts). */
function kindUnion<T extends readonly [z.ZodObject, ...z.ZodObject[]]>(options: T) {
  return z.discriminatedUnion('kind', options as unknown as [z.ZodObject, ...z.ZodObject[]]) as unknown as z.ZodType<z.output<T[number]>, z.input<T[number]>>;
}

const ingestSchema = kindUnion(INGEST_DRIVERS.map((d) => d.schema) as unknown as [(typeof INGEST_DRIVERS)[number]['schema']])
  .prefault({})
  .describe('how events enter the pipeline, by kind');

const producerSchema = z
  .object({
    acks: z.literal('all').default('all').describe('fixed: exactly-once needs every in-sync replica to ack'),
    idempotent: z.literal(true).default(true).describe('fixed: the idempotent producer is what makes retries safe'),
    retries: z.number().int().min(0).max(100).default(3).describe('send retries before an event counts as failed'),
    lingerMs: durationMs({ maxMs: 10_000 }).prefault(5).describe('how long the producer waits to fill a batch (ms or a duration)'),
    batchMaxRecords: z.number().int().min(1).max(100_000).default(2_000).describe('most records per produce request (the producer batches across partitions)'),
    compression: z.enum(['none', 'gzip', 'snappy', 'lz4']).default('none').describe('producer compression codec (zstd is not offered: the Kafka client needs Node ≥ 22 for it)'),
    maxInFlight: z
      .number()
      .int()
      .min(1)
      .max(16)
      .default(3)
      .describe('produce requests in flight per broker: one idempotent client per request, each partition owned by one of them (docs/kafka-client.md)'),
  })
  .strict()
  .prefault({})
  .describe('Kafka producer settings (load generator and HTTP collector)');

function withWindowSettings<S extends (typeof PROCESSOR_DRIVERS)[number]['schema']>(schema: S) {
  return schema.extend(windowSettingsShape).describe(schema.description ?? '');
}

const processorSchema = kindUnion(PROCESSOR_DRIVERS.map((d) => withWindowSettings(d.schema)) as unknown as [ReturnType<typeof withWindowSettings<(typeof PROCESSOR_DRIVERS)[number]['schema']>>])
  .prefault({})
  .describe('the windowed exactly-once processor, by kind; the window settings are common to every kind (docs/contract.md)');

const deliverySchema = z
  .object({
    enabled: z.boolean().default(true).describe('run the Firehose → S3 delivery stage and check it (I3)'),
    bucket: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]{1,38}[a-z0-9]$/, 'an S3 bucket base name: 3-40 lowercase letters, digits, dots, hyphens (the run id is appended, up to the 63 S3 allows)')
      .default('streamproof-analytics')
      .describe('base name of the S3 bucket the delivery stream writes to; each run appends its short id, so runs never share a bucket'),
    streamName: z
      .string()
      .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'a Firehose stream base name: 1-40 letters, digits, _ . - (the run id is appended, up to the 64 Firehose allows)')
      .default('streamproof-delivery')
      .describe('base name of the Firehose delivery stream; each run appends its short id'),
  })
  .strict()
  .prefault({})
  .describe('delivery of window results to S3 through Firehose');

const runSchema = z
  .object({
    warmUpMs: durationMs()
      .prefault('10s')
      .describe('a constant load at the schedule\'s opening rate run before the schedule, excluded from latency and throughput figures (its events are still verified)'),
    drainTimeoutMs: durationMs({ minMs: 1_000 })
      .prefault('60s')
      .describe('after the load ends, how long to wait for results and delivery to catch up; past it the run is verified as it stands and counts drainIncomplete = 1'),
    onTimeMs: durationMs({ maxMs: 60_000 })
      .prefault('100ms')
      .describe('an event handed to the transport within this long of its intended time (schedule lag ≤ onTimeMs) is on time, else late; only on-time acknowledged events count towards achievedRate (counters onTime, sentLate, onTimeShare)'),
  })
  .strict()
  .prefault({})
  .describe('run timing around the load schedule (the run lasts as long as the schedule)');

const gateObject = z
  .object({
    threshold: z.string().describe('the expression'),
    abortOnFail: z.boolean().optional().describe('stop the run as soon as the gate fails'),
  })
  .strict();

/** Each threshold is parsed by the gates module now, so a typo fails before anything starts. */
const thresholdSchema = z
  .union([z.string(), gateObject], { error: 'expected a threshold expression or { threshold, abortOnFail }' })
  .superRefine((value, ctx) => {
    try {
      parseGate(value);
    } catch (error) {
      if (!isStreamproofError(error)) throw error;
      ctx.addIssue({ code: 'custom', message: error.message });
    }
  })
  .meta({ format: 'gate' });

export const scenarioSchema = z
  .object({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'kebab-case: lowercase letters, digits and -, at most 64')
      .describe('scenario name; results go to results/<name>/'),
    description: z
      .string()
      .min(1)
      .max(160)
      .regex(/^[^\n]*$/, 'one line')
      .describe('one line shown by --list and in reports'),
    stack: stackSchema,
    topology: topologySchema,
    workload: workloadSchema,
    load: loadSchema,
    ingest: ingestSchema,
    producer: producerSchema,
    processor: processorSchema,
    delivery: deliverySchema,
    run: runSchema,
    faults: z.array(faultSchema).default([]).describe('faults to inject: kind, when, how long, how often, on which target; healed at the end of each (docs/faults.md)'),
    thresholds: z
      .array(thresholdSchema)
      .default([])
      .describe('pass/fail gates, k6-style: `p99(l3) < 2s`, `lost == 0`, `achievedRate >= 0.98 * target` (grammar: docs/gates.md)'),
  })
  .strict();

/** What a scenario file writes: every field with a default is optional, durations may be strings. */
export type ScenarioInput = z.input<typeof scenarioSchema>;
/** After defaults and transforms, before cross-field resolution. */
export type ParsedScenario = z.output<typeof scenarioSchema>;
/** The scenario the runner gets: validated, with every default resolved (see validate.ts). */
export type Scenario = Omit<ParsedScenario, 'topology'> & {
  topology: ParsedScenario['topology'] & { replicationFactor: number };
};

/** Top-level sections in schema order (help, docs and per-section validation walk these). */
export const SCENARIO_SECTIONS = Object.keys(scenarioSchema.shape) as Array<keyof typeof scenarioSchema.shape>;
