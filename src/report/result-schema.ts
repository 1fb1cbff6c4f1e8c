import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';

/**
 * result.json, version 1: the artifact every report, gate and comparison is computed from.
 * Documented field by field in docs/results.md (keep the two in step).
 *
 * A result is a union told apart by `state`, so a partial or broken run can never be read as
 * a pass: only 'completed' carries a full verdict; 'incomplete' (Ctrl-C, a deadline),
 * 'failed' (harness or stack error) and 'aborted' (an abortOnFail gate) carry a `reason`.
 */
export const RESULT_SCHEMA_VERSION = 1 as const;

/** Latency stages, each its own HdrHistogram (docs/results.md, measurement model). */
export const STAGE_NAMES = [
  'l1_produce',
  'l1_from_send',
  'l2_ingest',
  'l3_window',
  'l3_freshness',
  'l4_delivery',
  'http_ingest',
  'schedule_lag',
] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** What each stage measures, for reports and docs. */
export const STAGE_DESCRIPTIONS: Record<StageName, string> = {
  l1_produce: 'L1 produce: broker ack − intended',
  l1_from_send: 'L1 without generator lateness: broker ack − actual send (L1 minus schedule lag)',
  l2_ingest: 'L2 ingest: visible in raw-events (read_committed) − intended',
  l3_window: 'L3 window result: visible in processed-events − window close (end + out-of-orderness)',
  l3_freshness: 'L3 freshness: result visible − newest event intended',
  l4_delivery: 'L4 delivery: object visible in S3 − result visible in processed-events',
  http_ingest: 'HTTP ingest: 2xx response − intended',
  schedule_lag: 'schedule lag: actual send − intended (sender backlog)',
};

/**
 * Well-known counters. `counters` may hold others too; these are the ones gates can name.
 * Event counts unless the name carries a unit (`…S` seconds, `…Share` a fraction 0..1).
 */
export const COUNTER_DESCRIPTIONS = {
  scheduled: 'events the load schedule made due',
  sent: 'events handed to the producer or HTTP client',
  acked: 'events acknowledged by the broker (or 2xx from the collector)',
  failed: 'sends that were never acknowledged (reported apart from lost)',
  malformed: 'malformed events generated on purpose',
  onTime: 'events handed to the producer or HTTP client within run.onTimeMs of their intended time (schedule lag ≤ onTimeMs; for HTTP, the request\'s send lag applies to each of its events)',
  sentLate: 'events handed over later than run.onTimeMs after their intended time: sent late, never skipped (onTime + sentLate = sent)',
  sentLateAwaitingGenerator: 'of sentLate, events that fell due before the load worker had built them: the generator, not the producer\'s thread, was what held them back',
  sentLateAwaitingConnection: 'HTTP ingest: of sentLate, events whose request fell due while every connection was busy awaiting the collector\'s answers: the offered load was capped at connections ÷ response time',
  onTimeAcked: 'events sent on time and then acknowledged (broker ack, or 2xx from the collector): the numerator of achievedRate',
  onTimeShare: 'fraction 0..1 (not events): onTime ÷ scheduled; `%` reads as a percentage of 1 (onTimeShare >= 99% = 0.99)',
  lost: 'acknowledged events missing from raw-events or from every window result (I1/I2)',
  duplicated: 'countings of events beyond the first (I1 duplicated + I2 extraCountings)',
  late: 'events routed to late-events',
  dlq: 'events routed to the dead-letter queue',
  violations: 'sum of invariant violations (I1 + I2 + I3), derived from the verdict',
  s3Missing: 'final window results absent from S3 (I3)',
  s3Duplicates: 'window results written to S3 more than once (de-duplicated, reported)',
  httpErrors: 'HTTP requests that failed: 5xx, transport errors, or a 400 for valid events (the 400s for deliberately malformed requests are expected and not counted)',
  cutOffUnsent: 'events due but never sent: the Kafka sender, still behind 30 s after the schedule ended, stopped sending there instead of sending its backlog for minutes',
  lagRecoveryS: 'seconds for consumer lag to return to its level before the peak phase, after the peak ends',
  recoveryS: 'fault runs: the slowest recovery, seconds from a fault\'s heal until the achieved rate is back within 5 % of target and consumer lag at its pre-fault level (absent when a fault never recovered: the gate fails)',
  eventsAtRisk: 'fault runs: events in flight when the faults struck (sent, not yet acknowledged, plus consumer lag), summed over faults',
  minAckedInFault: 'fault runs: the fewest events acknowledged inside one fault window (progress during the fault)',
  minResultsInFault: 'fault runs: the fewest window results committed inside one fault window',
} as const;
/** Counters only a run with faults has: a gate on one in a scenario without faults is refused. */
export const FAULT_COUNTERS = ['recoveryS', 'eventsAtRisk', 'minAckedInFault', 'minResultsInFault'] as const;
export type CounterName = keyof typeof COUNTER_DESCRIPTIONS;
export const COUNTER_NAMES = Object.keys(COUNTER_DESCRIPTIONS) as CounterName[];

