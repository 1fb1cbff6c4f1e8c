import { BATCH_SIZE_BUCKETS_RECORDS, LATENCY_BUCKETS_SECONDS, LONG_LATENCY_BUCKETS_SECONDS } from './buckets.js';

/**
 * The single list of every metric streamproof exports. The registry creates metrics only from
 * here and the dashboards build queries only from here, so a panel cannot query a metric that
 * does not exist (test/unit/dashboards checks it).
 *
 * Naming: `streamproof_<stage>_<what>_<unit>` (see naming.ts): counters end in `_total`,
 * durations are in seconds (Prometheus base unit; callers record ms via observeMs()).
 * Every series also carries the registry's default labels `run_id`, `scenario`,
 * `instance_role`; the labels listed here are the extra ones.
 */
export interface CounterDef<L extends string = string> {
  readonly type: 'counter';
  readonly name: string;
  readonly help: string;
  readonly labels: readonly L[];
}

export interface GaugeDef<L extends string = string> {
  readonly type: 'gauge';
  readonly name: string;
  readonly help: string;
  readonly labels: readonly L[];
  /** Label sets set to 0 when the gauge is first used, so dashboards show 0 instead of "no data". */
  readonly preset?: readonly Readonly<Record<L, string>>[];
}

export type HistogramUnit = 'seconds' | 'records';

export interface HistogramDef<L extends string = string, U extends HistogramUnit = HistogramUnit> {
  readonly type: 'histogram';
  readonly name: string;
  readonly help: string;
  readonly labels: readonly L[];
  readonly unit: U;
  readonly buckets: readonly number[];
}

export type MetricDef = CounterDef | GaugeDef | HistogramDef;

const counter = <const L extends string = never>(name: string, help: string, labels: readonly L[] = []): CounterDef<L> => ({
  type: 'counter',
  name,
  help,
  labels,
});

const gauge = <const L extends string = never>(
  name: string,
  help: string,
  labels: readonly L[] = [],
  preset?: readonly Record<L, string>[],
): GaugeDef<L> => (preset ? { type: 'gauge', name, help, labels, preset } : { type: 'gauge', name, help, labels });

const duration = <const L extends string = never>(
  name: string,
  help: string,
  buckets: readonly number[] = LATENCY_BUCKETS_SECONDS,
  labels: readonly L[] = [],
): HistogramDef<L, 'seconds'> => ({ type: 'histogram', name, help, labels, unit: 'seconds', buckets });

/** Invariants the verifier proves (docs/verification.md); preset so "0 violations" is visible, not absent. */
export const INVARIANTS = ['I1', 'I2', 'I3'] as const;

export const METRICS = {
  // Producer (open loop: every latency is measured from the event's intended time).
  producerEventsScheduled: counter('streamproof_producer_events_scheduled_total', 'Events whose intended send time has come (demand of the open-loop schedule).'),
  producerEventsSent: counter('streamproof_producer_events_sent_total', 'Events handed to the Kafka client.'),
  producerEventsAcked: counter('streamproof_producer_events_acked_total', 'Events acknowledged by the brokers (acks=all).'),
  producerEventsFailed: counter('streamproof_producer_events_failed_total', 'Events whose send failed after retries (unacknowledged; reported apart from lost or delivered).'),
  producerEventsMalformed: counter('streamproof_producer_events_malformed_total', 'Deliberately malformed events sent (the processor must route them to the DLQ).'),
  producerScheduleLag: duration('streamproof_producer_schedule_lag_seconds', 'Send delay: actual send minus intended time (how far the sender fell behind its schedule).'),
  producerAckLatency: duration('streamproof_producer_ack_latency_seconds', 'L1 produce latency: broker ack minus intended time.'),

  // Ingest: events seen in raw-events by a read_committed consumer.
  ingestEventsVisible: counter('streamproof_ingest_events_visible_total', 'Events observed in raw-events (read_committed).'),
  ingestVisibleLatency: duration('streamproof_ingest_visible_latency_seconds', 'L2 ingest latency: visible in raw-events (read_committed) minus intended time.'),

  // HTTP collector.
  httpRequests: counter('streamproof_http_requests_total', 'HTTP collector requests by response status code.', ['status']),
  httpEventsAccepted: counter('streamproof_http_events_accepted_total', 'Events accepted by the HTTP collector (2xx responses).'),
  httpIngestLatency: duration('streamproof_http_ingest_latency_seconds', 'HTTP ingest latency: 2xx response minus intended time.'),

  // Processor (windowed, exactly-once).
  processorEventsIn: counter('streamproof_processor_events_in_total', 'Events read from raw-events by the processor.'),
  processorOpenWindows: gauge('streamproof_processor_open_windows', 'Windows currently open (keys x window starts held in state).'),
  processorWindowsEmitted: counter('streamproof_processor_windows_emitted_total', 'Window results written to processed-events (committed or not).'),
  processorLateEvents: counter('streamproof_processor_late_events_total', 'Events past the allowed out-of-orderness, sent to late-events.'),
  processorDlqEvents: counter('streamproof_processor_dlq_events_total', 'Malformed events sent to the DLQ.'),
  processorTransactionsCommitted: counter('streamproof_processor_transactions_committed_total', 'Kafka transactions committed by the processor.'),
  processorTransactionsAborted: counter('streamproof_processor_transactions_aborted_total', 'Kafka transactions aborted by the processor.'),
  processorTransactionDuration: duration('streamproof_processor_transaction_duration_seconds', 'Transaction duration: begin to commit or abort.'),
  processorWatermarkLag: gauge('streamproof_processor_watermark_lag_seconds', 'Wall clock minus the event-time watermark.'),
  processorConsumerLag: gauge('streamproof_processor_consumer_lag_messages', 'Messages behind the end of raw-events, per assigned partition.', ['partition']),
  processorWindowResultLatency: duration('streamproof_processor_window_result_latency_seconds', 'L3 window result latency: result visible in processed-events minus the moment the window could close (end + allowed out-of-orderness).'),
  processorResultFreshness: duration('streamproof_processor_result_freshness_seconds', 'Freshness: result visible in processed-events minus the newest counted event intended time.', LONG_LATENCY_BUCKETS_SECONDS),

  // Delivery (processed-events -> Firehose -> S3).
  deliveryRecordsPut: counter('streamproof_delivery_records_put_total', 'Records accepted by Firehose.'),
  deliveryRecordsFailed: counter('streamproof_delivery_records_failed_total', 'Records Firehose rejected after retries.'),
  deliveryRecordsRetried: counter('streamproof_delivery_records_retried_total', 'Record retries (partial batch failures and throttling).'),
  deliveryPutBatchSize: {
    type: 'histogram',
    name: 'streamproof_delivery_put_batch_size_records',
    help: 'Records per PutRecordBatch call.',
    labels: [],
    unit: 'records',
    buckets: BATCH_SIZE_BUCKETS_RECORDS,
  } as HistogramDef<never, 'records'>,
  deliveryPutLatency: duration('streamproof_delivery_put_latency_seconds', 'Firehose PutRecordBatch call duration.'),
  deliveryS3ObjectsSeen: counter('streamproof_delivery_s3_objects_seen_total', 'S3 objects observed under the delivery prefix.'),
  deliveryS3VisibleLatency: duration('streamproof_delivery_s3_visible_latency_seconds', 'L4 delivery latency: object visible in S3 minus result visible in processed-events.', LONG_LATENCY_BUCKETS_SECONDS),

  // Verifier.
  verifierViolations: gauge('streamproof_verifier_violation_events', 'Events violating an exactly-once invariant so far (I1 ingest, I2 processing, I3 delivery).', ['invariant'], INVARIANTS.map((invariant) => ({ invariant }))),

  // Run: phases and faults drive dashboard annotations; the achieved rate is PromQL over counters.
  runPhaseInfo: gauge('streamproof_run_phase_info', 'Run phase: 1 while the phase is active, 0 after.', ['phase']),
  runFaultInfo: gauge('streamproof_run_fault_info', 'Injected fault: 1 while active, 0 after.', ['fault', 'target']),
  runTargetRate: gauge('streamproof_run_target_rate_events_per_second', 'Target event rate of the load schedule right now.'),
} as const;

