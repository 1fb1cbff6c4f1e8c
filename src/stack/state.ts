import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { StackEndpoints } from '../base/endpoints.js';

/**
 * Where the harness keeps things outside the repo:
 *  - install cache (Kafka jars, moto virtualenv): $STREAMPROOF_CACHE_DIR or ~/.cache/streamproof
 *  - state of the running stack (ports, PIDs, data dirs): $STREAMPROOF_STATE_DIR or <cache>/state
 */
export function cacheDir(): string {
  return process.env.STREAMPROOF_CACHE_DIR ?? join(homedir(), '.cache', 'streamproof');
}

export function stateDir(): string {
  return process.env.STREAMPROOF_STATE_DIR ?? join(cacheDir(), 'state');
}

export function stateFilePath(): string {
  return join(stateDir(), 'stack.json');
}

export interface ManagedProcess {
  service: string;
  pid: number;
  /** Process start time as seen in /proc (clock ticks); guards against PID reuse before kill. */
  startTicks: number | null;
  logFile: string;
  dataDir?: string;
  /** How to start it again (fault injection restarts a stopped service exactly as before). */
  command?: { command: string; args: string[]; env?: Record<string, string> };
}

export interface StackState {
  version: 1;
  startedAt: string;
  endpoints: StackEndpoints;
  processes: ManagedProcess[];
  /** Directory holding this stack's data and logs; removed by `down`. */
  runDir: string;
}

export async function readStackState(): Promise<StackState | null> {
  try {
    return JSON.parse(await readFile(stateFilePath(), 'utf8')) as StackState;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export async function writeStackState(state: StackState): Promise<void> {
  const file = stateFilePath();
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(state, null, 2));
  await rename(tmp, file); // atomic: readers never see half a file
}

export async function removeStackState(): Promise<void> {
  await rm(stateFilePath(), { force: true });
}

/**
 * Endpoints of the stack to use: the running stack's state file, else the external provider's
 * environment (STREAMPROOF_KAFKA_BOOTSTRAP ...). Throws STACK_NOT_RUNNING with a hint otherwise.
 */
export async function loadStackEndpoints(): Promise<StackEndpoints> {
  const state = await readStackState();
  if (state) return state.endpoints;
  const { externalEndpointsFromEnv } = await import('./external.js');
  const external = externalEndpointsFromEnv(process.env);
  if (external) return external;
  throw new StreamproofError(ERROR_CODES.STACK_NOT_RUNNING, `no stack is running (no state file at ${stateFilePath()})`, {
    hint: 'start one with `npm run stack -- up`, or set STREAMPROOF_KAFKA_BOOTSTRAP for an external cluster',
  });
}
