import { modelFirehoseBuffering, type BufferingModel } from '../pipeline/delivery/buffering-model.js';
import type { DeliveryStats } from '../pipeline/delivery/stats.js';
import type { IngestLedger } from '../pipeline/ingest/ingest-ledger.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { Verdict } from '../report/result-schema.js';
import type { StackEndpoints } from '../base/endpoints.js';
import type { Topology } from '../contract/topology.js';
import { verifyRun } from '../verify/verifier.js';
import type { IngestEvidence } from '../verify/invariants.js';
import type { Scenario } from '../scenario/schema.js';
import type { DeliveryObservation } from './delivery-observation.js';

/**
 * After the drain: the verifier's proof over what the topics and S3 hold, plus the delivery
 * figures — what the emulator did, and beside it what production Firehose (5 MiB / 300 s,
 * GZIP) would have done with the same record stream (src/pipeline/delivery/buffering-model.ts).
 */
export interface PipelineVerification {
  verdict: Verdict;
  counters: Record<string, number>;
  delivery: { observed: Record<string, unknown> | null; modelled: Record<string, unknown> | null };
}

/** The warm-up and main generators have distinct ids, so their ledgers simply unite. */
export function mergeEvidence(ledgers: readonly IngestLedger[]): IngestEvidence {
  const [first, ...rest] = ledgers;
  if (!first) throw new Error('no ingest ledger: the load never started');
  return rest.reduce<IngestEvidence>(
    (acc, l) => ({
      acked: acc.acked.union(l.acked),
      failed: acc.failed!.union(l.failed),
      refused: acc.refused!.union(l.refused),
      sent: acc.sent!.union(l.sent),
      malformed: acc.malformed!.union(l.malformed),
    }),
    { acked: first.acked, failed: first.failed, refused: first.refused, sent: first.sent, malformed: first.malformed },
  );
}

/** Gzip ratio assumed for the model: JSON window results compress about 4-6×; 0.2 is conservative. */
const ASSUMED_GZIP_RATIO = 0.2;

export async function verifyPipeline(input: {
  endpoints: StackEndpoints;
  topology: Topology;
  scenario: Scenario;
  ledgers: readonly IngestLedger[];
  deliveryStats: DeliveryStats | null;
  deliveryObservation: DeliveryObservation | null;
  registry: MetricsRegistry;
  log: (line: string) => void;
  /** When the run started: no processor was assigned a partition before it. */
  runStartedAtMs: number;
  /** Processor instances that died during the run (drain.ts): the verdict says what they cost. */
  processorDeaths?: readonly string[];
}): Promise<PipelineVerification> {
  const report = await verifyRun({
    endpoints: input.endpoints,
    topology: input.topology,
    ledger: mergeEvidence(input.ledgers),
    windowMs: input.scenario.processor.windowMs,
    // What the run's processor was told (drivers pass these, and no event-time limit, to every kind).
    settings: {
      outOfOrdernessMs: input.scenario.processor.outOfOrdernessMs,
      allowedLatenessMs: input.scenario.processor.allowedLatenessMs,
      idleTimeoutMs: input.scenario.processor.idleTimeoutMs,
      maxEventTimeAheadMs: null,
      // The run started before any processor it started was assigned a partition; an external
      // job may have been running before it, so for that kind the assignment time is unknown.
      ...(input.scenario.processor.kind === 'external' ? {} : { assignedNotBeforeMs: input.runStartedAtMs }),
    },
    delivery: input.scenario.delivery.enabled,
    log: input.log,
  });
  for (const invariant of report.resultVerdict.invariants) {
    input.registry.metrics.verifierViolations.set({ invariant: invariant.id }, invariant.violations);
  }
  const counters: Record<string, number> = {};
  for (const [name, value] of Object.entries(report.counters)) if (typeof value === 'number') counters[name] = value;
  if (report.pendingTransactions.length > 0) counters.pendingTransactionPartitions = report.pendingTransactions.length;
  const deaths = input.processorDeaths ?? [];
  if (deaths.length > 0) {
    counters.processorDeaths = deaths.length;
    // The verdict ran on what was committed; say what the deaths cost in its own terms.
    const i2 = report.resultVerdict.invariants.find((inv) => inv.id === 'I2');
    const cost = i2 ? `${i2.counts.missing ?? 0} event(s) in no result, ${i2.counts.windowsMissing ?? 0} window(s) without result, ${i2.violations} I2 violation(s) in all` : 'I2 not evaluated';
    for (const line of deaths) i2?.examples.push(`processor death (verified on what was committed): ${line}; cost: ${cost}`);
  }

  let observed: Record<string, unknown> | null = null;
  let modelled: BufferingModel | null = null;
  if (input.scenario.delivery.enabled && input.deliveryStats) {
    observed = {
      behaviour: input.endpoints.aws.firehoseBehaviour,
      note:
        input.endpoints.aws.firehoseBehaviour === 'emulator-immediate'
          ? 'the emulator writes one uncompressed S3 object per PutRecordBatch call, immediately, ignoring the buffering hints'
          : 'real Firehose: buffered by the hints, GZIP',
      // Keys shared with the model line up in the report's observed-vs-modelled table.
      objects: input.deliveryObservation?.objectsSeen ?? null,
      records: input.deliveryStats.recordsPut,
      compression: input.endpoints.aws.firehoseBehaviour === 'emulator-immediate' ? 'none (emulator ignores GZIP)' : 'GZIP',
      putCalls: input.deliveryStats.calls ?? null,
      recordsRetried: input.deliveryStats.recordsRetried,
      duplicateRiskRecords: input.deliveryStats.duplicateRiskRecords,
    };
    const samples = input.deliveryObservation?.accepted ?? [];
    if (samples.length > 0) {
      const { flushes: _flushes, ...model } = modelFirehoseBuffering(samples, { gzipRatio: ASSUMED_GZIP_RATIO });
      modelled = { ...model, compression: 'GZIP' } as unknown as BufferingModel;
    }
  }
  return {
    verdict: report.resultVerdict,
    counters,
    delivery: { observed, modelled: modelled as unknown as Record<string, unknown> | null },
  };
}
