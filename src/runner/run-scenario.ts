import { systemClock } from '../base/clock.js';
import { ERROR_CODES, formatError, isStreamproofError } from '../base/errors.js';
import type { StageReport } from '../drivers/stage-report.js';
import type { RunResult } from '../report/result-schema.js';
import { writeFileAtomic, writeResultFiles, type WrittenResult } from '../report/write.js';
import { join } from 'node:path';
import { LEDGER_FILE_NAME, encodeLedgerFile } from '../base/ledger-file.js';
import { dueCount, totalDurationMs } from '../workload/schedule.js';
import type { Scenario } from '../scenario/schema.js';
import { RunContext } from './context.js';
import { sendEndOfInput, waitForDrain, type DrainOutcome } from './drain.js';
import { watchAbortGates } from './live-gates.js';
import { startLoad, type LoadStep } from './load.js';
import type { Observers } from './observers.js';
import { startProgress } from './progress-view.js';
import type { FaultSchedule } from './fault-scheduler.js';
import { faultStackControl, startRunFaults } from './faults.js';
import { startResourceSampler, type ResourceSampler } from './resources.js';
import { assembleResult } from './result-assembly.js';
import { openStack, provisionRunTopology, startRunnerMetrics } from './setup.js';
import { startRunObservers, startStages, type RunningStages } from './stages.js';
import { mergeEvidence, verifyPipeline, type PipelineVerification } from './verification.js';

/**
 * The runner: one scenario, start to result files, as a list of steps over one run context.
 * Every resource a step starts registers its cleanup on the context at once, so an error,
 * Ctrl-C or an abortOnFail gate at any point stops all of them (newest first); a run stopped
 * early still writes its partial result, marked incomplete or aborted.
 */
export interface RunScenarioOptions {
  scenario: Scenario;
  keepStack: boolean;
  keepData: boolean;
  resultsDir?: string;
  signal: AbortSignal;
  log: (line: string) => void;
}

export interface RunScenarioOutcome {
  result: RunResult;
  written: WrittenResult;
}

/** What the steps found out, for result assembly; each field stays null if its step never ran. */
interface RunFindings {
  stages: RunningStages | null;
  observers: Observers | null;
  load: LoadStep | null;
  reports: StageReport[];
  warmUpReport: StageReport | null;
  drain: DrainOutcome | null;
  verification: PipelineVerification | null;
  resources: ResourceSampler | null;
  faults: FaultSchedule | null;
}

/** Leaves margin for the first sends after processors, sink and observers are up. */
const LOAD_START_MARGIN_MS = 500;

async function runLoadStep(ctx: RunContext, found: RunFindings): Promise<void> {
  const startEpochMs = ctx.clock.epochMs() + LOAD_START_MARGIN_MS + ctx.warmUpMs;
  found.observers = await startRunObservers(ctx, startEpochMs);
  const faultStack = await faultStackControl(ctx);
  const load = startLoad(ctx, startEpochMs);
  found.load = load;
  const observed = found.observers.latencies;
  const lag = found.stages!.lag;
  found.faults = startRunFaults(ctx, found.stages!.fleet, load, lag, faultStack);
  const progress = startProgress(ctx, load, observed, lag);
  const gates = watchAbortGates(ctx, () => {
    const live = load.live();
    if (!live) return null;
    const elapsedMs = ctx.clock.epochMs() - startEpochMs;
    return {
      // Copies made only for a stage an abortOnFail gate reads (live-gates.ts).
      latencies: { ...live.latencies, l2_ingest: () => observed.l2.total(), l3_window: () => observed.l3.total(), l3_freshness: () => observed.freshness.total(), ...(found.stages?.deliveryObservation ? { l4_delivery: () => found.stages!.deliveryObservation!.l4.total() } : {}) },
      counters: { ...live.counters, ...(lag.latest ? { consumerLagEvents: lag.latest.lagEvents } : {}) },
      elapsedS: elapsedMs / 1000,
      scheduledSoFar: dueCount(load.schedule, Math.min(Math.max(0, elapsedMs), totalDurationMs(load.schedule))),
    };
  });
  try {
    const { warmUp, main } = await load.done;
    found.warmUpReport = warmUp;
    if (main) found.reports.push(main);
    // Every fault heals before its load ends (checked with the scenario); a slow heal is waited for before the drain.
    await found.faults?.settled();
    const faultFailure = found.faults?.failure();
    if (faultFailure) throw faultFailure;
  } finally {
    gates.stop();
    progress.stop();
  }
}

