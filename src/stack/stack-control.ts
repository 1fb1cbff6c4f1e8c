import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { composeDown, composeLogs, composeUp } from './compose-provider.js';
import { describeEndpoints } from './describe.js';
import { nativeDown, nativeServiceHealth, nativeUp } from './native/native-provider.js';
import { lastLogLines } from './native/processes.js';
import { readStackState, stateFilePath, type StackState } from './state.js';

/**
 * The provider-independent stack commands behind `npm run stack` (and used by the runner
 * and the tests): up, status, down, logs, provision.
 */
export interface StackUpOptions {
  brokers: 1 | 3;
  provider: 'native' | 'compose';
  portOffset: number;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export async function stackUp(options: StackUpOptions): Promise<{ state: StackState; reused: boolean; elapsedMs: number }> {
  const startedMs = performance.now();
  if (options.provider === 'compose') {
    // docker-compose.yml fixes three brokers and the default ports: refuse what it would ignore.
    if (options.brokers !== 3) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `the compose provider runs 3 brokers (docker-compose.yml), not ${options.brokers}`, {
        hint: 'use --brokers 3 with --provider compose, or --provider native for 1 broker',
      });
    }
    if (options.portOffset !== 0) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `the compose provider publishes fixed ports (docker-compose.yml); port offset ${options.portOffset} cannot move them`, {
        hint: 'unset STREAMPROOF_PORT_OFFSET / drop --port-offset for compose, or use --provider native',
      });
    }
    const state = await composeUp(options.log);
    return { state, reused: false, elapsedMs: performance.now() - startedMs };
  }
  const { state, reused } = await nativeUp({
    brokers: options.brokers,
    portOffset: options.portOffset,
    log: options.log,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { state, reused, elapsedMs: performance.now() - startedMs };
}

export async function requireState(): Promise<StackState> {
  const state = await readStackState();
  if (!state) {
    throw new StreamproofError(ERROR_CODES.STACK_NOT_RUNNING, `no stack is running (no state file at ${stateFilePath()})`, {
      hint: 'start one with `npm run stack -- up`',
    });
  }
  return state;
}

/** Prints every service with PID and health; returns whether all are healthy. */
export async function stackStatus(print: (line: string) => void): Promise<boolean> {
  const state = await readStackState();
  if (!state) {
    print('no stack is running (start one with `npm run stack -- up`)');
    return false;
  }
  print(describeEndpoints(state.endpoints).trimEnd());
  print('');
  if (state.endpoints.provider !== 'native') {
    print(`services are managed by ${state.endpoints.provider}; see \`docker compose ps\``);
    return true;
  }
  const rows = await nativeServiceHealth(state);
  print(`${'service'.padEnd(12)} ${'pid'.padEnd(8)} ${'health'.padEnd(10)} detail`);
  for (const row of rows) {
    print(`${row.service.padEnd(12)} ${String(row.pid).padEnd(8)} ${(row.paused ? 'PAUSED' : row.probe.healthy ? 'healthy' : 'UNHEALTHY').padEnd(10)} ${row.probe.detail}`);
  }
  return rows.every((r) => r.probe.healthy);
}

export async function stackDown(log: (line: string) => void): Promise<void> {
  const state = await readStackState();
  if (!state) {
    log('no stack is running: nothing to stop');
    return;
  }
  if (state.endpoints.provider === 'compose') await composeDown(log);
  else await nativeDown(state, log);
  log('stack down');
}

export async function stackLogs(service: string, lines: number, print: (line: string) => void): Promise<void> {
  const state = await requireState();
  if (state.endpoints.provider === 'compose') return composeLogs(service, lines, print);
  const proc = state.processes.find((p) => p.service === service);
  if (!proc) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `no service "${service}" in this stack`, {
      hint: `services: ${state.processes.map((p) => p.service).join(', ')}`,
    });
  }
  print(lastLogLines(proc.logFile, lines));
}
