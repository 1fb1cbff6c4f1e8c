import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ManagedProcess } from '../state.js';

/**
 * Starting and stopping the service processes the harness owns. Processes are started
 * detached (own process group, output to a log file) so they outlive the `stack up` command;
 * they are stopped only by the PID recorded at start, after checking that the PID still
 * belongs to the same process (start time in /proc), never by name.
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
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after the closing paren are fixed.
    const afterName = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(afterName[19]);
    return Number.isFinite(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

export function isAlive(proc: Pick<ManagedProcess, 'pid' | 'startTicks'>): boolean {
  const ticks = processStartTicks(proc.pid);
  if (ticks === null) return false;
  if (proc.startTicks !== null && ticks !== proc.startTicks) return false; // PID reused by someone else
  const state = readStateLetter(proc.pid);
  return state !== 'Z' && state !== 'X';
}

function readStateLetter(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null;
  } catch {
    return null;
  }
}

export function startService(cmd: ServiceCommand): ManagedProcess {
  const out = openSync(cmd.logFile, 'a');
  try {
    const child = spawn(cmd.command, cmd.args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...cmd.env },
    });
    if (child.pid === undefined) throw new Error(`could not start ${cmd.command}`);
    child.unref();
    return {
      service: cmd.service,
      pid: child.pid,
      startTicks: processStartTicks(child.pid),
      logFile: cmd.logFile,
      ...(cmd.dataDir ? { dataDir: cmd.dataDir } : {}),
    };
  } finally {
    closeSync(out);
  }
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/** SIGTERM, then SIGKILL after `graceMs`. Returns how the process ended. */
export async function stopProcess(proc: ManagedProcess, graceMs = 15_000): Promise<'not-running' | 'terminated' | 'killed'> {
  if (!isAlive(proc)) return 'not-running';
  signal(proc.pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!isAlive(proc)) return 'terminated';
    await sleep(100);
  }
  signal(proc.pid, 'SIGKILL');
  for (let i = 0; i < 50 && isAlive(proc); i += 1) await sleep(100);
  return 'killed';
}

/** Immediate SIGKILL: the fault injector's "crash". */
export function killProcess(proc: ManagedProcess): void {
  if (isAlive(proc)) signal(proc.pid, 'SIGKILL');
}

export function lastLogLines(logFile: string, count = 20): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-count).join('\n');
  } catch {
    return '(no log output)';
  }
}
