import type { Clock } from '../../base/clock.js';
import { setTimeout as delay } from 'node:timers/promises';
import { buildAwsClients, isEmulator, type AwsClientOptions, type AwsClients } from '../../aws/clients.js';
import { createFirehosePut } from '../../aws/firehose-put.js';
import { provisionDelivery, type DeliveryTarget } from '../../aws/provision.js';
import { S3DeliveryReader } from '../../aws/s3-reader.js';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { BatchingProducer } from '../../kafka/producer.js';
import { KafkaResultSource, type KafkaSourceRecord } from '../../kafka/result-source.js';
import type { StackEndpoints } from '../../base/endpoints.js';
import type { Topology } from '../../contract/topology.js';
import { L4Join, type L4Sample, type L4Summary } from './l4.js';
import type { DlqPort, Sleep } from '../../base/delivery-ports.js';
import type { RetryPolicy } from './retry.js';
import { DeliverySink } from './sink.js';
import type { DeliveryRecorder, DeliveryStats } from './stats.js';

/**
 * The delivery stage, composed: KafkaResultSource on processed-events (read_committed, group of
 * its own) → DeliverySink → Firehose PutRecordBatch, with the DLQ on the topology's dlq topic and,
 * optionally, an S3 watcher that turns first sightings of objects into L4 samples.
 *
 * Emulators (moto, LocalStack) lose their streams when they restart: there, a missing stream is
 * re-provisioned and the same records retried. Against real AWS a missing stream stops the sink.
 */

export const DELIVERY_GROUP_ID = 'streamproof-delivery';

export interface StartDeliverySinkOptions {
  endpoints: StackEndpoints;
  topology: Topology;
  /** Consumer group of the sink. Default DELIVERY_GROUP_ID. */
  groupId?: string;
  recorder?: DeliveryRecorder<KafkaSourceRecord>;
  /** Stops the sink like stop() (whose promise then carries the stats or the failure). */
  signal?: AbortSignal;
  /** Create bucket and stream first (idempotent). Default true. */
  provision?: boolean;
  retry?: Partial<RetryPolicy>;
  pollMaxRecords?: number;
  pollTimeoutMs?: number;
  aws?: Pick<AwsClientOptions, 'connectionTimeoutMs' | 'requestTimeoutMs'>;
  clock?: Clock;
  /** Uniform [0, 1) for backoff jitter. Default Math.random. */
  random?: () => number;
  /** Watch the bucket for new objects and join them with accepted results (L4). Off by default. */
  watchS3?: S3WatchOptions;
}

export interface S3WatchOptions {
  intervalMs: number;
  onObject?(object: { key: string; sizeBytes: number; recordCount: number; firstSeenAtMs: number }): void;
  onSample?(sample: L4Sample): void;
}

export interface S3WatchSummary extends L4Summary {
  /** Watcher rounds that failed (listing or reading); each is retried next round. */
  watchErrors: number;
  lastWatchError: string | null;
}

export interface RunningDeliverySink {
  readonly target: DeliveryTarget;
  readonly groupId: string;
  stats(): DeliveryStats;
  /** Settles (never rejects) when the sink loop ends: stopped, aborted, or failed (see failure()). */
  readonly ended: Promise<void>;
  /** The error that stopped the sink, or null while it runs (or stopped cleanly). */
  failure(): unknown;
  /** Every committed result in processed-events, as of now, has been accepted by Firehose and committed. */
  caughtUp(): Promise<boolean>;
  /**
   * Waits until everything written to processed-events before the call is resolved and delivered:
   * committed results accepted by Firehose, aborted ones skipped, and the group committed past them.
   * Written, not just visible: a producer's EndTxn returns before its markers land, so results of a
   * transaction that just committed may not be visible yet. An open transaction holds the drain until
   * it commits or times out. Throws if the sink fails or time runs out.
   */
  drain(options?: { timeoutMs?: number; intervalMs?: number }): Promise<DeliveryStats>;
  /** One pass of the S3 watcher now (e.g. after drain, before stop); null without watchS3. */
  scanS3(): Promise<S3WatchSummary | null>;
  l4(): S3WatchSummary | null;
  /** Stops polling (an unfinished batch stays uncommitted), releases clients; rejects with the sink's failure if it had one. */
  stop(): Promise<DeliveryStats>;
}