export type MetricKey = keyof typeof METRICS;

/** Prefix of prom-client's default Node process metrics in every registry that turns them on (registry.ts). */
export const PROCESS_METRICS_PREFIX = 'streamproof_';

/**
 * prom-client's default process metrics (collectDefaultMetrics, with the prefix above): not
 * registered through the catalog's handles, but named here so the dashboards can chart them
 * and their lint can check every query names a series some process exports.
 */
export const PROCESS_METRICS = {
  cpuSeconds: counter(`${PROCESS_METRICS_PREFIX}process_cpu_seconds_total`, 'CPU time (user + system) of the process, seconds.'),
  residentMemory: gauge(`${PROCESS_METRICS_PREFIX}process_resident_memory_bytes`, 'Resident memory of the process, bytes.'),
  heapUsed: gauge(`${PROCESS_METRICS_PREFIX}nodejs_heap_size_used_bytes`, 'V8 heap in use, bytes.'),
  eventLoopLagP99: gauge(`${PROCESS_METRICS_PREFIX}nodejs_eventloop_lag_p99_seconds`, 'p99 event-loop delay of the process, seconds.'),
} as const;

/**
 * Broker metrics, exported by each Kafka broker's JMX exporter agent and scraped by Prometheus
 * as job `kafka` with a `broker` label (kafka-1..3). The names are the rules file's
 * (stack/kafka/jmx-exporter/kafka-broker.rules; a unit test keeps the two in step). They carry
 * no run_id or scenario: a broker outlives runs, so the dashboard's time range picks the run.
 */
export const BROKER_METRICS_JOB = 'kafka';
export const BROKER_METRICS = {
  requestTimeP99Ms: gauge('kafka_network_requestmetrics_totaltimems_p99', 'p99 of the total time of a request type (Produce, FetchConsumer, FetchFollower) in the broker, ms.', ['request']),
  isrShrinks: counter('kafka_server_replicamanager_isrshrinks_total', 'Times a partition led by this broker dropped a follower from its ISR.'),
  isrExpands: counter('kafka_server_replicamanager_isrexpands_total', 'Times a follower rejoined the ISR of a partition led by this broker.'),
  underReplicatedPartitions: gauge('kafka_server_replicamanager_underreplicatedpartitions', 'Partitions led by this broker with fewer in-sync replicas than replicas.'),
  bytesIn: counter('kafka_server_brokertopicmetrics_bytesin_total', 'Bytes produced to this broker by clients, all topics.'),
  bytesOut: counter('kafka_server_brokertopicmetrics_bytesout_total', 'Bytes fetched from this broker by clients, all topics.'),
} as const;

export const METRIC_KEYS = Object.keys(METRICS) as MetricKey[];

/** The labels every series carries (set as registry default labels). */
export const DEFAULT_LABELS = ['run_id', 'scenario', 'instance_role'] as const;
export type DefaultLabel = (typeof DEFAULT_LABELS)[number];
