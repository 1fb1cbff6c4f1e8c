import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { isStopped } from '../process/identity.js';
import { signalProcess } from '../process/signal.js';
import { composeRun } from './compose-provider.js';
import { probeKafka, waitUntilHealthy } from './health.js';
import { kafkaServiceName, nativeStartService, nativeStopService } from './native/native-provider.js';
import { identityOf, isAlive, lastLogLines } from './native/processes.js';
import { readStackState, type ManagedProcess, type StackState } from './state.js';

/**
 * Control of the stack's brokers and of the Firehose/S3 endpoint, for fault injection: what the
 * fault injectors call. Brokers are named by node id, 1..brokers (service kafka-<id>). Native:
 * signals go only to the PIDs recorded in the stack state (after their start time is checked,
 * src/process/signal.ts), never to a process found by name. Compose: the service's container,
 * through `docker compose kill/start/pause/unpause`.
 */
export interface StackControl {
  readonly brokers: number;
  /** SIGKILL broker `id`: a crash (no controlled shutdown). */
  killBroker(id: number): Promise<void>;
  /** Starts broker `id` again (same config, data dir and ports) and waits until it serves. */
  restartBroker(id: number): Promise<void>;
  /** SIGSTOP broker `id`: a hung node, connections open, nothing answered. */
  pauseBroker(id: number): Promise<void>;
  resumeBroker(id: number): Promise<void>;
  /** SIGSTOP the Firehose/S3 endpoint (moto keeps its data in memory: a hang loses nothing). */
  pauseDelivery(): Promise<void>;
  resumeDelivery(): Promise<void>;
}

export interface StackControlOptions {
  log?: (line: string) => void;
  /** How long restartBroker waits for the broker to serve; default 120 s. */
  restartTimeoutMs?: number;
}

export function assertBrokerId(id: number, brokers: number): void {
  if (!Number.isInteger(id) || id < 1 || id > brokers) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `no broker ${id} in this stack: it has ${brokers} broker(s), numbered 1..${brokers}`, {
      hint: brokers === 1 ? 'a broker fault needs the 3-broker stack: `npm run stack -- up --brokers 3`' : `name a broker 1..${brokers}`,
    });
  }
}

/** The control for the running stack (its state file); external stacks cannot be controlled. */
export async function stackControl(options: StackControlOptions = {}): Promise<StackControl> {
  const state = await readStackState();
  if (!state) {
    throw new StreamproofError(ERROR_CODES.STACK_NOT_RUNNING, 'no stack is running, so no broker can be controlled', { hint: 'start one with `npm run stack -- up --brokers 3`' });
  }
  return state.endpoints.provider === 'compose' ? new ComposeStackControl(options) : new NativeStackControl(state.endpoints.kafka.brokers, options);
}

/** The compose command (after `docker compose -p … -f …`) for one control action: unit-tested, as no Docker runs here. */
export function composeControlArgs(action: 'kill' | 'start' | 'pause' | 'unpause', service: string): string[] {
  return action === 'kill' ? ['kill', '-s', 'SIGKILL', service] : [action, service];
}

class ComposeStackControl implements StackControl {
  readonly brokers = 3; // docker-compose.yml
  readonly #options: StackControlOptions;

  constructor(options: StackControlOptions) {
    this.#options = options;
  }

  #run(action: 'kill' | 'start' | 'pause' | 'unpause', service: string): Promise<void> {
    return composeRun(composeControlArgs(action, service), this.#options.log ?? (() => undefined));
  }

  async killBroker(id: number): Promise<void> {
    assertBrokerId(id, this.brokers);
    await this.#run('kill', kafkaServiceName(id));
  }

  async restartBroker(id: number): Promise<void> {
    assertBrokerId(id, this.brokers);
    await this.#run('start', kafkaServiceName(id));
  }

  async pauseBroker(id: number): Promise<void> {
    assertBrokerId(id, this.brokers);
    await this.#run('pause', kafkaServiceName(id));
  }

  async resumeBroker(id: number): Promise<void> {
    assertBrokerId(id, this.brokers);
    await this.#run('unpause', kafkaServiceName(id));
  }

  pauseDelivery(): Promise<void> {
    return this.#run('pause', 'localstack');
  }

  resumeDelivery(): Promise<void> {
    return this.#run('unpause', 'localstack');
  }
}