const abortableSleep: Sleep = (ms, signal) => delay(ms, undefined, signal ? { signal } : undefined).catch(() => undefined);
const systemClock: Clock = { epochMs: () => Date.now(), monoMs: () => performance.now() };

export async function startDeliverySink(options: StartDeliverySinkOptions): Promise<RunningDeliverySink> {
  const { endpoints, topology } = options;
  const aws = endpoints.aws;
  const groupId = options.groupId ?? DELIVERY_GROUP_ID;
  const target: DeliveryTarget = { bucket: topology.delivery.bucket, streamName: topology.delivery.streamName };
  const clock = options.clock ?? systemClock;
  const clients = buildAwsClients(aws, options.aws ?? {});
  let source: KafkaResultSource | null = null;
  let dlqProducer: BatchingProducer | null = null;
  try {
    // Kafka first: a missing topic or cluster fails before anything is created on AWS.
    source = await KafkaResultSource.open(endpoints.kafka, { topic: topology.names.processed, groupId, nowMs: () => clock.epochMs() });
    if (options.provision !== false) await provisionDelivery(aws, target, { clients });
    dlqProducer = new BatchingProducer(endpoints.kafka, { clientId: `${groupId}-dlq` });
    await dlqProducer.connect();
  } catch (error) {
    await source?.close();
    await dlqProducer?.close().catch(() => undefined);
    clients.destroy();
    throw error;
  }
  return runComposed(options, { clients, source, dlqProducer, groupId, target, clock });
}

interface Parts {
  clients: AwsClients;
  source: KafkaResultSource;
  dlqProducer: BatchingProducer;
  groupId: string;
  target: DeliveryTarget;
  clock: Clock;
}

function runComposed(options: StartDeliverySinkOptions, parts: Parts): RunningDeliverySink {
  const { clients, source, dlqProducer, groupId, target, clock } = parts;
  const aws = options.endpoints.aws;
  const join = options.watchS3 ? new L4Join() : null;
  const recorder = withL4(options.recorder, join, options.watchS3?.onSample);
  const sink = new DeliverySink<KafkaSourceRecord>({
    streamName: target.streamName,
    source,
    firehose: createFirehosePut(clients.firehose, clients.target),
    dlq: dlqPort(dlqProducer, options.topology.names.dlq, source.topic),
    clock,
    sleep: abortableSleep,
    random: options.random ?? Math.random,
    ...(recorder ? { recorder } : {}),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.pollMaxRecords !== undefined ? { pollMaxRecords: options.pollMaxRecords } : {}),
    ...(options.pollTimeoutMs !== undefined ? { pollTimeoutMs: options.pollTimeoutMs } : {}),
    ...(isEmulator(aws) ? { onStreamMissing: () => reprovision(aws, target, clients) } : {}),
  });

  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  if (options.signal?.aborted) controller.abort();
  let failure: unknown = null;
  const running = sink.run(controller.signal).catch((error: unknown) => {
    failure = error;
    return sink.stats();
  });

  const watcher = options.watchS3 && join ? startWatcher(options.watchS3, join, new S3DeliveryReader(clients.s3, { bucket: target.bucket, nowMs: () => clock.epochMs(), target: clients.target }), controller.signal) : null;

  const watchSummary = (): S3WatchSummary | null =>
    join && watcher ? { ...join.summary(), watchErrors: watcher.errors.count, lastWatchError: watcher.errors.last } : null;

  let stopped: Promise<DeliveryStats> | null = null;
  const stop = (): Promise<DeliveryStats> => {
    stopped ??= (async () => {
      controller.abort();
      options.signal?.removeEventListener('abort', onAbort);
      const stats = await running;
      await watcher?.stopped;
      await source.close();
      await dlqProducer.close().catch(() => undefined);
      clients.destroy();
      if (failure) throw failure;
      return stats;
    })();
    return stopped;
  };

  return {
    target,
    groupId,
    ended: running.then(() => undefined),
    stats: () => sink.stats(),
    failure: () => failure,
    caughtUp: async () => source.caughtUp(),
    async drain({ timeoutMs = 120_000, intervalMs = 100 } = {}) {
      const targets = await source.endOffsets(false);
      const deadline = Date.now() + timeoutMs;
      while (!source.reached(targets)) {
        if (failure) throw failure;
        if (controller.signal.aborted) throw new StreamproofError(ERROR_CODES.INTERRUPTED, 'the delivery sink was stopped before it caught up');
        if (Date.now() > deadline) {
          const stats = sink.stats();
          throw new StreamproofError(ERROR_CODES.TIMEOUT, `delivery did not catch up with ${source.topic} within ${timeoutMs / 1000} s (${stats.recordsCommitted} records committed, ${stats.recordsFailed} record-failures)`, {
            hint: 'is Firehose/S3 reachable? check `npm run stack -- status`; a slow real-AWS stream may need a longer drain timeout',
          });
        }
        await delay(intervalMs);
      }
      if (failure) throw failure;
      return sink.stats();
    },
    scanS3: async () => {
      await watcher?.scan();
      return watchSummary();
    },
    l4: () => watchSummary(),
    stop,
  };
}

