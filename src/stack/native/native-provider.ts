import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { StackEndpoints } from '../../base/endpoints.js';
import { healthTimeoutMs, probeHttp, probeKafka, probeMoto, waitUntilHealthy, type ProbeResult } from '../health.js';
import { assertPortsFree, stackPorts, type StackPorts } from '../ports.js';
import { readStackState, removeStackState, stateDir, writeStackState, type ManagedProcess, type StackState } from '../state.js';
import { ensureNativeInstall, KAFKA_VERSION, type NativeInstall } from './install.js';
import { makeClusterId, renderKafkaLog4j2Yaml, renderKafkaServerProperties } from './kafka-config.js';
import { waitUntilExited } from '../../process/wait.js';
import { isStopped } from '../../process/identity.js';
import { signalProcess } from '../../process/signal.js';
import { identityOf, isAlive, killProcess, lastLogLines, stackRegistry, startService, stopProcess, type ServiceCommand } from './processes.js';
import { renderPrometheusConfig } from './prometheus-config.js';
import { runToCompletion } from './run-command.js';

/**
 * The native provider: real Kafka (KRaft), moto (Firehose + S3) and Prometheus as processes on
 * 127.0.0.1, started from the install cache. Every PID it starts is written to the state file
 * before anything waits on it, so `down` (or Ctrl-C) can always stop exactly those PIDs.
 */
export interface NativeUpOptions {
  brokers: 1 | 3;
  portOffset: number;
  log: (line: string) => void;
  /** Aborted on Ctrl-C: everything started so far is stopped. */
  signal?: AbortSignal;
}

export function kafkaServiceName(nodeId: number): string {
  return `kafka-${nodeId}`;
}

function endpointsFor(brokers: number, ports: StackPorts, targetsDir: string): StackEndpoints {
  return {
    provider: 'native',
    kafka: { bootstrapServers: ports.kafkaBroker.map((p) => `127.0.0.1:${p}`), brokers, tls: false },
    aws: { endpoint: `http://127.0.0.1:${ports.aws}`, region: 'us-east-1', forcePathStyle: true, firehoseBehaviour: 'emulator-immediate' },
    prometheus: { url: `http://127.0.0.1:${ports.prometheus}`, targetsDir, targetHost: '127.0.0.1' },
  };
}

function kafkaCommand(install: NativeInstall, runDir: string, nodeId: number, jmxMetricsPort: number): ServiceCommand {
  const nodeDir = join(runDir, kafkaServiceName(nodeId));
  const { jar, rules } = install.jmxExporter;
  return {
    service: kafkaServiceName(nodeId),
    command: 'java',
    args: [
      '-Xms512m',
      '-Xmx1g',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-Djava.awt.headless=true',
      // Broker metrics for Prometheus, on loopback only (see stack/kafka/jmx-exporter/).
      `-javaagent:${jar}=127.0.0.1:${jmxMetricsPort}:${rules}`,
      `-Dlog4j2.configurationFile=${join(runDir, 'kafka-log4j2.yaml')}`,
      `-Dkafka.logs.dir=${nodeDir}`,
      '-cp',
      install.kafkaClasspath,
      'kafka.Kafka',
      join(nodeDir, 'server.properties'),
    ],
    logFile: join(runDir, `${kafkaServiceName(nodeId)}.log`),
    dataDir: nodeDir,
  };
}

async function prepareKafkaNodes(install: NativeInstall, runDir: string, brokers: number, ports: StackPorts): Promise<void> {
  await writeFile(join(runDir, 'kafka-log4j2.yaml'), renderKafkaLog4j2Yaml());
  const clusterId = makeClusterId(() => randomBytes(16));
  await Promise.all(
    Array.from({ length: brokers }, async (_, i) => {
      const nodeId = i + 1;
      const nodeDir = join(runDir, kafkaServiceName(nodeId));
      const logDir = join(nodeDir, 'data');
      await mkdir(logDir, { recursive: true });
      const props = join(nodeDir, 'server.properties');
      await writeFile(props, renderKafkaServerProperties({ nodeId, brokers, brokerPorts: ports.kafkaBroker, controllerPorts: ports.kafkaController, logDir }));
      // Same cluster id for every node; static quorum, so no --standalone/--initial-controllers.
      await runToCompletion('java', ['-cp', install.kafkaClasspath, `-Dlog4j2.configurationFile=${join(runDir, 'kafka-log4j2.yaml')}`,
        'kafka.tools.StorageTool', 'format', '-t', clusterId, '-c', props, '--ignore-formatted'], join(nodeDir, 'format.log'));
    }),
  );
}

