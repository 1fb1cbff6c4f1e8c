import { isRunning, isSameProcess, readStartTime, type ProcessIdentity } from './identity.js';
import { signalProcess, type SignalOptions } from './signal.js';
import { waitUntilExited } from './wait.js';

/**
 * "Stop this process safely", for the stack's services and the processor children alike:
 * SIGTERM, wait up to graceMs, then SIGKILL; every signal checked against the recorded identity.
 */
export type StopOutcome =
  | 'not-running'
  /** The PID now belongs to a process we did not start: left alone. */
  | 'not-ours'
  | 'terminated'
  | 'killed';

export interface StopOptions extends SignalOptions {
  /** How long SIGTERM may take before SIGKILL; default 15 s (a Kafka node's controlled shutdown). */
  graceMs?: number;
  /** How long to wait for the exit after SIGKILL; default 5 s. */
  killWaitMs?: number;
}

function notRunningOutcome(identity: ProcessIdentity): StopOutcome {
  // A live PID with another start time is a reused PID; an exited-but-unreaped one is ours, gone.
  return !isSameProcess(identity) && readStartTime(identity.pid) !== null ? 'not-ours' : 'not-running';
}

export async function stopProcess(identity: ProcessIdentity, options: StopOptions = {}): Promise<StopOutcome> {
  const { graceMs = 15_000, killWaitMs = 5_000 } = options;
  if (!isRunning(identity)) return notRunningOutcome(identity);
  if (signalProcess(identity, 'SIGTERM', options) !== 'sent') return 'not-running';
  if (await waitUntilExited(identity, graceMs)) return 'terminated';
  return killProcess(identity, { ...options, waitMs: killWaitMs });
}

/** Immediate SIGKILL (a crash, for fault injection), then wait up to waitMs for the exit. */
export async function killProcess(identity: ProcessIdentity, options: SignalOptions & { waitMs?: number } = {}): Promise<StopOutcome> {
  if (!isRunning(identity)) return notRunningOutcome(identity);
  if (signalProcess(identity, 'SIGKILL', options) !== 'sent') return 'not-running';
  await waitUntilExited(identity, options.waitMs ?? 5_000);
  return 'killed';
}
