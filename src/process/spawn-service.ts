import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { identify, type ProcessIdentity } from './identity.js';

/**
 * A long-running service that outlives the command starting it (the stack's Kafka nodes, moto,
 * Prometheus after `stack up` returns). Detached: it leads its own process group, so a Ctrl-C
 * in the terminal does not reach it and only the harness decides when it stops. Its stdout and
 * stderr are appended to logFile.
 */
export interface ServiceSpawn {
  command: string;
  args: string[];
  /** Added to our environment. */
  env?: Record<string, string>;
  cwd?: string;
  logFile: string;
}

export function spawnService(spec: ServiceSpawn): ProcessIdentity {
  const out = openSync(spec.logFile, 'a');
  try {
    const child = spawn(spec.command, spec.args, {
      detached: true,
      stdio: ['ignore', out, out],
      env: { ...process.env, ...spec.env },
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
    });
    // A failed spawn reports through 'error' on the next tick; without a listener that would
    // crash us, and the thrown error below already says what failed.
    child.on('error', () => undefined);
    if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
    child.unref();
    return identify(child.pid);
  } finally {
    closeSync(out);
  }
}
