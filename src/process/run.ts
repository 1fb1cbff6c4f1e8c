import { spawn } from 'node:child_process';
import { identify } from './identity.js';
import { stopProcess } from './stop.js';

/**
 * Running a command to completion (mvn, pip, StorageTool, apt-get, docker compose) with its
 * output captured and an optional timeout. A timed-out command is stopped like any other
 * process of ours: SIGTERM, then SIGKILL after killGraceMs.
 */
export interface RunOptions {
  /** Added to our environment. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** No limit when absent. */
  timeoutMs?: number;
  /** After a timeout, how long SIGTERM may take before SIGKILL; default 2 s. */
  killGraceMs?: number;
  /** Each chunk of stdout or stderr as it arrives (e.g. to forward docker's progress). */
  onOutput?: (chunk: string) => void;
}

export interface RunResult {
  /** Exited with code 0 in time. */
  ok: boolean;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in arrival order (runCommandSync: stdout, then stderr). */
  output: string;
  timedOut: boolean;
  /** The command could not be started at all (e.g. ENOENT: not on PATH). */
  spawnError: Error | null;
}

export function runCommand(command: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...options.env },
      ...(options.cwd ? { cwd: options.cwd } : {}),
    });
    let stdout = '';
    let stderr = '';
    let output = '';
    let timedOut = false;
    let spawnError: Error | null = null;
    const collect = (into: 'stdout' | 'stderr') => (data: Buffer) => {
      const text = data.toString('utf8');
      if (into === 'stdout') stdout += text;
      else stderr += text;
      output += text;
      options.onOutput?.(text);
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    const identity = child.pid === undefined ? null : identify(child.pid);
    const timer =
      options.timeoutMs === undefined || identity === null
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            void stopProcess(identity, { graceMs: options.killGraceMs ?? 2_000 });
          }, options.timeoutMs);
    const finish = (code: number | null, signal: NodeJS.Signals | null) => {
      clearTimeout(timer);
      resolve({ ok: code === 0 && !timedOut && spawnError === null, code, signal, stdout, stderr, output, timedOut, spawnError });
    };
    child.on('error', (error) => {
      spawnError = error;
      if (identity === null) finish(null, null); // never started: no 'close' is coming
    });
    child.on('close', finish);
  });
}
