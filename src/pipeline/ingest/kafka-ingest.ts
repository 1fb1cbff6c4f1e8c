import { ERROR_CODES, StreamproofError, isStreamproofError } from '../../base/errors.js';
import { DEFAULT_PRODUCER_TUNING, type ProducerTuning } from '../../kafka/producer.js';
import type { StackEndpoints } from '../../base/endpoints.js';
import { runIngest, type IngestRunOptions, type IngestRunSummary } from './ingest-run.js';
import type { EventPort } from '../../workload/sender.js';
import { startLoadSource } from './load-source.js';
import { createProducerPool } from './producer-pool.js';
import { createThreadedProducerPool } from './threaded-producer-pool.js';
import { producerEventPort } from './producer-ports.js';

/**
 * Producer ingest: the open-loop sender drives the batching idempotent producer (acks=all,
 * retries 3) into raw-events, key = userId, value = the event JSON (malformed records included:
 * the processor routes them to the DLQ). Returns the run summary with the producer tuning used.
 * The records are built by load worker threads (options.loadWorkers, default 1), started while the
 * producer connects, unless the caller hands over a source it started earlier.
 */
export interface KafkaIngestOptions extends Omit<IngestRunOptions, 'port' | 'maxInFlightEvents'> {
  endpoints: Pick<StackEndpoints, 'kafka'>;
  /** The raw-events topic (from the topology: prefixed in tests). */
  topic: string;
  producerTuning?: Partial<ProducerTuning>;
  /** Idempotent producers, records sharded by key (producer-pool.ts); default 1. */
  producers?: number;
  /** Default: events the producers can hold in batches plus one batch being filled each, at least 10,000. */
  maxInFlightEvents?: number;
  clientId?: string;
  /**
   * Run the producers on a thread of their own (threaded-producer-pool.ts); default false: on the
   * sending thread. Scenario setting ingest.producerThread; docs/workload.md says what it costs.
   */
  producerThread?: boolean;
}

export interface KafkaIngestSummary extends IngestRunSummary {
  transport: 'kafka';
  topic: string;
  producerTuning: ProducerTuning;
  producers: number;
  maxInFlightEvents: number;
  /** Key + value bytes (UTF-8) of the records the brokers acknowledged: the figure behind MB/s. */
  ackedBytes: number;
}

/** Enough for every in-flight batch plus the next one filling up, so the window never caps a healthy producer. */
export function defaultMaxInFlightEvents(tuning: ProducerTuning, producers = 1): number {
  return Math.max(10_000, producers * tuning.batchMaxRecords * (tuning.maxInFlightBatches + 2));
}

export async function runKafkaIngest(options: KafkaIngestOptions): Promise<KafkaIngestSummary> {
  const { endpoints, topic, producerTuning, clientId, producers = 1, maxInFlightEvents: requestedWindow, producerThread = false, ...run } = options;
  const tuning: ProducerTuning = { ...DEFAULT_PRODUCER_TUNING, ...producerTuning };
  const maxInFlightEvents = requestedWindow ?? defaultMaxInFlightEvents(tuning, producers);
  const poolOptions = { producers, clientId: clientId ?? 'streamproof-ingest', tuning };
  const pool = producerThread ? createThreadedProducerPool(endpoints.kafka, poolOptions) : createProducerPool(endpoints.kafka, poolOptions);
  const source = run.source ?? startLoadSource({ schedule: run.schedule, generatorConfig: run.generatorConfig, loadWorkers: run.loadWorkers ?? 1 });
  try {
    await pool.connect().catch((error: unknown) => {
      if (isStreamproofError(error)) throw error;
      throw new StreamproofError(ERROR_CODES.SERVICE_UNREACHABLE, `the idempotent producer could not start against ${endpoints.kafka.bootstrapServers.join(',')}`, {
        hint: 'is the stack up? `npm run stack -- status`',
        cause: error,
      });
    });
    const port = producerEventPort(pool.producer, topic);
    let ackedBytes = 0;
    const bytesOf = (r: { key: string; value: string }): number => Buffer.byteLength(r.key) + Buffer.byteLength(r.value);
    // Both entries of the port: without sendMany the sender would fall back to a promise per record.
    const counting: EventPort = {
      send: async (key, value) => {
        await port.send(key, value);
        ackedBytes += bytesOf({ key, value });
      },
      sendMany: async (records) => {
        const outcome = await (port.sendMany as NonNullable<EventPort['sendMany']>)(records);
        const failed = new Set(outcome.failed.map((f) => f.index));
        for (let i = 0; i < records.length; i += 1) if (!failed.has(i)) ackedBytes += bytesOf(records[i] as { key: string; value: string });
        return outcome;
      },
    };
    const summary = await runIngest({ ...run, source, port: counting, maxInFlightEvents });
    return { ...summary, transport: 'kafka', topic, producerTuning: tuning, producers, maxInFlightEvents, ackedBytes };
  } finally {
    await Promise.allSettled([pool.close(), source.close()]);
  }
}
