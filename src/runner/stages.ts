import { PROCESSOR_DRIVERS } from '../drivers/processor/index.js';
import { driverFor, type ProcessorFleet, type WindowSettings } from '../drivers/registry.js';
import { startDeliverySink, type RunningDeliverySink } from '../pipeline/delivery/run-sink.js';
import type { RunContext } from './context.js';
import { DeliveryObservation } from './delivery-observation.js';
import { LagSampler } from './lag-sampler.js';
import { startObservers, type Observers } from './observers.js';

/**
 * The pipeline's stages around the load: the processors (by kind), the delivery sink with its
 * S3 watcher, the consumer-lag sampler and the live L2/L3 observers. Each registers its cleanup
 * as soon as it runs.
 */
export interface RunningStages {
  fleet: ProcessorFleet;
  sink: RunningDeliverySink | null;
  deliveryObservation: DeliveryObservation | null;
  lag: LagSampler;
}

export function windowSettings(ctx: RunContext): WindowSettings {
  const { windowMs, outOfOrdernessMs, allowedLatenessMs, idleTimeoutMs } = ctx.scenario.processor;
  return { windowMs, outOfOrdernessMs, allowedLatenessMs, idleTimeoutMs };
}

/** `measureFromEpochMs` is read late: the load start is fixed only once everything is up. */
export async function startStages(ctx: RunContext, measureFromEpochMs: () => number): Promise<RunningStages> {
  const { scenario, endpoints, topology } = ctx;
  const processor = driverFor(PROCESSOR_DRIVERS, scenario.processor.kind, 'processor');
  const fleet = await processor.start(ctx, scenario.processor as never);
  ctx.onCleanup('processors', () => fleet.stop());

  let sink: RunningDeliverySink | null = null;
  let deliveryObservation: DeliveryObservation | null = null;
  if (scenario.delivery.enabled) {
    const observation = new DeliveryObservation(ctx.registry, measureFromEpochMs);
    deliveryObservation = observation;
    const running = await startDeliverySink({ endpoints, topology, groupId: `${ctx.shortId}.delivery`, recorder: observation.recorder(), watchS3: observation.watch() });
    sink = running;
    ctx.onCleanup('delivery sink', () => running.stop().catch(() => undefined));
  }

  const lag = new LagSampler(endpoints.kafka, topology.names.raw, scenario.topology.rawEventsPartitions, fleet.groupId);
  lag.start();
  ctx.onCleanup('lag sampler', () => lag.stop());
  return { fleet, sink, deliveryObservation, lag };
}

export async function startRunObservers(ctx: RunContext, measureFromEpochMs: number): Promise<Observers> {
  const observers = await startObservers({
    kafka: ctx.endpoints.kafka,
    rawTopic: ctx.topology.names.raw,
    processedTopic: ctx.topology.names.processed,
    measureFromEpochMs,
    metrics: ctx.registry.metrics,
  });
  ctx.onCleanup('observers', () => observers.stop());
  return observers;
}
