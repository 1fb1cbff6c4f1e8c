import type { Clock } from '../base/clock.js';
import type { StackEndpoints } from '../base/endpoints.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { Timeline, type TimelineEvent } from '../base/timeline.js';
import type { Topology } from '../contract/topology.js';
import type { DriverContext } from '../drivers/context.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { GateOutcome } from '../report/result-schema.js';
import type { Scenario } from '../scenario/schema.js';
import { makeRunId } from './run-id.js';

/**
 * One run's owner: its ids, the resolved scenario, the stack endpoints and topology once they
 * exist, the metrics registry, one clock, one abort signal (Ctrl-C or an abortOnFail gate),
 * the timeline, and the cleanups — run in reverse order of registration on every exit path,
 * so a Ctrl-C in the middle of anything still stops everything started before it.
 */
export interface RunError {
  code: string;
  message: string;
  hint?: string;
}

/** Why a run stopped before its end: the user, or a gate that may abort the run. */
export type RunAbort = { kind: 'interrupted' } | { kind: 'gate'; outcome: GateOutcome };

export class RunContext implements DriverContext {
  readonly runId: string;
  readonly shortId: string;
  readonly scenario: Scenario;
  readonly clock: Clock;
  readonly timeline: Timeline;
  readonly startedAt: Date;
  readonly errors: RunError[] = [];
  readonly signal: AbortSignal;
  readonly #gateAbort = new AbortController();
  readonly #userSignal: AbortSignal;
  readonly #log: (line: string) => void;
  readonly #cleanups: Array<{ name: string; run: () => Promise<unknown> }> = [];
  #abort: RunAbort | null = null;
  #warmUpMs: number;
  #endpoints: StackEndpoints | null = null;
  #topology: Topology | null = null;
  #registry: MetricsRegistry | null = null;

  constructor(options: { scenario: Scenario; clock: Clock; signal: AbortSignal; log: (line: string) => void }) {
    this.scenario = options.scenario;
    this.clock = options.clock;
    this.#log = options.log;
    this.#userSignal = options.signal;
    this.startedAt = new Date(options.clock.epochMs());
    this.#warmUpMs = options.scenario.run.warmUpMs;
    ({ runId: this.runId, shortId: this.shortId } = makeRunId(options.scenario.name, this.startedAt));
    this.timeline = new Timeline(() => options.clock.epochMs());
    this.signal = AbortSignal.any([options.signal, this.#gateAbort.signal]);
    options.signal.addEventListener('abort', () => (this.#abort ??= { kind: 'interrupted' }), { once: true });
  }

  get scenarioName(): string {
    return this.scenario.name;
  }

  log(line: string): void {
    this.#log(line);
  }

  /** Null while the run goes on; what stopped it early otherwise. */
  get aborted(): RunAbort | null {
    if (this.#userSignal.aborted) return { kind: 'interrupted' };
    return this.#abort;
  }

  /** An abortOnFail gate failed on live figures: stop the load and everything after it. */
  abortForGate(outcome: GateOutcome): void {
    if (this.#abort) return;
    this.#abort = { kind: 'gate', outcome };
    this.timeline.mark('abort', `abortOnFail gate failed: ${outcome.expression}`);
    this.#gateAbort.abort(new StreamproofError(ERROR_CODES.GATE_ABORTED, `gate "${outcome.expression}" failed during the run: ${outcome.message}`));
  }

  /** The warm-up this run will have: the scenario's, or longer when a step asked for more. */
  get warmUpMs(): number {
    return this.#warmUpMs;
  }

  /** Lengthens the warm-up to at least `ms` (never shortens it), saying why in the log. */
  extendWarmUp(ms: number, why: string): void {
    if (ms <= this.#warmUpMs) return;
    this.log(`warm-up ${ms / 1000} s instead of ${this.#warmUpMs / 1000} s: ${why}`);
    this.#warmUpMs = ms;
  }

  get endpoints(): StackEndpoints {
    return this.#required(this.#endpoints, 'the stack endpoints');
  }

  get topology(): Topology {
    return this.#required(this.#topology, 'the topology');
  }

  get registry(): MetricsRegistry {
    return this.#required(this.#registry, 'the metrics registry');
  }

  get endpointsIfKnown(): StackEndpoints | null {
    return this.#endpoints;
  }

  get topologyIfKnown(): Topology | null {
    return this.#topology;
  }

  bindStack(endpoints: StackEndpoints): void {
    this.#endpoints = endpoints;
  }

  bindTopology(topology: Topology): void {
    this.#topology = topology;
  }

  /** The registry mirrors the timeline into the phase and fault info metrics Grafana annotates with. */
  bindRegistry(registry: MetricsRegistry): void {
    this.#registry = registry;
    this.timeline.onEvent((event: TimelineEvent) => {
      if (event.kind === 'warm-up' || event.kind === 'phase' || event.kind === 'drain' || event.kind === 'verify') registry.runInfo.setPhase(event.label);
    });
  }

  onCleanup(name: string, run: () => Promise<unknown>): void {
    this.#cleanups.push({ name, run });
  }

  /** Runs every cleanup, newest first; a failing one is recorded and the rest still run. */
  async close(): Promise<void> {
    const span = this.timeline.begin('teardown', 'teardown');
    while (this.#cleanups.length > 0) {
      const cleanup = this.#cleanups.pop()!;
      try {
        await cleanup.run();
      } catch (error) {
        this.errors.push({ code: ERROR_CODES.CLEANUP_FAILED, message: `cleanup of ${cleanup.name} failed: ${(error as Error).message}` });
      }
    }
    span.end();
  }

  #required<T>(value: T | null, what: string): T {
    if (value === null) throw new StreamproofError(ERROR_CODES.UNEXPECTED, `${what} is not known yet at this step of the run`, { hint: 'a harness bug: a step ran before the one that sets it up' });
    return value;
  }
}