class NativeStackControl implements StackControl {
  readonly brokers: number;
  readonly #options: StackControlOptions;

  constructor(brokers: number, options: StackControlOptions) {
    this.brokers = brokers;
    this.#options = options;
  }

  /** The state is read again for every action: a restart records a new PID. */
  async #state(): Promise<StackState> {
    const state = await readStackState();
    if (!state) throw new StreamproofError(ERROR_CODES.STACK_NOT_RUNNING, 'the stack was stopped', { hint: 'start it with `npm run stack -- up --brokers 3`' });
    return state;
  }

  async #process(service: string): Promise<ManagedProcess> {
    const proc = (await this.#state()).processes.find((p) => p.service === service);
    if (!proc) throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `no service "${service}" in this stack`);
    return proc;
  }

  async killBroker(id: number): Promise<void> {
    assertBrokerId(id, this.brokers);
    await nativeStopService(await this.#state(), kafkaServiceName(id), 'kill');
    this.#options.log?.(`killed ${kafkaServiceName(id)} (SIGKILL)`);
  }

  async restartBroker(id: number): Promise<void> {
    assertBrokerId(id, this.brokers);
    const service = kafkaServiceName(id);
    const before = await this.#process(service);
    if (isAlive(before)) {
      // A paused broker counts as alive: a restart means a fresh process, so end the old one first.
      await nativeStopService(await this.#state(), service, 'kill');
    }
    const state = await nativeStartService(await this.#state(), service);
    const proc = state.processes.find((p) => p.service === service) as ManagedProcess;
    this.#options.log?.(`restarted ${service} (pid ${proc.pid}); waiting until it serves`);
    const port = state.endpoints.kafka.bootstrapServers[id - 1];
    // Serves = its own listener answers metadata listing every broker (itself registered and unfenced).
    const own = { ...state.endpoints.kafka, bootstrapServers: port ? [port] : state.endpoints.kafka.bootstrapServers };
    await waitUntilHealthy(() => probeKafka(own, this.brokers), {
      service,
      timeoutMs: this.#options.restartTimeoutMs ?? 120_000,
      intervalMs: 500,
      stillRunning: () => {
        if (!isAlive(proc)) throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `${service} exited after its restart\n${lastLogLines(proc.logFile)}`, { hint: `see ${proc.logFile}` });
      },
      logTail: () => lastLogLines(proc.logFile, 10),
    });
  }

  async #signal(service: string, signal: 'SIGSTOP' | 'SIGCONT'): Promise<void> {
    const proc = await this.#process(service);
    const outcome = signalProcess(identityOf(proc), signal);
    if (outcome !== 'sent') {
      throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `${service} (pid ${proc.pid}) could not be sent ${signal}: ${outcome === 'not-ours' ? 'the PID now belongs to another process' : 'it is not running'}`, {
        hint: 'check `npm run stack -- status`',
      });
    }
    // Signals are delivered asynchronously: return once /proc shows the process stopped (or running again).
    const want = signal === 'SIGSTOP';
    for (let waited = 0; isStopped(identityOf(proc)) !== want && waited < 5_000; waited += 20) await sleep(20);
    if (isStopped(identityOf(proc)) !== want) {
      throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `${service} (pid ${proc.pid}) did not ${want ? 'stop' : 'continue'} within 5 s of ${signal}`, { hint: 'check `npm run stack -- status`' });
    }
    this.#options.log?.(`${want ? 'paused' : 'resumed'} ${service} (pid ${proc.pid}, ${signal})`);
  }

  async pauseBroker(id: number): Promise<void> {
    assertBrokerId(id, this.brokers);
    await this.#signal(kafkaServiceName(id), 'SIGSTOP');
  }

  async resumeBroker(id: number): Promise<void> {
    assertBrokerId(id, this.brokers);
    await this.#signal(kafkaServiceName(id), 'SIGCONT');
  }

  pauseDelivery(): Promise<void> {
    return this.#signal('moto', 'SIGSTOP');
  }

  resumeDelivery(): Promise<void> {
    return this.#signal('moto', 'SIGCONT');
  }
}

/** Whether a recorded service is paused (SIGSTOP), for `stack status`. */
export function isPaused(proc: Pick<ManagedProcess, 'pid' | 'startTicks'>): boolean {
  return isStopped(identityOf(proc));
}
