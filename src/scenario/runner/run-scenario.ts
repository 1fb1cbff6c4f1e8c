import { setTimeout as sleep } from 'node:timers/promises';
import { formatError, isStreamproofError } from '../../base/errors.js';
import { systemClock } from '../../base/clock.js';
import { METRICS, type MetricKey } from '../../metrics/catalog.js';
import { createMetricsRegistry, type MetricsRegistry } from '../../metrics/registry.js';
import { startMetricsServer } from '../../metrics/server.js';
import { startDeliverySink, type RunningDeliverySink } from '../../pipeline/delivery/run-sink.js';
import type { RunResult } from '../../report/result-schema.js';
import { writeResultFiles, type WrittenResult } from '../../report/write.js';
import { provisionTopology } from '../../stack/provision.js';
import { buildTopology, type Topology } from '../../contract/topology.js';
import type { Scenario } from '../schema.js';
import { cleanupRunData } from './cleanup.js';
import { sendEndOfInput, waitForDrain, type DrainOutcome } from './drain.js';
import { runLoad, type LoadOutcome } from './load.js';
import { LagSampler } from './lag-sampler.js';
import { startObservers, type Observers } from './observers.js';
import { startProcessorFleet, type ProcessorFleet } from './processors.js';
import { ProgressReporter, RateMeter } from './progress.js';
import { assembleResult } from './result-assembly.js';
import { DeliveryObservation } from './delivery-observation.js';
import { makeRunId } from './run-id.js';
import { registerScrapeTarget } from './scrape-target.js';
import { openStackSession, type StackSession } from './stack-session.js';
import { verifyPipeline, type PipelineVerification } from './verification.js';

/**
 * The runner: one scenario, start to result files. Every resource it starts is registered for
 * cleanup as soon as it exists, so an error or Ctrl-C at any point stops all of them; a run
 * interrupted by the user still writes its partial result, marked incomplete.
 */
export interface RunScenarioOptions {
  scenario: Scenario;
  summaryLine: string;
  keepStack: boolean;
  keepData: boolean;
  resultsDir?: string;
  processorMode: 'child' | 'in-process';
  signal: AbortSignal;
  log: (line: string) => void;
}

export interface RunScenarioOutcome {
  result: RunResult;
  written: WrittenResult;
}

/**
 * Metrics register lazily (a process exports only what it touches). The runner touches all of
 * its own at start, so a counter that stayed 0 (failed sends, HTTP requests in a Kafka run)
 * reads as 0 in Grafana rather than "no data". Processor metrics belong to the processor
 * processes, which export their own.
 */
function exportEveryRunnerMetric(registry: MetricsRegistry): void {
  for (const key of Object.keys(METRICS) as MetricKey[]) {
    if (!key.startsWith('processor') || key === 'processorWindowResultLatency' || key === 'processorResultFreshness') void registry.metrics[key];
  }
  // A labelled counter has no series until a label set is used: 0 requests answered 200 so far.
  registry.metrics.httpRequests.inc({ status: '200' }, 0);
}

