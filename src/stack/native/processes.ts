import { readFileSync } from 'node:fs';
import { isRunning, readStartTime, type ProcessIdentity } from '../../process/identity.js';
import { ProcessRegistry } from '../../process/registry.js';
import { spawnService } from '../../process/spawn-service.js';
import { signalProcess } from '../../process/signal.js';
import { stopProcess as stopIdentity, type StopOutcome } from '../../process/stop.js';
import type { ManagedProcess } from '../state.js';

/**
 * The stack's service processes as the state file records them. Starting, signalling and
 * waiting are src/process/'s: services start detached (own process group, output to a log
 * file) so they outlive `stack up`, and are stopped only by the PID recorded at start after
 * its start time in /proc has been checked, never by name.
 */
export interface ServiceCommand {
  service: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  logFile: string;
  dataDir?: string;
}

/** Field 22 of /proc/<pid>/stat: start time in clock ticks since boot. */
export function processStartTicks(pid: number): number | null {
  return readStartTime(pid);
}

export function identityOf(proc: Pick<ManagedProcess, 'pid' | 'startTicks'>): ProcessIdentity {
  return { pid: proc.pid, startTime: proc.startTicks };
}

export function isAlive(proc: Pick<ManagedProcess, 'pid' | 'startTicks'>): boolean {
  return isRunning(identityOf(proc));
}

export function startService(cmd: ServiceCommand): ManagedProcess {
  const identity = spawnService({ command: cmd.command, args: cmd.args, logFile: cmd.logFile, ...(cmd.env ? { env: cmd.env } : {}) });
  return {
    service: cmd.service,
    pid: identity.pid,
    startTicks: identity.startTime,
    logFile: cmd.logFile,
    ...(cmd.dataDir ? { dataDir: cmd.dataDir } : {}),
  };
}

/** SIGTERM, then SIGKILL after `graceMs`. Returns how the process ended ('not-ours': PID reused, left alone). */
export function stopProcess(proc: ManagedProcess, graceMs = 15_000): Promise<StopOutcome> {
  return stopIdentity(identityOf(proc), { graceMs });
}

/** Immediate SIGKILL: the fault injector's "crash". */
export function killProcess(proc: ManagedProcess): void {
  signalProcess(identityOf(proc), 'SIGKILL');
}

/**
 * The stack's processes as a registry: stopped latest first, all Kafka nodes together so that
 * none waits on a quorum that is already half gone.
 */
export function stackRegistry(processes: ManagedProcess[]): ProcessRegistry {
  const registry = new ProcessRegistry();
  for (const proc of processes) {
    registry.add({ name: proc.service, identity: identityOf(proc), ...(proc.service.startsWith('kafka-') ? { stage: 'kafka' } : {}) });
  }
  return registry;
}

export function lastLogLines(logFile: string, count = 20): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no log output)';
  }
}
