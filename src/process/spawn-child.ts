import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { identify, type ProcessIdentity } from './identity.js';

/**
 * A child that lives as long as we do and talks to us on stdout/stderr (the processor
 * instances). The caller reads the streams; stopping goes through stop.ts with `identity`.
 */
export interface ChildSpawn {
  command: string;
  args: string[];
  /** Added to our environment. */
  env?: Record<string, string>;
  cwd?: string;
}

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ChildHandle {
  readonly identity: ProcessIdentity;
  readonly stdout: Readable;
  readonly stderr: Readable;
  /** Resolves once the child has exited and its stdout/stderr are drained (nothing is read after). */
  readonly exit: Promise<ChildExit>;
  /** How it exited; null while it runs. */
  exitStatus(): ChildExit | null;
}

export function spawnChild(spec: ChildSpawn): ChildHandle {
  const child = spawn(spec.command, spec.args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...spec.env },
    ...(spec.cwd ? { cwd: spec.cwd } : {}),
  });
  child.on('error', () => undefined); // a failed spawn is thrown below; later errors show as the exit
  if (child.pid === undefined) throw new Error(`could not start ${spec.command}`);
  const identity = identify(child.pid);
  let status: ChildExit | null = null;
  // 'close', not 'exit': stdio is drained too, so no output arrives after the exit is reported.
  const exit = new Promise<ChildExit>((resolve) => {
    child.once('close', (code, signal) => {
      status = { code, signal };
      resolve(status);
    });
  });
  return { identity, stdout: child.stdout, stderr: child.stderr, exit, exitStatus: () => status };
}
