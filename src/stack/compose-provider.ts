import { join } from 'node:path';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { DEFAULT_PORTS, type StackEndpoints } from '../base/endpoints.js';
import { runCommand } from '../process/run.js';
import { ensureJmxExporter, repoRoot } from './native/install.js';
import { assertTools, checkDockerCompose } from './native/tools.js';
import { removeStackState, writeStackState, type StackState } from './state.js';

/**
 * The compose provider: docker-compose.yml at the repo root (3 Kafka brokers, LocalStack for
 * Firehose + S3, Prometheus, Grafana) published on the same loopback ports as the native stack.
 * Docker owns these processes, so the state file records no PIDs.
 */
export const COMPOSE_PROJECT = 'streamproof';

/** `docker compose` with this project and file, then `args`: every compose command line the provider runs. */
export function composeCommandLine(args: string[]): string[] {
  return ['compose', '-p', COMPOSE_PROJECT, '-f', join(repoRoot, 'docker-compose.yml'), ...args];
}

async function docker(args: string[], log: (line: string) => void, env?: NodeJS.ProcessEnv): Promise<void> {
  const result = await runCommand('docker', composeCommandLine(args), {
    ...(env ? { env } : {}),
    onOutput: (chunk) => {
      for (const line of chunk.split('\n')) if (line.trim()) log(`  ${line.trim()}`);
    },
  });
  if (result.spawnError) throw result.spawnError;
  if (!result.ok) {
    throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `docker compose ${args[0]} failed (exit ${result.code}):\n${result.output.trim().split('\n').slice(-15).join('\n')}`, {
      hint: 'is the Docker engine running (`docker info`)? or use `--provider native`',
    });
  }
}

export function composeEndpoints(): StackEndpoints {
  return {
    provider: 'compose',
    kafka: { bootstrapServers: DEFAULT_PORTS.kafkaBroker.map((p) => `127.0.0.1:${p}`), brokers: 3, tls: false },
    aws: { endpoint: `http://127.0.0.1:${DEFAULT_PORTS.aws}`, region: 'us-east-1', forcePathStyle: true, firehoseBehaviour: 'emulator-immediate' },
    prometheus: { url: `http://127.0.0.1:${DEFAULT_PORTS.prometheus}`, targetsDir: join(repoRoot, 'stack', 'prometheus', 'targets'), targetHost: 'host.docker.internal' },
    grafana: { url: `http://127.0.0.1:${DEFAULT_PORTS.grafana}` },
  };
}

export async function composeUp(log: (line: string) => void): Promise<StackState> {
  assertTools([checkDockerCompose()]);
  // The brokers mount the JMX exporter agent built on the host (docker-compose.yml, x-kafka-common).
  const { jar } = await ensureJmxExporter(log);
  await docker(['up', '-d', '--wait'], log, { STREAMPROOF_JMX_AGENT_JAR: jar });
  const state: StackState = { version: 1, startedAt: new Date().toISOString(), endpoints: composeEndpoints(), processes: [], runDir: '' };
  await writeStackState(state);
  return state;
}

export async function composeDown(log: (line: string) => void): Promise<void> {
  await docker(['down', '-v'], log);
  await removeStackState();
}

/** Runs one compose command (fault injection: kill/start/pause/unpause of one service's container). */
export function composeRun(args: string[], log: (line: string) => void): Promise<void> {
  return docker(args, log);
}

export function composeLogs(service: string, lines: number, log: (line: string) => void): Promise<void> {
  return docker(['logs', '--no-color', '--tail', String(lines), service], log);
}
