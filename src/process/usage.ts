import { readFileSync } from 'node:fs';
import type { ProcessIdentity } from './identity.js';
import { runCommandSync } from './run-sync.js';

/**
 * What a process costs and how busy the machine is, read from /proc: CPU seconds (utime +
 * stime) and resident memory of one of our processes, checked against its recorded start time
 * so a reused PID is never measured as ours; the load average and the aggregate CPU times of
 * the machine (for busy and steal % over an interval). The parse functions are pure; the
 * readers return null when /proc has no answer (the process is gone, or this is not Linux).
 */

export interface ProcStatFigures {
  /** Field 22: clock ticks since boot; with the PID, the process's identity. */
  startTime: number;
  /** Fields 14 and 15: user and kernel CPU time, clock ticks. */
  utimeTicks: number;
  stimeTicks: number;
}

/** Parses /proc/<pid>/stat. Field 2 (the command) may hold spaces and ')': count from the last ')'. */
export function parseProcStat(text: string): ProcStatFigures | null {
  const close = text.lastIndexOf(')');
  if (close < 0) return null;
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  const fields = text.slice(close + 2).trim().split(/\s+/);
  const utimeTicks = Number(fields[11]);
  const stimeTicks = Number(fields[12]);
  const startTime = Number(fields[19]);
  if (![utimeTicks, stimeTicks, startTime].every((n) => Number.isFinite(n) && n >= 0) || fields.length < 20) return null;
  return { startTime, utimeTicks, stimeTicks };
}

/** VmRSS of /proc/<pid>/status in bytes; null when absent (a zombie or kernel thread has none). */
export function parseVmRssBytes(text: string): number | null {
  const match = /^VmRSS:\s+(\d+)\s+kB\s*$/m.exec(text);
  return match ? Number(match[1]) * 1024 : null;
}

export interface LoadAverage {
  load1m: number;
  load5m: number;
  load15m: number;
}

/** /proc/loadavg: `0.52 0.58 0.59 1/381 18310`. */
export function parseLoadAvg(text: string): LoadAverage | null {
  const [a, b, c] = text.trim().split(/\s+/).map(Number);
  if (![a, b, c].every((n) => n !== undefined && Number.isFinite(n) && n >= 0)) return null;
  return { load1m: a!, load5m: b!, load15m: c! };
}

/** The machine's aggregate CPU times since boot (the `cpu` line of /proc/stat), clock ticks. */
export interface CpuTimes {
  /** user + nice + system + idle + iowait + irq + softirq + steal (guest time is already in user). */
  totalTicks: number;
  /** idle + iowait: time no task wanted the CPU. */
  idleTicks: number;
  /** Time the hypervisor gave our virtual CPUs to someone else. */
  stealTicks: number;
}

export function parseCpuTimes(text: string): CpuTimes | null {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  if (!line) return null;
  const values = line.trim().split(/\s+/).slice(1, 9).map(Number);
  if (values.length < 4 || values.some((n) => !Number.isFinite(n) || n < 0)) return null;
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = values;
  return { totalTicks: user + nice + system + idle + iowait + irq + softirq + steal, idleTicks: idle + iowait, stealTicks: steal };
}

/** Busy and steal as % of all CPU time between two readings (of every core together); null if no time passed. */
export function cpuPercentBetween(from: CpuTimes, to: CpuTimes): { busyPct: number; stealPct: number } | null {
  const total = to.totalTicks - from.totalTicks;
  if (total <= 0) return null;
  const idle = to.idleTicks - from.idleTicks;
  const steal = to.stealTicks - from.stealTicks;
  return { busyPct: ((total - idle) / total) * 100, stealPct: (steal / total) * 100 };
}

let clockTicks: number | null = null;

/**
 * USER_HZ, the unit of /proc CPU times: `getconf CLK_TCK`, read once. It is 100 on every Linux
 * build we know of, which is also what we assume if getconf is missing.
 */
export function clockTicksPerSecond(): number {
  if (clockTicks === null) {
    const probe = runCommandSync('getconf', ['CLK_TCK'], { timeoutMs: 2_000 });
    const value = Number(probe.stdout.trim());
    clockTicks = probe.ok && Number.isInteger(value) && value > 0 ? value : 100;
  }
  return clockTicks;
}

export interface ProcessUsage {
  /** utime + stime since the process started, seconds. */
  cpuSeconds: number;
  /** Resident set size now; 0 when the kernel reports none (a zombie). */
  rssBytes: number;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The usage of exactly the recorded process; null when that PID is gone or is another process now. */
export function readProcessUsage(identity: ProcessIdentity, ticksPerSecond = clockTicksPerSecond()): ProcessUsage | null {
  if (identity.startTime === null || !Number.isInteger(identity.pid) || identity.pid <= 0) return null;
  const statText = readText(`/proc/${identity.pid}/stat`);
  const stat = statText === null ? null : parseProcStat(statText);
  if (!stat || stat.startTime !== identity.startTime) return null;
  const statusText = readText(`/proc/${identity.pid}/status`);
  const rssBytes = statusText === null ? null : parseVmRssBytes(statusText);
  // Read the status after the stat; check again that the PID was not reused in between.
  const again = readText(`/proc/${identity.pid}/stat`);
  if (again === null || parseProcStat(again)?.startTime !== identity.startTime) return null;
  return { cpuSeconds: (stat.utimeTicks + stat.stimeTicks) / ticksPerSecond, rssBytes: rssBytes ?? 0 };
}

export interface MachineSample {
  load: LoadAverage | null;
  cpu: CpuTimes | null;
}

export function readMachineSample(): MachineSample {
  const loadText = readText('/proc/loadavg');
  const statText = readText('/proc/stat');
  return { load: loadText === null ? null : parseLoadAvg(loadText), cpu: statText === null ? null : parseCpuTimes(statText) };
}

/** The scheduler's account of one thread (/proc/…/schedstat): time on a CPU and time runnable but waiting for one. */
export interface ThreadSchedstat {
  onCpuNs: number;
  runqueueWaitNs: number;
}

/** "onCpuNs runqueueWaitNs timeslices" (the kernel's schedstat line); null when it is not that. */
export function parseSchedstat(text: string): ThreadSchedstat | null {
  const fields = text.trim().split(/\s+/).map(Number);
  if (fields.length < 2 || !fields.slice(0, 2).every((n) => Number.isFinite(n) && n >= 0)) return null;
  return { onCpuNs: fields[0] as number, runqueueWaitNs: fields[1] as number };
}

/**
 * The calling thread's schedstat: how long it has waited, runnable, for a core. Over an interval,
 * Δwait ÷ Δwall is the share of time a timing-critical thread (the sender) was ready to run and
 * could not: what a busy machine adds to its schedule lag. Null without /proc/thread-self.
 */
export function readThreadSchedstat(): ThreadSchedstat | null {
  const text = readText('/proc/thread-self/schedstat');
  return text === null ? null : parseSchedstat(text);
}