export async function nativeUp(options: NativeUpOptions): Promise<{ state: StackState; reused: boolean }> {
  const existing = await readStackState();
  if (existing) {
    const dead = existing.processes.filter((p) => !isAlive(p));
    if (dead.length === 0) {
      if (existing.endpoints.provider !== 'native' || existing.endpoints.kafka.brokers !== options.brokers) {
        throw new StreamproofError(ERROR_CODES.STACK_CONFLICT,
          `a ${existing.endpoints.provider} stack with ${existing.endpoints.kafka.brokers} broker(s) is already up`, {
            hint: 'reuse it as is, or run `npm run stack -- down` first',
          });
      }
      return { state: existing, reused: true };
    }
    options.log(`previous stack is partly down (${dead.map((p) => p.service).join(', ')} not running): stopping the rest and starting fresh`);
    await nativeDown(existing, options.log);
  }

  const install = await ensureNativeInstall(options.log);
  const ports = stackPorts(options.brokers, options.portOffset);
  await assertPortsFree([
    ...ports.kafkaBroker.map((port, i) => ({ service: `${kafkaServiceName(i + 1)} broker`, port })),
    ...ports.kafkaController.map((port, i) => ({ service: `${kafkaServiceName(i + 1)} controller`, port })),
    ...ports.kafkaJmxMetrics.map((port, i) => ({ service: `${kafkaServiceName(i + 1)} JMX metrics`, port })),
    { service: 'moto (Firehose/S3)', port: ports.aws },
    { service: 'prometheus', port: ports.prometheus },
  ]);

  const runDir = join(stateDir(), `run-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const targetsDir = join(runDir, 'prometheus-targets');
  await mkdir(targetsDir, { recursive: true });
  const state: StackState = {
    version: 1,
    startedAt: new Date().toISOString(),
    endpoints: endpointsFor(options.brokers, ports, targetsDir),
    processes: [],
    runDir,
  };
  const start = async (cmd: ServiceCommand): Promise<ManagedProcess> => {
    options.signal?.throwIfAborted();
    const proc = { ...startService(cmd), command: { command: cmd.command, args: cmd.args, ...(cmd.env ? { env: cmd.env } : {}) } };
    state.processes.push(proc);
    await writeStackState(state); // recorded before we wait on it: Ctrl-C can always clean up
    return proc;
  };

  try {
    options.log(`starting Kafka ${KAFKA_VERSION} (${options.brokers} KRaft node${options.brokers > 1 ? 's' : ''}), moto, Prometheus on 127.0.0.1`);
    await prepareKafkaNodes(install, runDir, options.brokers, ports);
    const kafkaProcs: ManagedProcess[] = [];
    for (let nodeId = 1; nodeId <= options.brokers; nodeId += 1) {
      const jmxPort = ports.kafkaJmxMetrics[nodeId - 1];
      if (jmxPort === undefined) throw new Error(`no JMX metrics port for Kafka node ${nodeId}`);
      kafkaProcs.push(await start(kafkaCommand(install, runDir, nodeId, jmxPort)));
    }
    const moto = await start({
      service: 'moto',
      command: install.motoServer,
      args: ['-H', '127.0.0.1', '-p', String(ports.aws)],
      logFile: join(runDir, 'moto.log'),
    });
    await writeFile(join(runDir, 'prometheus.yml'), renderPrometheusConfig({ prometheusPort: ports.prometheus, targetsDir, brokerMetricsPorts: ports.kafkaJmxMetrics }));
    const prometheus = await start({
      service: 'prometheus',
      command: install.prometheus,
      args: [
        `--config.file=${join(runDir, 'prometheus.yml')}`,
        `--web.listen-address=127.0.0.1:${ports.prometheus}`,
        `--storage.tsdb.path=${join(runDir, 'prometheus-data')}`,
        '--storage.tsdb.retention.time=2d',
        '--web.enable-lifecycle',
      ],
      logFile: join(runDir, 'prometheus.log'),
      dataDir: join(runDir, 'prometheus-data'),
    });

    const diedCheck = (proc: ManagedProcess) => () => {
      options.signal?.throwIfAborted();
      if (!isAlive(proc)) {
        throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `${proc.service} exited during startup\n--- last log lines ---\n${lastLogLines(proc.logFile)}`, {
          hint: `see ${proc.logFile}`,
        });
      }
    };
    const endpoints = state.endpoints;
    await Promise.all([
      waitUntilHealthy(() => probeKafka(endpoints.kafka, options.brokers), {
        service: 'kafka',
        timeoutMs: healthTimeoutMs(120),
        intervalMs: 1000,
        stillRunning: () => kafkaProcs.forEach((p) => diedCheck(p)()),
        logTail: () => kafkaProcs.map((p) => `[${p.service}]\n${lastLogLines(p.logFile, 10)}`).join('\n'),
      }),
      ...ports.kafkaJmxMetrics.map((port, i) => waitUntilHealthy(() => probeHttp(`http://127.0.0.1:${port}/metrics`), {
        service: `${kafkaServiceName(i + 1)} JMX metrics`,
        timeoutMs: healthTimeoutMs(60),
        stillRunning: () => kafkaProcs.forEach((p) => diedCheck(p)()),
      })),
      waitUntilHealthy(() => probeMoto(endpoints.aws.endpoint ?? ''), {
        service: 'moto', timeoutMs: healthTimeoutMs(60), stillRunning: diedCheck(moto), logTail: () => lastLogLines(moto.logFile),
      }),
      waitUntilHealthy(() => probeHttp(`${endpoints.prometheus?.url}/-/ready`), {
        service: 'prometheus', timeoutMs: healthTimeoutMs(60), stillRunning: diedCheck(prometheus), logTail: () => lastLogLines(prometheus.logFile),
      }),
    ]);
    return { state, reused: false };
  } catch (error) {
    options.log('startup failed: stopping what was started');
    await nativeDown(state, options.log);
    throw error;
  }
}