export async function runScenario(options: RunScenarioOptions): Promise<RunScenarioOutcome> {
  const { scenario, log, signal } = options;
  const startedAt = new Date();
  const { runId, shortId } = makeRunId(scenario.name, startedAt);
  const cleanups: Array<{ name: string; run: () => Promise<unknown> }> = [];
  const errors: Array<{ code: string; message: string; hint?: string }> = [];
  let session: StackSession | null = null;
  let topology: Topology | null = null;
  let registry: MetricsRegistry | null = null;
  let observers: Observers | null = null;
  let fleet: ProcessorFleet | null = null;
  let sink: RunningDeliverySink | null = null;
  let lag: LagSampler | null = null;
  let load: LoadOutcome | null = null;
  let drain: DrainOutcome | null = null;
  let verification: PipelineVerification | null = null;
  let failure: unknown = null;
  let deliveryObservation: DeliveryObservation | null = null;

  log(`run ${runId}`);
  try {
    session = await openStackSession(scenario, log, signal);
    const endpoints = session.endpoints;
    registry = createMetricsRegistry({ runId, scenario: scenario.name, instanceRole: 'runner' });
    exportEveryRunnerMetric(registry);
    const server = await startMetricsServer({ source: registry, port: 0 });
    const unregister = await registerScrapeTarget(endpoints, `${runId}-runner`, server.port);
    cleanups.push({
      name: 'metrics endpoint',
      run: async () => {
        // Prometheus scrapes every second: two intervals more keep the run's tail in its TSDB.
        await sleep(2_000);
        await unregister();
        await server.close();
      },
    });

    topology = buildTopology({
      brokers: endpoints.kafka.brokers,
      partitions: scenario.topology.rawEventsPartitions,
      processedPartitions: scenario.topology.processedEventsPartitions,
      replicationFactor: scenario.topology.replicationFactor,
      prefix: `${shortId}.`,
      retentionMs: scenario.topology.retentionMs,
    });
    for (const warning of topology.warnings) log(`warning: ${warning}`);
    const provisioned = await provisionTopology(endpoints, topology, { delivery: scenario.delivery.enabled });
    log(`topology ready: ${provisioned.created.length} topics created (prefix ${shortId}.)${scenario.delivery.enabled ? `, delivery stream ${topology.delivery.streamName}` : ''}`);
    if (!options.keepData) {
      const t = topology;
      cleanups.push({ name: 'run data', run: () => cleanupRunData(endpoints, t, scenario.delivery.enabled) });
    }

    let loadStartEpochMs = Date.now() + 60_000 + scenario.run.warmUpMs; // refined just before the load starts
    fleet = await startProcessorFleet({ endpoints, topology, scenario, runId, mode: options.processorMode, log });
    cleanups.push({ name: 'processors', run: () => fleet!.stop() });
    if (scenario.delivery.enabled) {
      deliveryObservation = new DeliveryObservation(registry, () => loadStartEpochMs);
      sink = await startDeliverySink({
        endpoints,
        topology,
        groupId: `${shortId}.delivery`,
        recorder: deliveryObservation.recorder(),
        watchS3: deliveryObservation.watch(),
      });
      cleanups.push({ name: 'delivery sink', run: () => sink!.stop().catch(() => undefined) });
    }
    lag = new LagSampler(endpoints.kafka, topology.names.raw, scenario.topology.rawEventsPartitions, fleet.groupId);
    lag.start();
    cleanups.push({ name: 'lag sampler', run: () => lag!.stop() });

    loadStartEpochMs = Date.now() + 500 + scenario.run.warmUpMs;
    observers = await startObservers({ kafka: endpoints.kafka, rawTopic: topology.names.raw, processedTopic: topology.names.processed, measureFromEpochMs: loadStartEpochMs, metrics: registry.metrics });
    cleanups.push({ name: 'observers', run: () => observers!.stop() });

    const rawRate = new RateMeter();
    const progress = new ProgressReporter(() => ({
      phase: load?.phaseNow() ?? 'starting',
      elapsedMs: Date.now() - startedAt.getTime(),
      totalMs: loadStartEpochMs - startedAt.getTime() + (load?.totalDurationMs ?? 0),
      targetEventsPerS: load?.targetRateNow() ?? 0,
      achievedEventsPerS: rawRate.perSecond(observers?.latencies.rawRecords ?? 0),
      p99Ms: { l2: observers?.latencies.l2.total().percentileMs(99) ?? null, l3: observers?.latencies.l3.total().percentileMs(99) ?? null },
      consumerLagEvents: lag?.latest?.lagEvents ?? null,
      violationsSoFar: observers && observers.latencies.maxResultsPerKey > 1 && scenario.processor.allowedLatenessMs === 0 ? 1 : 0,
    }));
    progress.start();
    try {
      load = runLoad({ endpoints, topology, scenario, runId: shortId, clock: systemClock(), registry, signal, startEpochMs: loadStartEpochMs, log });
      await load.done;
    } finally {
      progress.stop();
    }
    if (signal.aborted) throw signal.reason ?? new Error('interrupted');

    log('load done: closing the last windows and draining');
    await sendEndOfInput(endpoints, topology, scenario);
    drain = await waitForDrain({ fleet, sink, lag, topology, scenario, signal, log });
    await fleet.stop();
    const deliveryStats = sink ? await sink.stop() : null;
    await lag.stop();
    await observers.stop();

    log('verifying');
    verification = await verifyPipeline({ endpoints, topology, scenario, ledgers: load.ledgers(), deliveryStats, deliveryObservation, registry, log });
  } catch (error) {
    failure = error;
    if (!signal.aborted) log(formatError(error));
  } finally {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup.run();
      } catch (error) {
        errors.push({ code: 'SP_CLEANUP_FAILED', message: `cleanup of ${cleanup.name} failed: ${(error as Error).message}` });
      }
    }
    await session?.release(options.keepStack, log).catch((error: unknown) => errors.push({ code: 'SP_CLEANUP_FAILED', message: `stopping the stack failed: ${(error as Error).message}` }));
  }

  if (failure && isStreamproofError(failure)) errors.push({ code: failure.code, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) });
  else if (failure && !signal.aborted) errors.push({ code: 'SP_UNEXPECTED', message: (failure as Error).message ?? String(failure) });

  const result = assembleResult({
    runId,
    scenario,
    startedAt,
    endedAt: new Date(),
    endpoints: session?.endpoints ?? null,
    interrupted: signal.aborted,
    failure,
    load,
    observers: observers?.latencies ?? null,
    l4: deliveryObservation?.l4 ?? null,
    lagSamples: lag?.samples ?? [],
    drain,
    verification,
    errors,
  });
  const written = await writeResultFiles(result, options.resultsDir ? { resultsDir: options.resultsDir } : {});
  return { result, written };
}
