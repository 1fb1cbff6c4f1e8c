import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { Clock } from '../base/clock.js';
import type { Timeline } from '../base/timeline.js';
import type { InjectedFault } from '../drivers/registry.js';
import type { PlannedFault } from '../scenario/fault-plan.js';
import type { AtRisk, FaultRecord } from '../report/fault-figures.js';

/**
 * Runs the fault plan on the run's clock: each occurrence is injected at its time (from the load
 * start), healed after its duration, and — whatever ends the run first, an error, Ctrl-C or an
 * aborting gate — healed at once when the run's signal fires or stop() is called. A fault that
 * could not be injected or healed is recorded, logged and pushed to the run's errors, and fails
 * the run: it would otherwise have measured a different experiment, or left the stack broken.
 */
/** A fault as the scheduler records it: the report computes its figures from this (src/report/fault-figures.ts). */
export type { FaultRecord, AtRisk };

export interface FaultSchedulerOptions {
  plan: readonly PlannedFault[];
  loadStartEpochMs: number;
  clock: Clock;
  signal: AbortSignal;
  timeline: Timeline;
  inject(fault: PlannedFault): Promise<InjectedFault>;
  atRisk(): AtRisk | null;
  log(line: string): void;
  /** Grafana annotations: the fault info metric at 1 while the fault is active. */
  onActive?(fault: PlannedFault, active: boolean): void;
  /** An injection or heal failed: what the run's errors get. */
  onError(error: { code: string; message: string; hint?: string }): void;
  /** Waits `ms` or until `signal` aborts (tests inject a fake). */
  wait?(ms: number, signal: AbortSignal): Promise<void>;
}

export interface FaultSchedule {
  readonly records: readonly FaultRecord[];
  /** Resolves when every occurrence has been injected and healed (or skipped). */
  settled(): Promise<void>;
  /** Heals every active fault now and skips those still to come; resolves once all are healed. */
  stop(): Promise<void>;
  /** The first injection or heal failure, as an error the runner fails the run with; null when none. */
  failure(): StreamproofError | null;
}

async function defaultWait(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return;
  await sleep(ms, undefined, { signal }).catch(() => undefined);
}

export function startFaultSchedule(options: FaultSchedulerOptions): FaultSchedule {
  const { clock, timeline, log } = options;
  const wait = options.wait ?? defaultWait;
  const stopping = new AbortController();
  const signal = AbortSignal.any([options.signal, stopping.signal]);
  let failure: StreamproofError | null = null;
  const records: FaultRecord[] = [];

  const fail = (record: FaultRecord, code: string, message: string, hint: string) => {
    record.error = message;
    log(`FAULT ${code === 'SP_FAULT_NOT_HEALED' ? 'NOT HEALED' : 'NOT INJECTED'}: ${message}`);
    options.onError({ code, message, hint });
    failure ??= new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, message, { hint });
  };

  const runOne = async (fault: PlannedFault, record: FaultRecord): Promise<void> => {
    await wait(record.plannedStartEpochMs - clock.epochMs(), signal);
    if (signal.aborted) return;
    let injected: InjectedFault;
    const atRisk = options.atRisk();
    const struckAt = Math.round(clock.epochMs());
    try {
      injected = await options.inject(fault);
    } catch (error) {
      fail(record, 'SP_FAULT_NOT_INJECTED', `${fault.label}: injecting failed: ${messageOf(error)}`, 'the run did not test what the scenario asked; see the error and the stack status');
      return;
    }
    record.injectedAtEpochMs = struckAt;
    record.atRisk = atRisk;
    record.details = injected.details ?? {};
    const span = timeline.begin('fault', `${fault.kind} ${fault.target}`, struckAt);
    options.onActive?.(fault, true);
    log(`fault: ${fault.kind} ${fault.target} injected${Object.keys(record.details).length ? ` (${Object.entries(record.details).map(([k, v]) => `${k} ${v}`).join(', ')})` : ''}; heals in ${fault.endMs - fault.startMs} ms`);
    try {
      await wait(struckAt + record.durationMs - clock.epochMs(), signal);
    } finally {
      // Healed whatever woke us: its time, Ctrl-C, an aborting gate, an error elsewhere.
      try {
        await injected.heal();
        record.healedAtEpochMs = Math.round(clock.epochMs());
        span.end(record.healedAtEpochMs);
        log(`fault: ${fault.kind} ${fault.target} healed${signal.aborted ? ' (the run is stopping)' : ''}`);
      } catch (error) {
        span.end();
        fail(record, 'SP_FAULT_NOT_HEALED', `${fault.label}: healing failed, ${fault.target} may still be broken: ${messageOf(error)}`, '`npm run stack -- status` shows the services; restart the stack (`npm run stack -- down`, then up) if one stays broken');
      }
      options.onActive?.(fault, false);
    }
  };

  // Occurrences on one target run one after the other: a slow heal (a broker restart) delays the next one rather than overlapping it.
  const lastOnTarget = new Map<string, Promise<void>>();
  const tasks = options.plan.map((fault) => {
    const record: FaultRecord = {
      kind: fault.kind,
      target: fault.target,
      label: fault.label,
      source: fault.source,
      occurrence: fault.occurrence,
      plannedStartEpochMs: Math.round(options.loadStartEpochMs + fault.startMs),
      durationMs: fault.endMs - fault.startMs,
      injectedAtEpochMs: null,
      healedAtEpochMs: null,
      atRisk: null,
      details: {},
      error: null,
    };
    records.push(record);
    const previous = lastOnTarget.get(fault.target) ?? Promise.resolve();
    const task = previous.then(() => runOne(fault, record));
    lastOnTarget.set(fault.target, task);
    return task;
  });
  const all = Promise.all(tasks).then(() => undefined);

  return {
    records,
    settled: () => all,
    async stop() {
      stopping.abort();
      await all;
    },
    failure: () => failure,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