export async function nativeDown(state: StackState, log: (line: string) => void): Promise<void> {
  // A paused (SIGSTOP) service would ignore SIGTERM until its grace ran out: resume it first.
  for (const proc of state.processes) {
    if (isStopped(identityOf(proc))) {
      signalProcess(identityOf(proc), 'SIGCONT');
      log(`resumed paused ${proc.service} (pid ${proc.pid}) before stopping it`);
    }
  }
  // Latest first (Prometheus, moto), then all Kafka nodes together: see stackRegistry.
  await stackRegistry(state.processes).stopAll({
    graceMs: 15_000,
    onStopped: ({ name, pid, outcome }) => {
      if (outcome === 'not-ours') log(`${name}: pid ${pid} now belongs to another process (start time differs); left alone`);
      else if (outcome !== 'not-running') log(`stopped ${name} (pid ${pid}, ${outcome})`);
    },
  });
  await rm(state.runDir, { recursive: true, force: true });
  await removeStackState();
}

export async function nativeServiceHealth(state: StackState): Promise<Array<{ service: string; pid: number; alive: boolean; paused: boolean; probe: ProbeResult }>> {
  const endpoints = state.endpoints;
  const kafkaProbe = await probeKafka(endpoints.kafka, endpoints.kafka.brokers);
  const motoProbe = await probeMoto(endpoints.aws.endpoint ?? '');
  const promProbe = endpoints.prometheus ? await probeHttp(`${endpoints.prometheus.url}/-/ready`) : { healthy: false, detail: 'not configured' };
  return state.processes.map((proc) => {
    const alive = isAlive(proc);
    let probe: ProbeResult = proc.service.startsWith('kafka-') ? kafkaProbe : proc.service === 'moto' ? motoProbe : promProbe;
    if (!alive) probe = { healthy: false, detail: 'process not running' };
    const paused = alive && isStopped(identityOf(proc));
    if (paused) probe = { healthy: false, detail: `paused (SIGSTOP); ${probe.detail}` };
    return { service: proc.service, pid: proc.pid, alive, paused, probe };
  });
}

/**
 * Fault injection on the native stack: kill (SIGKILL) or stop (SIGTERM) one service by the PID
 * recorded in the state, and start it again with the exact command it was started with.
 */
export async function nativeStopService(state: StackState, service: string, how: 'kill' | 'stop'): Promise<void> {
  const proc = state.processes.find((p) => p.service === service);
  if (!proc) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `no service "${service}" in this stack`, {
      hint: `services: ${state.processes.map((p) => p.service).join(', ')}`,
    });
  }
  if (how === 'kill') {
    killProcess(proc);
    await waitUntilExited(identityOf(proc), 5_000, 50);
  } else {
    await stopProcess(proc);
  }
}

export async function nativeStartService(state: StackState, service: string): Promise<StackState> {
  const index = state.processes.findIndex((p) => p.service === service);
  const proc = state.processes[index];
  if (!proc?.command) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `no restartable service "${service}" in this stack`);
  }
  if (isAlive(proc)) return state;
  const restarted = startService({
    service,
    command: proc.command.command,
    args: proc.command.args,
    ...(proc.command.env ? { env: proc.command.env } : {}),
    logFile: proc.logFile,
    ...(proc.dataDir ? { dataDir: proc.dataDir } : {}),
  });
  const processes = [...state.processes];
  processes[index] = { ...restarted, command: proc.command };
  const next = { ...state, processes };
  await writeStackState(next);
  return next;
}
