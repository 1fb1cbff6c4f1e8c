import { INGEST_DRIVERS } from '../drivers/ingest/index.js';
import { driverFor, type IngestRun } from '../drivers/registry.js';
import type { LiveFigures, StageReport } from '../drivers/stage-report.js';
import { constantSchedule } from '../workload/schedule-config.js';
import { listPhases, rateAt, totalDurationMs, type Schedule } from '../workload/schedule.js';
import type { RunContext } from './context.js';
import { startLoadSource, type LoadSource } from '../pipeline/ingest/load-source.js';

/**
 * The load of a run: a warm-up (constant, at the schedule's opening rate, its own generator id:
 * its events are verified like all others but kept out of every figure) followed by the
 * scenario's schedule, both through the scenario's ingest driver. Each phase goes on the
 * timeline as it begins, at its scheduled time, so a run cut short shows only what happened.
 */
export interface LoadStep {
  /** Resolves with the reports of the warm-up and the main load (null when it never ran). */
  done: Promise<{ warmUp: StageReport | null; main: StageReport | null }>;
  schedule: Schedule;
  /** Epoch ms of schedule offset 0 (after the warm-up). */
  startEpochMs: number;
  /** Warm-up plus schedule. */
  totalDurationMs: number;
  targetRateNow(): number;
  /** The figures of the main load so far; null during the warm-up. */
  live(): LiveFigures | null;
}

function openingRate(schedule: Schedule): number {
  for (let t = 0; t < totalDurationMs(schedule); t += 100) {
    const rate = rateAt(schedule, t);
    if (rate > 0) return rate;
  }
  return 1;
}

/** Opens each phase span when its scheduled start has passed; the last one closes at the schedule's end. */
function followPhases(ctx: RunContext, schedule: Schedule, startEpochMs: number): () => void {
  const phases = listPhases(schedule);
  let next = 0;
  let open: { end(at?: number): void; endEpochMs: number } | null = null;
  const tick = () => {
    const now = ctx.clock.epochMs();
    ctx.registry.metrics.runTargetRate.set(rateAt(schedule, Math.max(0, now - startEpochMs)));
    while (next < phases.length && startEpochMs + phases[next]!.startMs <= now) {
      const phase = phases[next]!;
      open?.end(open.endEpochMs);
      const span = ctx.timeline.begin('phase', phase.name, startEpochMs + phase.startMs);
      open = { end: span.end, endEpochMs: startEpochMs + phase.endMs };
      next += 1;
    }
  };
  const timer = setInterval(tick, 100);
  tick();
  return () => {
    clearInterval(timer);
    tick();
    // The last phase ends at its scheduled end, or now if the load stopped before it.
    if (open) open.end(Math.min(open.endEpochMs, ctx.clock.epochMs()));
  };
}

export function startLoad(ctx: RunContext, startEpochMs: number): LoadStep {
  const { scenario } = ctx;
  const schedule = scenario.load as Schedule;
  const warmUpMs = ctx.warmUpMs;
  const driver = driverFor(INGEST_DRIVERS, scenario.ingest.kind, 'ingest');
  const producerTuning = {
    lingerMs: scenario.producer.lingerMs,
    compression: scenario.producer.compression,
    batchMaxRecords: scenario.producer.batchMaxRecords,
    maxInFlightBatches: scenario.producer.maxInFlight,
    retries: scenario.producer.retries,
  };
  const ingest = (generatorId: string, s: Schedule, atEpochMs: number, source?: LoadSource, signal?: AbortSignal): IngestRun =>
    driver.start(ctx, scenario.ingest as never, { generatorId, schedule: s, startEpochMs: atEpochMs, workload: scenario.workload, producerTuning, onTimeMs: scenario.run.onTimeMs, ...(source ? { source } : {}), ...(signal ? { signal } : {}) });
  let mainRun: IngestRun | null = null;
  // The main load's workers start now, during the warm-up, so their start-up is not its first lateness.
  const mainGeneratorId = `${ctx.shortId}-main`;
  const loadWorkers = driver.loadWorkers?.(scenario.ingest as never) ?? 1;
  const mainSource = driver.usesLoadSource ? startLoadSource({ schedule, generatorConfig: { ...scenario.workload, generatorId: mainGeneratorId }, loadWorkers }) : undefined;

  const done = (async () => {
    try {
      return await runPhases();
    } finally {
      // Whatever ended the load (a failed warm-up, Ctrl-C), the main load's workers end with it.
      await mainSource?.close();
    }
  })();

  async function runPhases(): Promise<{ warmUp: StageReport | null; main: StageReport | null }> {
    let warmUp: StageReport | null = null;
    let ahead: IngestRun | null = null;
    if (warmUpMs > 0) {
      const span = ctx.timeline.begin('warm-up', 'warm-up', startEpochMs - warmUpMs);
      // Started now, the main load connects during the warm-up and waits for startEpochMs. Started
      // after the warm-up's last ack, its connecting (and the warm-up's drain) used to be the first
      // second of the load: up to 0.7 s of schedule lag at every run's start (capacity probes
      // judged it as the rate's).
      const stopAhead = new AbortController();
      if (driver.startsAhead) {
        ahead = ingest(mainGeneratorId, schedule, startEpochMs, mainSource, AbortSignal.any([ctx.signal, stopAhead.signal]));
        // Its failure is handled where it is awaited (below, or after the warm-up); until then it is not unhandled.
        ahead.done.catch(() => undefined);
      }
      try {
        warmUp = await ingest(`${ctx.shortId}-warmup`, constantSchedule(openingRate(schedule), warmUpMs, 'warm-up'), startEpochMs - warmUpMs).done;
      } catch (error) {
        stopAhead.abort();
        await ahead?.done.catch(() => undefined);
        throw error;
      } finally {
        // The warm-up's schedule ends where the load's begins; its last acks may come later, but
        // the span shows the schedule, so the timeline has no overlap (its sends are never in the load's figures).
        span.end(Math.min(ctx.clock.epochMs(), startEpochMs));
      }
      if (ctx.signal.aborted) {
        await ahead?.done.catch(() => undefined);
        return { warmUp, main: null };
      }
    }
    const loadSpan = ctx.timeline.begin('load', 'load', startEpochMs);
    const stopFollowing = followPhases(ctx, schedule, startEpochMs);
    try {
      mainRun = ahead ?? ingest(mainGeneratorId, schedule, startEpochMs, mainSource);
      return { warmUp, main: await mainRun.done };
    } finally {
      stopFollowing();
      loadSpan.end();
    }
  }

  return {
    done,
    schedule,
    startEpochMs,
    totalDurationMs: totalDurationMs(schedule) + warmUpMs,
    targetRateNow: () => {
      const t = ctx.clock.epochMs() - startEpochMs;
      return t < 0 ? openingRate(schedule) : rateAt(schedule, t);
    },
    live: () => mainRun?.live() ?? null,
  };
}
