import { readFileSync } from 'node:fs';

/**
 * Who a PID is. A PID alone is not a process: once a process exits its number can be handed to
 * another one. The start time (field 22 of /proc/<pid>/stat, clock ticks since boot) never
 * changes for the life of a process, so { pid, startTime } names exactly one process, and
 * `isSameProcess` is the check every signal goes through.
 */
export interface ProcessIdentity {
  pid: number;
  /** Null when it could not be read at start (the process was already gone); such a record matches nothing. */
  startTime: number | null;
}

interface ProcStat {
  /** R, S, D, Z (zombie: exited, not yet reaped), X (dead), ... */
  state: string;
  startTime: number;
}

function readProcStat(pid: number): ProcStat | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Field 2 (the command name, in parentheses) may contain spaces and ')': fields after the
  // last ')' are at fixed positions, the first of them being field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const startTime = Number(fields[19]);
  if (!fields[0] || !Number.isFinite(startTime)) return null;
  return { state: fields[0], startTime };
}

export function readStartTime(pid: number): number | null {
  return readProcStat(pid)?.startTime ?? null;
}

/** The identity of a PID as it is now: call it right after spawning, while the PID is surely ours. */
export function identify(pid: number): ProcessIdentity {
  return { pid, startTime: readStartTime(pid) };
}

/** True while the PID still belongs to the process that was recorded (zombies included). */
export function isSameProcess(identity: ProcessIdentity): boolean {
  if (identity.startTime === null) return false;
  return readStartTime(identity.pid) === identity.startTime;
}

/** The recorded process exists and has not exited (a zombie has exited; it only awaits reaping). */
export function isRunning(identity: ProcessIdentity): boolean {
  if (identity.startTime === null) return false;
  const stat = readProcStat(identity.pid);
  return stat !== null && stat.startTime === identity.startTime && stat.state !== 'Z' && stat.state !== 'X';
}

/** The recorded process is stopped by a signal (SIGSTOP: state T), i.e. paused, not dead. */
export function isStopped(identity: ProcessIdentity): boolean {
  if (identity.startTime === null) return false;
  const stat = readProcStat(identity.pid);
  return stat !== null && stat.startTime === identity.startTime && stat.state === 'T';
}
