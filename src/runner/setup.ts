import { setTimeout as sleep } from 'node:timers/promises';
import { buildTopology } from '../contract/topology.js';
import { METRICS, type MetricKey } from '../metrics/catalog.js';
import { createMetricsRegistry, type MetricsRegistry } from '../metrics/registry.js';
import { startMetricsServer } from '../metrics/server.js';
import { provisionTopology } from '../stack/provision.js';
import { assertStackReachable } from '../stack/reachability.js';
import { cleanupRunData } from './cleanup.js';
import type { RunContext } from './context.js';
import { registerScrapeTarget } from './scrape-target.js';
import { openStackSession } from './stack-session.js';

/**
 * The setup steps of a run, each binding what it made to the run context and registering its
 * own cleanup at once: the stack (reused, or started and later stopped), the runner's metrics
 * endpoint, and the run's own namespace of topics, bucket and delivery stream.
 */
/**
 * Brokers this run just started run their first seconds on cold JVMs (interpreted code, empty
 * caches): on 2 cores, a cold smoke run measured p99 L1 1.09 s and schedule lag 527 ms where a
 * warm one measured 229-297 ms and 167-210 ms. With 20 s of warm-up the same cold start read
 * 554 ms and 365 ms. So a run that starts its stack warms up at least this long, and says so.
 */
export const COLD_STACK_WARM_UP_MS = 20_000;

export async function openStack(ctx: RunContext, keepStack: boolean): Promise<void> {
  const session = await openStackSession(ctx.scenario, (line) => ctx.log(line), ctx.signal);
  ctx.bindStack(session.endpoints);
  ctx.onCleanup('stack', () => session.release(keepStack, (line) => ctx.log(line)));
  // Within seconds, before anything is created: an unreachable service is named with its address and cause.
  await assertStackReachable(session.endpoints);
  if (session.startedHere && ctx.warmUpMs > 0) ctx.extendWarmUp(COLD_STACK_WARM_UP_MS, 'this run started the stack, and its brokers\' JVMs are still cold');
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

export async function startRunnerMetrics(ctx: RunContext): Promise<void> {
  // CPU, memory and event-loop lag of the harness (prom-client's default metrics): on a shared machine CPU is the first thing to look at.
  const registry = createMetricsRegistry({ runId: ctx.runId, scenario: ctx.scenario.name, instanceRole: 'runner', processMetrics: true });
  exportEveryRunnerMetric(registry);
  ctx.bindRegistry(registry);
  const server = await startMetricsServer({ source: registry, port: 0 });
  const unregister = await registerScrapeTarget(ctx.endpoints, `${ctx.runId}-runner`, server.port);
  ctx.onCleanup('metrics endpoint', async () => {
    // Prometheus scrapes every second: two intervals more keep the run's tail in its TSDB.
    await sleep(2_000);
    await unregister();
    await server.close();
  });
}

export async function provisionRunTopology(ctx: RunContext, keepData: boolean): Promise<void> {
  const { scenario, endpoints, shortId } = ctx;
  const topology = buildTopology({
    brokers: endpoints.kafka.brokers,
    partitions: scenario.topology.rawEventsPartitions,
    processedPartitions: scenario.topology.processedEventsPartitions,
    replicationFactor: scenario.topology.replicationFactor,
    prefix: `${shortId}.`,
    retentionMs: scenario.topology.retentionMs,
    bucketBase: scenario.delivery.bucket,
    streamBase: scenario.delivery.streamName,
  });
  for (const warning of topology.warnings) ctx.log(`warning: ${warning}`);
  const delivery = scenario.delivery.enabled;
  const provisioned = await provisionTopology(endpoints, topology, { delivery });
  ctx.bindTopology(topology);
  if (!keepData) ctx.onCleanup('run data', () => cleanupRunData(endpoints, topology, delivery));
  ctx.log(`topology ready: ${provisioned.created.length} topics created (prefix ${shortId}.)${delivery ? `, bucket ${topology.delivery.bucket}, delivery stream ${topology.delivery.streamName}` : ''}`);
}
