import { availableParallelism } from 'node:os';
import type { Clock } from '../base/clock.js';
import type { ProcessorFleet } from '../drivers/registry.js';
import { identify, type ProcessIdentity } from '../process/identity.js';
import { cpuPercentBetween, readMachineSample, readProcessUsage, type CpuTimes, type MachineSample, type ProcessUsage } from '../process/usage.js';
import type { ResourceRole, Resources, RoleResources } from '../report/result-schema.js';
import { readStackState, type StackState } from '../stack/state.js';
import type { RunContext } from './context.js';

/**
 * What the run's own processes cost and how busy the machine was while it ran (docs/results.md,
 * resources). On a shared machine latencies depend on what else runs: these figures go beside
 * them. Once a second, per role (the harness, the processors, the brokers, moto, Prometheus):
 * each process's CPU time and RSS from /proc, and the machine's load average and CPU times.
 *
 * CPU seconds of a role = the sum over its processes of (last reading − first reading). A
 * process already running at the first sample counts from there; one first seen later (a
 * restarted processor or service) started during the run and counts from its start. The
 * time between a process's last sample and its exit is lost: best effort, under a second.
 */
export interface ResourceReaders {
  process(identity: ProcessIdentity): ProcessUsage | null;
  machine(): MachineSample;
  cores(): number;
}

export const procReaders: ResourceReaders = {
  process: (identity) => readProcessUsage(identity),
  machine: () => readMachineSample(),
  cores: () => availableParallelism(),
};

/** The processes of each role now (re-asked at every sample: processors restart, services too). */
export type RoleProcesses = () => Promise<Partial<Record<ResourceRole, readonly ProcessIdentity[]>>>;

export interface ResourceSamplerOptions {
  roles: RoleProcesses;
  clock: Pick<Clock, 'monoMs'>;
  readers?: ResourceReaders;
  intervalMs?: number;
}

interface Tracked {
  role: ResourceRole;
  pid: number;
  baselineCpuS: number;
  lastCpuS: number;
}

export const DEFAULT_SAMPLE_INTERVAL_MS = 1_000;

export class ResourceSampler {
  readonly #roles: RoleProcesses;
  readonly #clock: Pick<Clock, 'monoMs'>;
  readonly #readers: ResourceReaders;
  readonly #intervalMs: number;
  readonly #tracked = new Map<string, Tracked>();
  readonly #peakRss = new Map<ResourceRole, number>();
  readonly #seenRoles = new Set<ResourceRole>();
  readonly #loads: number[] = [];
  #firstCpu: CpuTimes | null = null;
  #lastCpu: CpuTimes | null = null;
  #firstAtMs: number | null = null;
  #lastAtMs: number | null = null;
  #samples = 0;
  #timer: NodeJS.Timeout | null = null;
  #inFlight: Promise<void> | null = null;
  #stopped = false;

  constructor(options: ResourceSamplerOptions) {
    this.#roles = options.roles;
    this.#clock = options.clock;
    this.#readers = options.readers ?? procReaders;
    this.#intervalMs = options.intervalMs ?? DEFAULT_SAMPLE_INTERVAL_MS;
  }

  /** Takes the first sample now, then one every interval until stop(). */
  async start(): Promise<void> {
    await this.sample();
    this.#timer = setInterval(() => void this.sample(), this.#intervalMs);
    this.#timer.unref();
  }