const finite = z.number().finite();
const nonNegative = finite.nonnegative();

/**
 * Precomputed from the stage's histogram so readers need no HdrHistogram decoder. The figures
 * are LatencySummary from src/metrics/histogram.ts: `{ histogram: h.encode(), ...h.summary() }`.
 */
export const stageStatsSchema = z
  .object({
    /** Base64 HdrHistogram (src/metrics/histogram.ts); opaque here, mergeable across runs. */
    histogram: z.string(),
    count: z.int().nonnegative(),
    minMs: nonNegative,
    meanMs: nonNegative,
    p50Ms: nonNegative,
    p90Ms: nonNegative,
    p99Ms: nonNegative,
    p999Ms: nonNegative,
    maxMs: nonNegative,
  })
  .strict();
export type StageStats = z.infer<typeof stageStatsSchema>;

export const environmentSchema = z
  .object({
    node: z.string(),
    os: z.string(),
    cpuModel: z.string(),
    cpus: z.int().positive(),
    memoryBytes: z.int().nonnegative(),
    gitCommit: z.string().nullable(),
    gitDirty: z.boolean().nullable(),
    streamproofVersion: z.string(),
    kafkaVersion: z.string().nullable(),
    provider: z.enum(['native', 'compose', 'external']),
    brokers: z.int().positive(),
    seed: z.union([z.int(), z.string()]),
    firehoseBehaviour: z.enum(['emulator-immediate', 'aws-buffered']),
  })
  .strict();
export type Environment = z.infer<typeof environmentSchema>;

export const timeSeriesRowSchema = z
  .object({
    /** Start of the one-second bucket, epoch seconds. */
    tEpochS: z.int().nonnegative(),
    targetEventsPerS: nonNegative,
    /** Events acknowledged in this second (by the second of the ack or 2xx answer). */
    achievedEventsPerS: nonNegative,
    /** Events sent on time (schedule lag ≤ run.onTimeMs) in this second, by the second of sending; absent in files written before it existed. */
    onTimeEventsPerS: nonNegative.optional(),
    /** Events sent late (schedule lag > run.onTimeMs) in this second, by the second of sending; absent likewise. */
    lateEventsPerS: nonNegative.optional(),
    /** p99 of what completed in this second, per stage; null when nothing completed. */
    p99Ms: z.partialRecord(z.enum(STAGE_NAMES), nonNegative.nullable()),
    /** Window results that became visible (committed) in processed-events in this second; absent in files written before it existed. */
    resultsPerS: nonNegative.optional(),
    /** Processor consumer-group lag on raw-events, events; null when not sampled. */
    consumerLagEvents: nonNegative.nullable(),
    /** Name of the load phase this second belongs to (ramp, steady, spike ...). */
    phase: z.string().nullable(),
  })
  .strict();
export type TimeSeriesRow = z.infer<typeof timeSeriesRowSchema>;

export const markerSchema = z
  .object({
    tEpochMs: z.int().nonnegative(),
    kind: z.enum(['phase', 'fault']),
    label: z.string(),
  })
  .strict();
export type Marker = z.infer<typeof markerSchema>;

export const invariantSchema = z
  .object({
    id: z.enum(['I1', 'I2', 'I3']),
    name: z.string(),
    pass: z.boolean(),
    /** Events (I1, I2) or window results (I3) that broke the invariant; 0 when it holds. */
    violations: z.int().nonnegative(),
    /** Supporting figures, e.g. { acked, found, missing, duplicated }. */
    counts: z.record(z.string(), finite),
    /** A few offending ids or window keys, for a human to chase. */
    examples: z.array(z.string()),
  })
  .strict();
export type InvariantOutcome = z.infer<typeof invariantSchema>;

export const verdictSchema = z
  .object({
    invariants: z.array(invariantSchema),
    pass: z.boolean(),
  })
  .strict();
export type Verdict = z.infer<typeof verdictSchema>;

