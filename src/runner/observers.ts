import { tailTopic, type TopicTail } from '../kafka/topic-tail.js';
import { LatencySeries } from '../metrics/latency-series.js';
import type { CatalogMetrics } from '../metrics/registry.js';
import type { KafkaEndpoints } from '../base/endpoints.js';

/**
 * Live latency observers for the stages only a reader can see (docs/results.md, measurement model):
 *  - L2 ingest: an event is visible in raw-events (read_committed) − its intendedAt
 *  - L3 window: a result is visible in processed-events − the moment its window could close
 *    (window end + out-of-orderness), beside freshness: visible − newest event intendedAt
 * Each value is taken from the record itself (intendedAt, closeAtMs, maxIntendedAtMs), so the
 * observer needs no shared state with the producer or the processor.
 */
export interface ObservedLatencies {
  l2: LatencySeries;
  l3: LatencySeries;
  freshness: LatencySeries;
  rawRecords: number;
  results: number;
  /** Window results seen per key (revisions included): for live duplicate warnings. */
  maxResultsPerKey: number;
}

export interface Observers {
  readonly latencies: ObservedLatencies;
  rawPositions(): Map<number, bigint>;
  /** One line per observer that gave up: its latency figures end where it stopped. */
  failures(): string[];
  stop(): Promise<void>;
}

const INTENDED_AT = /"intendedAt":(\d+)/;

/** Pulls a numeric field out of a JSON text without parsing the whole record (hot path). */
function numberField(text: string, pattern: RegExp): number | null {
  const match = pattern.exec(text);
  return match ? Number(match[1]) : null;
}

export async function startObservers(input: {
  kafka: KafkaEndpoints;
  rawTopic: string;
  processedTopic: string;
  /** Records intended before this are warm-up: verified, but not in latency figures. */
  measureFromEpochMs: number;
  metrics?: Pick<CatalogMetrics, 'ingestEventsVisible' | 'ingestVisibleLatency' | 'processorWindowResultLatency' | 'processorResultFreshness'>;
}): Promise<Observers> {
  const latencies: ObservedLatencies = {
    l2: new LatencySeries(),
    l3: new LatencySeries(),
    freshness: new LatencySeries(),
    rawRecords: 0,
    results: 0,
    maxResultsPerKey: 0,
  };
  const perKey = new Map<string, number>();
  const raw: TopicTail = await tailTopic(input.kafka, input.rawTopic, (record) => {
    latencies.rawRecords += 1;
    input.metrics?.ingestEventsVisible.inc();
    const intendedAt = record.value ? numberField(record.value, INTENDED_AT) : null;
    if (intendedAt === null || intendedAt < input.measureFromEpochMs) return;
    const ms = Math.max(0, record.receivedAtEpochMs - intendedAt);
    latencies.l2.record(record.receivedAtEpochMs, ms);
    input.metrics?.ingestVisibleLatency.observeMs(ms);
  }, { clientId: 'streamproof-observer-raw' });
  const processed: TopicTail = await tailTopic(input.kafka, input.processedTopic, (record) => {
    if (!record.value || !record.key) return;
    latencies.results += 1;
    const seen = (perKey.get(record.key) ?? 0) + 1;
    perKey.set(record.key, seen);
    latencies.maxResultsPerKey = Math.max(latencies.maxResultsPerKey, seen);
    let result: { closeAtMs?: number; maxIntendedAtMs?: number; windowStartMs?: number };
    try {
      result = JSON.parse(record.value) as typeof result;
    } catch {
      return;
    }
    if (typeof result.windowStartMs !== 'number' || result.windowStartMs < input.measureFromEpochMs) return;
    if (typeof result.closeAtMs === 'number') {
      const ms = Math.max(0, record.receivedAtEpochMs - result.closeAtMs);
      latencies.l3.record(record.receivedAtEpochMs, ms);
      input.metrics?.processorWindowResultLatency.observeMs(ms);
    }
    if (typeof result.maxIntendedAtMs === 'number') {
      const ms = Math.max(0, record.receivedAtEpochMs - result.maxIntendedAtMs);
      latencies.freshness.record(record.receivedAtEpochMs, ms);
      input.metrics?.processorResultFreshness.observeMs(ms);
    }
  }, { clientId: 'streamproof-observer-processed' });
  return {
    latencies,
    rawPositions: () => raw.positions(),
    failures: () =>
      (
        [
          [raw, 'L2 (raw-events)'],
          [processed, 'L3 (processed-events)'],
        ] as const
      ).flatMap(([tail, what]) => (tail.failure ? [`the live observer of ${what} stopped: ${tail.failure.message}`] : [])),
    async stop() {
      await Promise.all([raw.stop(), processed.stop()]);
    },
  };
}