async function finishPipeline(ctx: RunContext, found: RunFindings): Promise<void> {
  const { fleet, sink, lag, deliveryObservation } = found.stages!;
  ctx.log('load done: closing the last windows and draining');
  const drainSpan = ctx.timeline.begin('drain', 'drain');
  await sendEndOfInput(ctx.endpoints, ctx.topology, ctx.scenario);
  found.drain = await waitForDrain({ fleet, sink, lag, topology: ctx.topology, scenario: ctx.scenario, signal: ctx.signal, log: (line) => ctx.log(line) });
  await fleet.stop();
  found.reports.push(fleet.report());
  const deliveryStats = sink ? await sink.stop() : null;
  await lag.stop();
  await found.observers!.stop();
  // A stopped observer is not a correctness problem, but its latency figures are partial: say so.
  for (const line of found.observers!.failures()) {
    ctx.log(`warning: ${line}`);
    ctx.errors.push({ code: ERROR_CODES.OBSERVER_FAILED, message: line, hint: 'its latency figures (and gates on them) cover only the time before it stopped' });
  }
  drainSpan.end();

  ctx.log('verifying');
  const verifySpan = ctx.timeline.begin('verify', 'verify');
  const ledgers = [found.warmUpReport, ...found.reports].flatMap((r) => (r?.ledger ? [r.ledger] : []));
  const processorDeaths = found.drain.processorDeaths;
  for (const line of processorDeaths) ctx.errors.push({ code: 'SP_SERVICE_UNHEALTHY', message: line, hint: 'the run was verified on what was committed: the verdict says what the death cost' });
  found.verification = await verifyPipeline({ endpoints: ctx.endpoints, topology: ctx.topology, scenario: ctx.scenario, ledgers, deliveryStats, deliveryObservation, registry: ctx.registry, log: (line) => ctx.log(line), processorDeaths, runStartedAtMs: ctx.startedAt.getTime() });
  verifySpan.end();
}

/**
 * The ingest ledger next to result.json (src/base/ledger-file.ts), so that `npm run verify` can
 * prove I1 again on a kept run. Written whenever load ran, whatever state the run ended in.
 */
async function writeRunLedger(ctx: RunContext, found: RunFindings, dir: string): Promise<void> {
  const ledgers = [found.warmUpReport, ...found.reports].flatMap((r) => (r?.ledger ? [r.ledger] : []));
  const topology = ctx.topologyIfKnown;
  if (ledgers.length === 0 || !topology) return;
  const evidence = mergeEvidence(ledgers);
  const { names, delivery } = topology;
  const text = encodeLedgerFile(
    ctx.runId,
    { raw: names.raw, processed: names.processed, late: names.late, dlq: names.dlq, bucket: delivery.bucket, prefix: delivery.prefix },
    { sent: evidence.sent!, acked: evidence.acked, failed: evidence.failed!, refused: evidence.refused!, malformed: evidence.malformed! },
  );
  await writeFileAtomic(join(dir, LEDGER_FILE_NAME), text);
}

export async function runScenario(options: RunScenarioOptions): Promise<RunScenarioOutcome> {
  const ctx = new RunContext({ scenario: options.scenario, clock: systemClock(), signal: options.signal, log: options.log });
  const found: RunFindings = { stages: null, observers: null, load: null, reports: [], warmUpReport: null, drain: null, verification: null, resources: null, faults: null };
  let failure: unknown = null;
  ctx.log(`run ${ctx.runId}`);
  try {
    const setup = ctx.timeline.begin('setup', 'setup');
    await openStack(ctx, options.keepStack);
    await startRunnerMetrics(ctx);
    await provisionRunTopology(ctx, options.keepData);
    found.stages = await startStages(ctx, () => found.load?.startEpochMs ?? Number.POSITIVE_INFINITY);
    found.resources = await startResourceSampler(ctx, found.stages.fleet);
    setup.end();

    await runLoadStep(ctx, found);
    if (ctx.signal.aborted) throw ctx.signal.reason ?? new Error('interrupted');
    await finishPipeline(ctx, found);
  } catch (error) {
    failure = error;
    if (!ctx.signal.aborted) ctx.log(formatError(error));
  } finally {
    await ctx.close();
  }

  const abort = ctx.aborted;
  if (failure && !abort) ctx.errors.push(isStreamproofError(failure) ? { code: failure.code, message: failure.message, ...(failure.hint ? { hint: failure.hint } : {}) } : { code: 'SP_UNEXPECTED', message: (failure as Error).message ?? String(failure) });
  const result = assembleResult({
    runId: ctx.runId,
    scenario: ctx.scenario,
    startedAt: ctx.startedAt,
    endedAt: new Date(ctx.clock.epochMs()),
    endpoints: ctx.endpointsIfKnown,
    abort,
    failure: abort ? null : failure,
    load: found.load,
    reports: found.reports,
    observers: found.observers?.latencies ?? null,
    l4: found.stages?.deliveryObservation?.l4 ?? null,
    lagSamples: found.stages?.lag.samples ?? [],
    drain: found.drain,
    verification: found.verification,
    timeline: ctx.timeline.events(),
    errors: ctx.errors,
    // Stopped by its cleanup in ctx.close() above.
    resources: found.resources?.summary() ?? null,
    faults: found.faults?.records ?? [],
  });
  const grafanaUrl = ctx.endpointsIfKnown?.grafana?.url ?? process.env.STREAMPROOF_GRAFANA_URL;
  const written = await writeResultFiles(result, { ...(options.resultsDir ? { resultsDir: options.resultsDir } : {}), ...(grafanaUrl ? { grafanaUrl } : {}) });
  await writeRunLedger(ctx, found, written.dir);
  return { result, written };
}
