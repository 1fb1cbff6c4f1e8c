import type { Clock } from '../base/clock.js';
import type { StackEndpoints } from '../base/endpoints.js';
import type { Topology } from '../contract/topology.js';
import type { MetricsRegistry } from '../metrics/registry.js';
import type { Timeline } from '../base/timeline.js';

/**
 * What a driver may use of the run it is part of: a narrow view of the run context
 * (src/runner/context.ts implements it). A driver never sees the whole scenario, only its own
 * slice, so what a kind reads is visible in its config type.
 */
export interface DriverContext {
  readonly runId: string;
  /** Short, name-safe id: the prefix of the run's topics and client ids. */
  readonly shortId: string;
  readonly scenarioName: string;
  readonly endpoints: StackEndpoints;
  readonly topology: Topology;
  readonly registry: MetricsRegistry;
  readonly clock: Clock;
  /** Aborts on Ctrl-C and on an abortOnFail gate: drivers stop their work when it fires. */
  readonly signal: AbortSignal;
  readonly timeline: Timeline;
  log(line: string): void;
  /** Registers a cleanup; all run in reverse order when the run ends, on every exit path. */
  onCleanup(name: string, run: () => Promise<unknown>): void;
}
