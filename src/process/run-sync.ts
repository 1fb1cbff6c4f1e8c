import { spawnSync } from 'node:child_process';
import type { RunResult } from './run.js';

/**
 * Running a quick probe synchronously (`java -version`, `git rev-parse HEAD`), for callers that
 * are synchronous themselves. A synchronous call cannot escalate, so a timed-out command gets
 * SIGKILL at once: a SIGTERM it ignored would block us for good.
 */
export interface RunSyncOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs: number;
}

export function runCommandSync(command: string, args: string[], options: RunSyncOptions): RunResult {
  const result = spawnSync(command, args, {
    encoding: 'utf8',
    timeout: options.timeoutMs,
    killSignal: 'SIGKILL',
    env: { ...process.env, ...options.env },
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const stdout = result.stdout ?? '';
  const stderr = result.stderr ?? '';
  const timedOut = (result.error as NodeJS.ErrnoException | undefined)?.code === 'ETIMEDOUT';
  const spawnError = result.error && !timedOut ? result.error : null;
  return {
    ok: result.status === 0 && !result.error,
    code: result.status,
    signal: result.signal,
    stdout,
    stderr,
    // spawnSync keeps the streams apart, so here they are concatenated, not interleaved.
    output: `${stdout}${stderr}`,
    timedOut,
    spawnError,
  };
}