/** Re-creates bucket and stream after an emulator restart. Unreachable = still restarting: the sink retries. */
async function reprovision(aws: StackEndpoints['aws'], target: DeliveryTarget, clients: AwsClients): Promise<void> {
  try {
    await provisionDelivery(aws, target, { clients });
  } catch (error) {
    if (error instanceof StreamproofError && error.code === ERROR_CODES.SERVICE_UNREACHABLE) return;
    throw error;
  }
}

/** The DLQ record: the result unchanged in `raw`, why it could not be delivered, and where it came from. */
export function deliveryDlqValue(record: KafkaSourceRecord, reason: string, sourceTopic: string): string {
  return JSON.stringify({
    schemaVersion: 1,
    stage: 'delivery',
    reason,
    sourceTopic,
    sourcePartition: record.partition,
    sourceOffset: record.offset.toString(),
    key: record.key,
    raw: new TextDecoder().decode(record.value),
  });
}

function dlqPort(producer: BatchingProducer, dlqTopic: string, sourceTopic: string): DlqPort<KafkaSourceRecord> {
  return {
    send: (record, reason) =>
      producer.send(dlqTopic, record.key ?? `delivery|${record.partition}|${record.offset}`, deliveryDlqValue(record, reason, sourceTopic)),
  };
}

function withL4(
  recorder: DeliveryRecorder<KafkaSourceRecord> | undefined,
  join: L4Join | null,
  onSample: ((sample: L4Sample) => void) | undefined,
): DeliveryRecorder<KafkaSourceRecord> | undefined {
  if (!join) return recorder;
  return {
    ...recorder,
    recordsAccepted(records, acceptedAtMs) {
      // Samples here are results whose S3 copy was listed before the put's answer was processed.
      for (const sample of join.noteAccepted(records)) onSample?.(sample);
      recorder?.recordsAccepted?.(records, acceptedAtMs);
    },
  };
}

/** Lists the bucket every intervalMs and notes each new object; read errors (an emulator restarting) are retried next round. */
function startWatcher(watch: S3WatchOptions, join: L4Join, reader: S3DeliveryReader, signal: AbortSignal) {
  let scanning: Promise<void> = Promise.resolve();
  const errors = { count: 0, last: null as string | null };
  const scanOnce = async (): Promise<void> => {
    try {
      for await (const object of reader.poll()) {
        const samples = join.noteObject(object);
        watch.onObject?.({ key: object.key, sizeBytes: object.sizeBytes, recordCount: object.recordCount, firstSeenAtMs: object.firstSeenAtMs });
        for (const sample of samples) watch.onSample?.(sample);
      }
    } catch (error) {
      // Retried next round (objects not yet read are still new then); counted so a lasting problem shows.
      errors.count += 1;
      errors.last = error instanceof Error ? error.message : String(error);
    }
  };
  const scan = (): Promise<void> => (scanning = scanning.then(scanOnce));
  const loop = (async () => {
    while (!signal.aborted) {
      await scan();
      await abortableSleep(watch.intervalMs, signal);
    }
  })();
  return { scan, errors, stopped: loop.then(() => scanning) };
}
