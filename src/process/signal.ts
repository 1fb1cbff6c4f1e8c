import { isSameProcess, readStartTime, type ProcessIdentity } from './identity.js';

/**
 * The only place that calls process.kill. A signal goes to a recorded process only after its
 * start time has been checked, so a PID reused by someone else's process is never signalled.
 */
export type SignalOutcome = 'sent' | 'not-running' | 'not-ours';

export interface SignalOptions {
  /**
   * Signal the whole process group the recorded process leads (it was spawned detached), so
   * its own children get the signal too. Sent only while the leader is still the recorded
   * process: members that outlive their leader are left alone, as nothing proves the group
   * number is still ours.
   */
  group?: boolean;
}

export function signalProcess(identity: ProcessIdentity, signal: NodeJS.Signals | 0, options: SignalOptions = {}): SignalOutcome {
  if (!isSameProcess(identity)) return readStartTime(identity.pid) === null ? 'not-running' : 'not-ours';
  try {
    process.kill(options.group ? -identity.pid : identity.pid, signal);
    return 'sent';
  } catch (error) {
    // ESRCH: it exited between the check and the signal.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return 'not-running';
    throw error;
  }
}