export const gateOutcomeSchema = z
  .object({
    expression: z.string(),
    pass: z.boolean(),
    /** Measured value in `unit`; null when the metric was absent (and the gate failed). */
    actual: finite.nullable(),
    /** Threshold resolved to a number in `unit` (e.g. `0.98 * target` → events/s). */
    threshold: finite.nullable(),
    unit: z.string(),
    abortOnFail: z.boolean(),
    message: z.string(),
  })
  .strict();
export type GateOutcome = z.infer<typeof gateOutcomeSchema>;

/** Who a process belongs to, for the resources section: the harness itself and what it started or uses. */
export const RESOURCE_ROLES = ['harness', 'processors', 'brokers', 'moto', 'prometheus'] as const;
export type ResourceRole = (typeof RESOURCE_ROLES)[number];

export const roleResourcesSchema = z
  .object({
    /** CPU time (user + system) the role's processes spent during the sampled span, seconds. */
    cpuSeconds: nonNegative,
    /** Highest sum of the role's resident memory over the samples, bytes. */
    peakRssBytes: z.int().nonnegative(),
    /** Every PID seen in the role (a restarted processor adds one). */
    pids: z.array(z.int().positive()),
  })
  .strict();
export type RoleResources = z.infer<typeof roleResourcesSchema>;

/** What the run's own processes cost and how busy the machine was (docs/results.md, resources). */
export const resourcesSchema = z
  .object({
    /** Roles the run could see; one absent for a compose or external stack (not our processes). */
    roles: z.partialRecord(z.enum(RESOURCE_ROLES), roleResourcesSchema),
    machine: z
      .object({
        cores: z.int().positive(),
        /** Over the samples; null when /proc/loadavg could not be read. */
        loadAverage1m: z.object({ min: nonNegative, mean: nonNegative, max: nonNegative }).strict().nullable(),
        /** % of all cores' time over the sampled span; null with fewer than two /proc/stat readings. */
        stealPct: nonNegative.nullable(),
        busyPct: nonNegative.nullable(),
      })
      .strict(),
    sampleIntervalMs: z.int().positive(),
    /** From the first sample to the last: the span the CPU figures cover. */
    sampledMs: z.int().nonnegative(),
  })
  .strict();
export type Resources = z.infer<typeof resourcesSchema>;

const opaqueObject = z.record(z.string(), z.unknown());

/** One fault occurrence and what it did (src/report/fault-figures.ts; docs/faults.md). */
export const faultOutcomeSchema = z
  .object({
    kind: z.string(),
    target: z.string(),
    label: z.string(),
    /** Index of its entry in the scenario's `faults`, and which occurrence of it. */
    source: z.int().nonnegative(),
    occurrence: z.int().nonnegative(),
    plannedStartEpochMs: z.int().nonnegative(),
    durationMs: z.int().nonnegative(),
    /** Null when it never struck (the run ended first, or injecting failed). */
    injectedAtEpochMs: z.int().nonnegative().nullable(),
    /** Null when it never struck or healing failed. */
    healedAtEpochMs: z.int().nonnegative().nullable(),
    eventsAtRisk: nonNegative.nullable(),
    inFlightAtStrike: nonNegative.nullable(),
    consumerLagAtStrike: nonNegative.nullable(),
    ackedInWindow: nonNegative.nullable(),
    resultsInWindow: nonNegative.nullable(),
    preFaultLagEvents: nonNegative.nullable(),
    /** Seconds from the heal until rate and lag were back; null when not within the schedule. */
    recoveryS: nonNegative.nullable(),
    details: z.record(z.string(), z.union([z.string(), finite, z.boolean(), z.null()])),
    error: z.string().nullable(),
  })
  .strict();
export type FaultOutcome = z.infer<typeof faultOutcomeSchema>;

/** One dated event of the run's timeline (src/base/timeline.ts): a span, or an instant when endEpochMs is null. */
export const timelineEventSchema = z
  .object({
    kind: z.enum(['setup', 'warm-up', 'load', 'phase', 'fault', 'probe', 'drain', 'verify', 'gate', 'abort', 'teardown']),
    label: z.string(),
    startEpochMs: z.int().nonnegative(),
    endEpochMs: z.int().nonnegative().nullable(),
  })
  .strict();
export type TimelineEventRecord = z.infer<typeof timelineEventSchema>;

