import { setTimeout as sleep } from 'node:timers/promises';
import { isRunning, type ProcessIdentity } from './identity.js';

/**
 * Waiting for a recorded process to end, by polling /proc: it works for processes started by an
 * earlier command (the stack's services after `up` has exited) as well as for our own children.
 */
export async function waitUntilExited(identity: ProcessIdentity, timeoutMs: number, pollMs = 100): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isRunning(identity)) {
    if (Date.now() >= deadline) return false;
    await sleep(Math.min(pollMs, Math.max(1, deadline - Date.now())));
  }
  return true;
}