  /** One sample; a sample still running when the next is due is not overlapped but awaited. */
  sample(): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#inFlight ??= this.#takeSample().finally(() => (this.#inFlight = null));
    return this.#inFlight;
  }

  /** Takes a last sample and stops; the figures, or null when not a single sample was taken. Idempotent. */
  async stop(): Promise<Resources | null> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (!this.#stopped) {
      await this.#inFlight;
      await this.sample();
      this.#stopped = true;
    }
    return this.summary();
  }

  async #takeSample(): Promise<void> {
    let roles: Partial<Record<ResourceRole, readonly ProcessIdentity[]>>;
    try {
      roles = await this.#roles();
    } catch {
      roles = {}; // e.g. the stack state file being rewritten: the machine is still sampled
    }
    const atMs = this.#clock.monoMs();
    const first = this.#samples === 0;
    for (const [role, identities] of Object.entries(roles) as Array<[ResourceRole, readonly ProcessIdentity[]]>) {
      this.#seenRoles.add(role);
      let rss = 0;
      for (const identity of identities) {
        const usage = this.#readers.process(identity);
        if (!usage) continue;
        rss += usage.rssBytes;
        const key = `${identity.pid}:${identity.startTime}`;
        const tracked = this.#tracked.get(key);
        if (tracked) tracked.lastCpuS = Math.max(tracked.lastCpuS, usage.cpuSeconds);
        else this.#tracked.set(key, { role, pid: identity.pid, baselineCpuS: first ? usage.cpuSeconds : 0, lastCpuS: usage.cpuSeconds });
      }
      this.#peakRss.set(role, Math.max(this.#peakRss.get(role) ?? 0, rss));
    }
    const machine = this.#readers.machine();
    if (machine.load) this.#loads.push(machine.load.load1m);
    if (machine.cpu) {
      this.#firstCpu ??= machine.cpu;
      this.#lastCpu = machine.cpu;
    }
    this.#firstAtMs ??= atMs;
    this.#lastAtMs = atMs;
    this.#samples += 1;
  }

  summary(): Resources | null {
    if (this.#samples === 0) return null;
    const roles: Partial<Record<ResourceRole, RoleResources>> = {};
    for (const role of this.#seenRoles) {
      const members = [...this.#tracked.values()].filter((t) => t.role === role);
      const cpuSeconds = members.reduce((sum, t) => sum + Math.max(0, t.lastCpuS - t.baselineCpuS), 0);
      roles[role] = { cpuSeconds: Math.round(cpuSeconds * 1000) / 1000, peakRssBytes: Math.round(this.#peakRss.get(role) ?? 0), pids: [...new Set(members.map((t) => t.pid))] };
    }
    const percents = this.#firstCpu && this.#lastCpu ? cpuPercentBetween(this.#firstCpu, this.#lastCpu) : null;
    const round2 = (n: number) => Math.round(n * 100) / 100;
    const loads = this.#loads;
    return {
      roles,
      machine: {
        cores: this.#readers.cores(),
        loadAverage1m: loads.length === 0 ? null : { min: Math.min(...loads), mean: round2(loads.reduce((a, b) => a + b, 0) / loads.length), max: Math.max(...loads) },
        stealPct: percents ? round2(percents.stealPct) : null,
        busyPct: percents ? round2(percents.busyPct) : null,
      },
      sampleIntervalMs: this.#intervalMs,
      sampledMs: Math.round((this.#lastAtMs ?? 0) - (this.#firstAtMs ?? 0)),
    };
  }
}

/** Native stack services by role; compose and external stacks run none of our processes. */
export function stackRole(service: string): ResourceRole | null {
  if (/^kafka-\d+$/.test(service)) return 'brokers';
  if (service === 'moto') return 'moto';
  if (service === 'prometheus') return 'prometheus';
  return null;
}

export function stackRoleProcesses(state: StackState | null): Partial<Record<ResourceRole, ProcessIdentity[]>> {
  const roles: Partial<Record<ResourceRole, ProcessIdentity[]>> = {};
  if (!state || state.endpoints.provider !== 'native') return roles;
  for (const proc of state.processes) {
    const role = stackRole(proc.service);
    if (role) (roles[role] ??= []).push({ pid: proc.pid, startTime: proc.startTicks });
  }
  return roles;
}

/** The run's roles: this process, the processor fleet, and the native stack's services (re-read from its state file). */
export function runRoleProcesses(fleet: Pick<ProcessorFleet, 'processes'>, readStack: (() => Promise<StackState | null>) | null): RoleProcesses {
  const harness = identify(process.pid);
  return async () => ({
    harness: [harness],
    processors: fleet.processes(),
    ...(readStack ? stackRoleProcesses(await readStack()) : {}),
  });
}

/**
 * Starts sampling once the stack and the processors are up; its stop is a cleanup of the run, so
 * it ends on every exit path. Read the figures with `summary()` after the context closed.
 */
export async function startResourceSampler(ctx: Pick<RunContext, 'endpoints' | 'clock' | 'onCleanup'>, fleet: Pick<ProcessorFleet, 'processes'>): Promise<ResourceSampler> {
  const sampler = new ResourceSampler({ roles: runRoleProcesses(fleet, ctx.endpoints.provider === 'native' ? readStackState : null), clock: ctx.clock });
  await sampler.start();
  ctx.onCleanup('resource sampler', () => sampler.stop());
  return sampler;
}
