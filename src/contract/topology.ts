/**
 * The pipeline's topology (pure): the topics of docs/contract.md ("Topics") plus the harness's own, and the
 * delivery stream. Replication is min(3, brokers); when that clamps the production value a
 * warning says so, because durability numbers from a 1-broker run do not transfer.
 */
export const SEVEN_DAYS_MS = 604_800_000;

export const TOPICS = {
  raw: 'raw-events',
  processed: 'processed-events',
  late: 'late-events',
  dlq: 'dlq-events',
  changelog: 'processor-window-changelog',
} as const;

export interface TopicSpec {
  name: string;
  partitions: number;
  replicationFactor: number;
  configs: Record<string, string>;
}

export interface TopologyOptions {
  brokers: number;
  partitions?: number;
  /** processed-events partitions when they differ from raw-events (default: the same). */
  processedPartitions?: number;
  /** Override of min(3, brokers); never above the broker count (the scenario validation checks). */
  replicationFactor?: number;
  /** Prefix for every topic name: isolates tests (a fresh topology per test) and parallel runs. */
  prefix?: string;
  retentionMs?: number;
  /** Base names of the S3 bucket and Firehose stream; the prefix is appended, so runs never share them. */
  bucketBase?: string;
  streamBase?: string;
}

export interface DeliverySpec {
  bucket: string;
  streamName: string;
  prefix: 'raw-data/';
  bufferingSizeMiB: 5;
  bufferingIntervalS: 300;
  compression: 'GZIP';
}

export interface Topology {
  topics: TopicSpec[];
  names: { [K in keyof typeof TOPICS]: string };
  delivery: DeliverySpec;
  warnings: string[];
}

export const PRODUCTION_REPLICATION_FACTOR = 3;
export const DEFAULT_BUCKET_BASE = 'streamproof-analytics';
export const DEFAULT_STREAM_BASE = 'streamproof-delivery';

export function buildTopology(options: TopologyOptions): Topology {
  const prefix = options.prefix ?? '';
  const partitions = options.partitions ?? 12;
  const replicationFactor = options.replicationFactor ?? Math.min(PRODUCTION_REPLICATION_FACTOR, options.brokers);
  const minIsr = String(replicationFactor >= 3 ? 2 : 1);
  const retention = String(options.retentionMs ?? SEVEN_DAYS_MS);
  const warnings: string[] = [];
  if (replicationFactor < PRODUCTION_REPLICATION_FACTOR) {
    warnings.push(
      options.replicationFactor === undefined
        ? `replication factor clamped to ${replicationFactor} (production uses ${PRODUCTION_REPLICATION_FACTOR}) because the cluster has ${options.brokers} broker(s); durability under broker loss is not exercised`
        : `replication factor set to ${replicationFactor} by the scenario (production uses ${PRODUCTION_REPLICATION_FACTOR}); durability under broker loss is not exercised`,
    );
  }
  const names = {
    raw: `${prefix}${TOPICS.raw}`,
    processed: `${prefix}${TOPICS.processed}`,
    late: `${prefix}${TOPICS.late}`,
    dlq: `${prefix}${TOPICS.dlq}`,
    changelog: `${prefix}${TOPICS.changelog}`,
  };
  const base = { 'retention.ms': retention, 'min.insync.replicas': minIsr };
  const topics: TopicSpec[] = [
    { name: names.raw, partitions, replicationFactor, configs: { ...base, 'cleanup.policy': 'delete' } },
    { name: names.processed, partitions: options.processedPartitions ?? partitions, replicationFactor, configs: { ...base, 'cleanup.policy': 'compact' } },
    { name: names.late, partitions, replicationFactor, configs: { ...base, 'cleanup.policy': 'delete' } },
    { name: names.dlq, partitions, replicationFactor, configs: { ...base, 'cleanup.policy': 'delete' } },
    // Open-window state of the processor, keyed by window: compacted, so restore reads only the latest state.
    { name: names.changelog, partitions, replicationFactor, configs: { 'min.insync.replicas': minIsr, 'cleanup.policy': 'compact' } },
  ];
  const bucketSuffix = prefix ? `-${prefix.replace(/[^a-z0-9-]/g, '-').replace(/-+$/, '')}` : '';
  return {
    topics,
    names,
    delivery: {
      // Trimmed to the services' limits with no trailing '-' or '.', which S3 refuses.
      bucket: `${options.bucketBase ?? DEFAULT_BUCKET_BASE}${bucketSuffix}`.slice(0, 63).replace(/[-.]+$/, ''),
      streamName: `${options.streamBase ?? DEFAULT_STREAM_BASE}${bucketSuffix}`.slice(0, 64),
      prefix: 'raw-data/',
      bufferingSizeMiB: 5,
      bufferingIntervalS: 300,
      compression: 'GZIP',
    },
    warnings,
  };
}

export type TopicCheck =
  | { kind: 'create' }
  | { kind: 'ok' }
  | { kind: 'mismatch'; problems: string[] };

/** Compares an existing topic with its spec. Partition count or replication differing is an error. */
export function checkExistingTopic(spec: TopicSpec, existing: { partitions: number; replicationFactor: number; configs: Record<string, string> } | null): TopicCheck {
  if (!existing) return { kind: 'create' };
  const problems: string[] = [];
  if (existing.partitions !== spec.partitions) problems.push(`has ${existing.partitions} partitions, expected ${spec.partitions}`);
  if (existing.replicationFactor !== spec.replicationFactor) problems.push(`has replication factor ${existing.replicationFactor}, expected ${spec.replicationFactor}`);
  for (const [key, value] of Object.entries(spec.configs)) {
    if (existing.configs[key] !== undefined && existing.configs[key] !== value) problems.push(`has ${key}=${existing.configs[key]}, expected ${value}`);
  }
  return problems.length ? { kind: 'mismatch', problems } : { kind: 'ok' };
}
