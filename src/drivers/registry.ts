import type { z } from 'zod';
import type { ProcessIdentity } from '../process/identity.js';
import type { ProducerTuning } from '../kafka/producer.js';
import type { GeneratorConfigInput } from '../workload/generator.js';
import type { Schedule } from '../workload/schedule.js';
import type { DriverContext } from './context.js';
import type { LiveFigures, StageReport } from './stage-report.js';
import type { LoadSource } from '../pipeline/ingest/load-source.js';

/**
 * Stages plug in by kind, as k6's executors do: a kind is a `kind` string, the slice of the
 * scenario schema it accepts (a zod object whose `kind` is that literal; the scenario schema is
 * the discriminated union of all registered slices, so validation, --help and docs cover every
 * kind; the default kind's literal carries `.default()`, so a section may omit `kind`), and a start function over the run context. The runner looks a kind up here and never
 * branches on it. Adding a kind = a new file in its folder plus one line in that folder's index.
 */
export type KindSchema<K extends string> = z.ZodObject<{ kind: z.ZodLiteral<K> | z.ZodDefault<z.ZodLiteral<K>> } & z.ZodRawShape>;

interface DriverBase<K extends string, S extends KindSchema<K>> {
  kind: K;
  schema: S;
  /** One line for the run summary: what this kind does with its settings. */
  describe(config: z.output<S>): string;
}

/** What the load step hands an ingest driver for one generator run (warm-up or main load). */
export interface IngestLoad {
  generatorId: string;
  schedule: Schedule;
  /** Epoch ms of schedule offset 0. */
  startEpochMs: number;
  workload: Omit<GeneratorConfigInput, 'generatorId'>;
  producerTuning: ProducerTuning;
  /** run.onTimeMs: an event handed to the transport within this many ms of its intended time is on time, else late. */
  onTimeMs: number;
  /** The load's records, already being built by load workers the runner started ahead (kinds with usesLoadSource); the run closes it. */
  source?: LoadSource;
  /** Stops this load alone (the run's signal stops every load); kinds started ahead get it. */
  signal?: AbortSignal;
}

export interface IngestRun {
  /** Resolves when every event of the schedule was sent and answered (or the run was aborted). */
  done: Promise<StageReport>;
  /** The figures so far (live view, abortOnFail gates). */
  live(): LiveFigures;
}

export interface IngestDriver<K extends string = string, S extends KindSchema<K> = KindSchema<K>> extends DriverBase<K, S> {
  /** Result stages and counters only this kind measures, so a gate on another kind's is refused up front. */
  measures: readonly string[];
  /**
   * The kind builds its records through a LoadSource (load worker threads), which the runner
   * starts ahead of the load so the workers' start-up is not the load's first lateness.
   */
  usesLoadSource?: boolean;
  /**
   * The kind may be started before its startEpochMs: it connects (producers, metadata, producer
   * ids) and then waits for the schedule. The runner starts the main load during the warm-up, so
   * that connecting is not the main load's first lateness.
   */
  startsAhead?: boolean;
  /** How many load workers build its records (kinds with usesLoadSource); 1 when absent. */
  loadWorkers?(config: z.output<S>): number;
  start(ctx: DriverContext, config: z.output<S>, load: IngestLoad): IngestRun;
}

/** The window semantics every processor kind implements (docs/contract.md). */
export interface WindowSettings {
  windowMs: number;
  outOfOrdernessMs: number;
  allowedLatenessMs: number;
  idleTimeoutMs: number;
}

/** A started set of processor instances, whatever runs them. */
export interface ProcessorFleet {
  readonly instances: number;
  /** The consumer group on raw-events, whose lag says how far behind the processors are. */
  readonly groupId: string;
  /** Throws a StreamproofError when an instance died without being asked to. */
  assertHealthy(): void;
  /** One line per instance that died without being asked to (empty when all are healthy). */
  deaths(): string[];
  /** SIGKILL one instance (a fault); restart() brings it back. */
  kill(instance: number): void;
  restart(instance: number): Promise<void>;
  /** Graceful stop of every instance. */
  stop(): Promise<void>;
  report(): StageReport;
  /** The instances' processes running now, PID with start time (resource sampling); [] when the kind runs none of ours. */
  processes(): ProcessIdentity[];
  /**
   * Fault support (kinds whose driver declares it in `faultSupport`): SIGKILL the instance the
   * moment it reports a prepared, uncommitted transaction (or after `timeoutMs` without one);
   * says whether the kill landed before that transaction's commit was reported.
   */
  killWhileTransactionOpen?(instance: number, timeoutMs: number): Promise<{ openAtKill: boolean; transaction: number | null }>;
  /** Starts one more instance (the next index) and waits until it is ready; resolves to its index. */
  addInstance?(): Promise<number>;
  /** Stops one instance gracefully (it finishes its transaction and leaves the group); restart() brings it back. */
  removeInstance?(instance: number): Promise<void>;
}

/** What a processor kind lets fault injection do (checked with the scenario, before anything starts). */
export interface ProcessorFaultSupport {
  kill?: boolean;
  scale?: boolean;
  transactionSignal?: boolean;
}

export interface ProcessorDriver<K extends string = string, S extends KindSchema<K> = KindSchema<K>> extends DriverBase<K, S> {
  /** Consumers this config runs on raw-events: it may not exceed the partitions. */
  parallelism(config: z.output<S>): number;
  /** Problems between this kind's own fields (paths relative to `processor.`), checked with the scenario before anything starts. */
  crossCheck?(config: z.output<S>): { path: string; message: string }[];
  start(ctx: DriverContext, config: z.output<S> & WindowSettings): Promise<ProcessorFleet>;
  /** Which processor faults this kind's fleet supports; none when absent. */
  faultSupport?: ProcessorFaultSupport;
}

/** An injected fault: heal() undoes it (restart, resume, re-add, remove the toxic). */
export interface InjectedFault {
  /** What the injection found out (e.g. `openAtKill` for a kill while a transaction is open), kept in result.json. */
  details?: Record<string, string | number | boolean | null>;
  heal(): Promise<void>;
}

/**
 * The stack's services a fault may act on, by the PIDs the stack recorded (never by name):
 * what the stack provider offers (src/stack/). Each method throws a StreamproofError when it
 * cannot do it (an index that does not exist, a stack the harness does not manage).
 */
export interface StackControl {
  killBroker(index: number): Promise<void>;
  restartBroker(index: number): Promise<void>;
  pauseBroker(index: number): Promise<void>;
  resumeBroker(index: number): Promise<void>;
  pauseDelivery(): Promise<void>;
  resumeDelivery(): Promise<void>;
}

/** What a fault injector may act on: the run's own processes and its stack's services, never others. */
export interface FaultTargets {
  processors: ProcessorFleet;
  /** Null when the stack is not one the harness manages (external). */
  stack: StackControl | null;
}

export interface FaultInjector<K extends string = string, S extends KindSchema<K> = KindSchema<K>> extends DriverBase<K, S> {
  inject(ctx: DriverContext, config: z.output<S>, targets: FaultTargets): Promise<InjectedFault>;
}

/** Looks a kind up in a registry; the schema has already refused unknown kinds. */
export function driverFor<D extends { kind: string }>(registry: readonly D[], kind: string, what: string): D {
  const driver = registry.find((d) => d.kind === kind);
  if (!driver) throw new Error(`no ${what} driver registered for kind "${kind}" (registered: ${registry.map((d) => d.kind).join(', ') || 'none'})`);
  return driver;
}
