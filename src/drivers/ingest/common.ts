import type { DriverContext } from '../context.js';
import type { IngestLoad } from '../registry.js';

/** What every ingest kind passes its stage the same way: the run's cluster, topic, clock and load (with its on-time bound). */
export function commonIngestOptions(ctx: DriverContext, load: IngestLoad) {
  return {
    endpoints: ctx.endpoints,
    topic: ctx.topology.names.raw,
    schedule: load.schedule,
    generatorConfig: { ...load.workload, generatorId: load.generatorId },
    clock: ctx.clock,
    signal: load.signal ?? ctx.signal,
    startEpochMs: load.startEpochMs,
    metrics: ctx.registry.metrics,
    producerTuning: load.producerTuning,
    onTimeMs: load.onTimeMs,
  };
}