const baseShape = {
  schemaVersion: z.literal(RESULT_SCHEMA_VERSION),
  runId: z.string().min(1),
  scenario: z
    .object({
      // Used as a directory name under results/: keep it path-safe.
      name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ - only, not starting with . or -'),
      /** The scenario after defaults and CLI shortcuts were applied (opaque here). */
      resolved: opaqueObject,
    })
    .strict(),
  startedAt: z.iso.datetime({ offset: true }),
  endedAt: z.iso.datetime({ offset: true }),
  environment: environmentSchema,
  stages: z.partialRecord(z.enum(STAGE_NAMES), stageStatsSchema),
  /** The stages again per load phase (by phase name; events by the second they were intended in): what `{phase: NAME}` gates read. Absent in results written before it existed. */
  phaseStages: z.record(z.string(), z.partialRecord(z.enum(STAGE_NAMES), stageStatsSchema)).optional(),
  counters: z.record(z.string(), finite),
  rates: z.object({ targetEventsPerS: nonNegative, achievedEventsPerS: nonNegative }).strict(),
  timeSeries: z.array(timeSeriesRowSchema),
  markers: z.array(markerSchema),
  delivery: z.object({ observed: opaqueObject.nullable(), modelled: opaqueObject.nullable() }).strict(),
  gates: z.array(gateOutcomeSchema),
  /** Setup, warm-up, phases, faults, drain, verification, teardown: when each began and ended. Absent in results written before it existed. */
  timeline: z.array(timelineEventSchema).default([]),
  errors: z.array(z.object({ code: z.string(), message: z.string(), hint: z.string().optional() }).strict()),
  /** Every fault occurrence of the plan with its window and figures; absent in results written before it existed. */
  faults: z.array(faultOutcomeSchema).default([]),
  /** Resource use and machine noise over the run. Absent in results written before it existed, or when sampling never started. */
  resources: resourcesSchema.optional(),
  /** Who the bottleneck was (src/report/bottleneck.ts): the harness's own lateness told apart from the pipeline's. Absent without send counters or in older files. */
  bottleneck: z
    .object({
      verdict: z.enum(['kept-up', 'harness-bound', 'pipeline-bound', 'behind-schedule']),
      lateShare: nonNegative,
      sustainedEventsPerS: nonNegative.nullable(),
      consumerLagP90Events: nonNegative.nullable(),
      summary: z.string(),
    })
    .strict()
    .optional(),
};

export const completedResultSchema = z.object({ ...baseShape, state: z.literal('completed'), verdict: verdictSchema }).strict();
export const incompleteResultSchema = z
  .object({ ...baseShape, state: z.literal('incomplete'), reason: z.string(), verdict: verdictSchema.nullable() })
  .strict();
export const failedResultSchema = z
  .object({ ...baseShape, state: z.literal('failed'), reason: z.string(), verdict: z.null() })
  .strict();

/** Stopped early by a gate marked abortOnFail that failed on live figures; nothing was verified. */
export const abortedResultSchema = z
  .object({ ...baseShape, state: z.literal('aborted'), reason: z.string(), abortedBy: z.string(), verdict: z.null() })
  .strict();

export const runResultSchema = z.discriminatedUnion('state', [completedResultSchema, incompleteResultSchema, failedResultSchema, abortedResultSchema]);
export type RunResult = z.infer<typeof runResultSchema>;
export type CompletedResult = z.infer<typeof completedResultSchema>;
export type RunState = RunResult['state'];

function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 8)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}

/** Validates an already-decoded result; `source` names the file in the error. */
export function parseResult(value: unknown, source = 'result'): RunResult {
  const version = (value as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof value === 'object' && value !== null && version !== RESULT_SCHEMA_VERSION) {
    throw new StreamproofError(
      ERROR_CODES.INVALID_RESULT,
      `${source}: schemaVersion is ${version === undefined ? 'missing' : JSON.stringify(version)}, this streamproof reads version ${RESULT_SCHEMA_VERSION}`,
      { hint: 'produce the file with the same streamproof version, or re-run the scenario' },
    );
  }
  const parsed = runResultSchema.safeParse(value);
  if (!parsed.success) {
    throw new StreamproofError(ERROR_CODES.INVALID_RESULT, `${source} is not a valid result: ${describeIssues(parsed.error)}`, {
      hint: 'result files are written by `npm run scenario`; see docs/results.md for the schema',
      cause: parsed.error,
    });
  }
  return parsed.data;
}

/** Reads and validates a result.json; errors name the file and the offending field. */
export async function readResult(path: string): Promise<RunResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new StreamproofError(ERROR_CODES.INVALID_RESULT, `cannot read result file ${path}: ${(error as Error).message}`, {
      hint: 'pass the path of a result.json under results/<scenario>/<timestamp>/',
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new StreamproofError(ERROR_CODES.INVALID_RESULT, `${path} is not JSON: ${(error as Error).message}`, {
      hint: 'the file may be truncated; re-run the scenario to produce it again',
      cause: error,
    });
  }
  return parseResult(value, path);
}
