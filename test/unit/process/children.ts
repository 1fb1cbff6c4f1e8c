import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { spawnChild, type ChildHandle } from '../../../src/process/spawn-child.js';

/** Tiny `node -e` children for the process-module tests; each prints "ready" once its handlers are set. */
export const IGNORES_SIGTERM = "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000);";
export const EXITS_ON_SIGTERM = "process.on('SIGTERM', () => process.exit(0)); console.log('ready'); setInterval(() => {}, 1000);";

const running: ChildHandle[] = [];

export async function startNodeChild(script: string, args: string[] = []): Promise<ChildHandle> {
  const child = spawnChild({ command: process.execPath, args: ['-e', script, ...args] });
  running.push(child);
  const lines = createInterface({ input: child.stdout });
  const [line] = (await Promise.race([once(lines, 'line'), child.exit.then(() => ['exited'])])) as string[];
  if (line !== 'ready') throw new Error(`child did not get ready: ${line}`);
  return child;
}

/** afterEach: no test leaves a child behind, even when it fails half way. */
export async function killLeftovers(): Promise<void> {
  for (const child of running.splice(0)) {
    if (child.exitStatus() === null) process.kill(child.identity.pid, 'SIGKILL');
    await child.exit;
  }
}
