import type { Clock } from '../../base/clock.js';
import type { MetricsRegistry } from '../../metrics/registry.js';
import type { HttpIngestSummary } from '../../pipeline/ingest/http-ingest.js';
import { runHttpIngest } from '../../pipeline/ingest/http-ingest.js';
import type { IngestLedger } from '../../pipeline/ingest/ingest-ledger.js';
import { runKafkaIngest, type KafkaIngestSummary } from '../../pipeline/ingest/kafka-ingest.js';
import type { StackEndpoints } from '../../base/endpoints.js';
import type { Topology } from '../../contract/topology.js';
import { constantSchedule } from '../../workload/schedule-config.js';
import { phaseAt, rateAt, totalDurationMs, type Schedule } from '../../workload/schedule.js';
import type { Scenario } from '../schema.js';

/**
 * The load of a run: a warm-up (constant, at the schedule's opening rate, its own generator id:
 * its events are verified like all others but kept out of every figure) followed by the
 * scenario's schedule, both through the scenario's ingest mode (producer or HTTP collector).
 */
export type IngestSummary = KafkaIngestSummary | HttpIngestSummary;

export interface LoadOutcome {
  done: Promise<void>;
  totalDurationMs: number;
  phaseNow(): string;
  targetRateNow(): number;
  warmUp(): IngestSummary | null;
  main(): IngestSummary | null;
  ledgers(): IngestLedger[];
  schedule: Schedule;
  startEpochMs: number;
}

function openingRate(schedule: Schedule): number {
  for (let t = 0; t < totalDurationMs(schedule); t += 100) {
    const rate = rateAt(schedule, t);
    if (rate > 0) return rate;
  }
  return 1;
}

export function runLoad(input: {
  endpoints: StackEndpoints;
  topology: Topology;
  scenario: Scenario;
  runId: string;
  clock: Clock;
  registry: MetricsRegistry;
  signal: AbortSignal;
  /** Epoch ms at which the measured schedule starts (after the warm-up). */
  startEpochMs: number;
  log: (line: string) => void;
}): LoadOutcome {
  const { scenario, clock, registry, signal, topology, endpoints } = input;
  const schedule = scenario.load as Schedule;
  const warmUpMs = scenario.run.warmUpMs;
  const warmUpStart = input.startEpochMs - warmUpMs;
  const tuning = { lingerMs: scenario.producer.lingerMs, compression: scenario.producer.compression, batchMaxRecords: scenario.producer.batchMaxRecords, maxInFlightBatches: scenario.producer.maxInFlight, retries: scenario.producer.retries };
  let warm: IngestSummary | null = null;
  let main: IngestSummary | null = null;

  const ingest = (generatorId: string, s: Schedule, startEpochMs: number): Promise<IngestSummary> => {
    const generatorConfig = { ...scenario.workload, generatorId };
    if (scenario.ingest.mode === 'http') {
      return runHttpIngest({
        endpoints, topic: topology.names.raw, schedule: s, generatorConfig, clock, signal, startEpochMs,
        metrics: registry.metrics, producerTuning: tuning,
        batchSize: scenario.ingest.http.batchSize, connections: scenario.ingest.http.connections,
      });
    }
    return runKafkaIngest({
      endpoints, topic: topology.names.raw, schedule: s, generatorConfig, clock, signal, startEpochMs,
      metrics: registry.metrics, producerTuning: tuning,
      onLagWarning: (w) => input.log(`warning: the load generator is behind its schedule (${JSON.stringify(w)}): figures show it as schedule lag`),
    });
  };

  const done = (async () => {
    if (warmUpMs > 0) {
      registry.runInfo.setPhase('warm-up');
      warm = await ingest(`${input.runId}-warmup`, constantSchedule(openingRate(schedule), warmUpMs, 'warm-up'), warmUpStart);
      if (signal.aborted) return;
    }
    let lastPhase = '';
    const phaseTimer = setInterval(() => {
      const phase = phaseAt(schedule, Date.now() - input.startEpochMs)?.name ?? 'drain';
      registry.metrics.runTargetRate.set(rateAt(schedule, Math.max(0, Date.now() - input.startEpochMs)));
      if (phase !== lastPhase) {
        registry.runInfo.setPhase(phase);
        lastPhase = phase;
      }
    }, 250);
    try {
      main = await ingest(`${input.runId}-main`, schedule, input.startEpochMs);
    } finally {
      clearInterval(phaseTimer);
      registry.runInfo.setPhase('drain');
    }
  })();

  return {
    done,
    schedule,
    startEpochMs: input.startEpochMs,
    totalDurationMs: totalDurationMs(schedule) + warmUpMs,
    phaseNow: () => {
      const t = Date.now() - input.startEpochMs;
      if (t < 0) return 'warm-up';
      return phaseAt(schedule, t)?.name ?? 'drain';
    },
    targetRateNow: () => {
      const t = Date.now() - input.startEpochMs;
      return t < 0 ? openingRate(schedule) : rateAt(schedule, t);
    },
    warmUp: () => warm,
    main: () => main,
    ledgers: () => [warm, main].filter((s): s is IngestSummary => s !== null).map((s) => s.ledger),
  };
}
