import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { ProcessIdentity } from '../../process/identity.js';
import { ProcessRegistry } from '../../process/registry.js';
import { signalProcess } from '../../process/signal.js';
import { spawnChild, type ChildExit, type ChildHandle } from '../../process/spawn-child.js';

/**
 * JVM processor instances as child processes (`java -Xmx… -cp … <main> <config.json>`), one per
 * instance index, known only by the PIDs spawned here (src/process/): kill() and stop() signal
 * exactly those. A JVM prints JSON lines on stdout (`ready`, `status`, `exit`; the Java mains in
 * processors/) and logs on stderr, which goes to `<name>-<i>.log`.
 */
export interface JvmFleetOptions {
  /** Log and config file names: `<name>-<i>.log`. */
  name: string;
  count: number;
  classpath: string;
  mainClass: string;
  heapMb: number;
  /** More JVM options (before the class path). */
  jvmArgs?: string[];
  /** The JSON config file's content for instance i. */
  config: (instance: number) => unknown;
  env?: Record<string, string>;
  /** How long a JVM may take to print `ready` (cold JIT, group join, state restore). */
  readyTimeoutMs: number;
  /** Waited between SIGTERM and SIGKILL on stop(). */
  stopGraceMs: number;
}

export interface JvmLine {
  type: string;
  [field: string]: unknown;
}

interface Instance {
  handle: ChildHandle;
  exited: ChildExit | null;
  expectedExit: boolean;
  status: JvmLine | null;
  /** The last line of each type this JVM printed. */
  last: Map<string, JvmLine>;
  log: WriteStream;
  listeners: Set<(line: JvmLine) => void>;
}

export interface JvmFleet {
  readonly count: number;
  readonly logDir: string;
  identity(instance: number): ProcessIdentity | null;
  status(instance: number): JvmLine | null;
  /** The last line of `type` the running (or last) JVM of `instance` printed. */
  lastLine(instance: number, type: string): JvmLine | null;
  kill(instance: number): void;
  restart(instance: number): Promise<void>;
  assertHealthy(): void;
  /** One line per instance that died without being asked to (the drain reports these, not fatal). */
  deaths(): string[];
  stop(): Promise<void>;
  /** Resolves with the first line of `instance` that matches; rejects when it exits or after timeoutMs. */
  waitForLine(instance: number, match: (line: JvmLine) => boolean, timeoutMs: number): Promise<JvmLine>;
}

function parseLine(text: string): JvmLine | null {
  if (!text.startsWith('{')) return null;
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null && typeof (value as JvmLine).type === 'string' ? (value as JvmLine) : null;
  } catch {
    return null;
  }
}

export async function startJvmFleet(options: JvmFleetOptions): Promise<JvmFleet> {
  const workDir = await mkdtemp(join(tmpdir(), `streamproof-${options.name}-`));
  const instances: (Instance | null)[] = new Array<Instance | null>(options.count).fill(null);
  const started = new ProcessRegistry();
  let stopping = false;
  const logPath = (i: number) => join(workDir, `${options.name}-${i}.log`);

  const spawnInstance = async (i: number): Promise<Instance> => {
    const configFile = join(workDir, `${options.name}-${i}.json`);
    await writeFile(configFile, JSON.stringify(options.config(i)));
    const handle = spawnChild({
      command: 'java',
      args: [`-Xmx${options.heapMb}m`, '-XX:+UseSerialGC', ...(options.jvmArgs ?? []), '-cp', options.classpath, options.mainClass, configFile],
      ...(options.env ? { env: options.env } : {}),
    });
    started.add({ name: `${options.name}-${i}`, identity: handle.identity, stage: 'processors' });
    const log = createWriteStream(logPath(i), { flags: 'a' });
    handle.stderr.pipe(log, { end: false });
    const entry: Instance = { handle, exited: null, expectedExit: false, status: null, last: new Map(), log, listeners: new Set() };
    void handle.exit.then((exit) => {
      entry.exited = exit;
      log.write(`--- exited: code ${exit.code} signal ${exit.signal}\n`);
    });
    createInterface({ input: handle.stdout }).on('line', (text) => {
      const line = parseLine(text);
      if (!line) {
        log.write(`${text}\n`);
        return;
      }
      if (line.type === 'status') entry.status = line;
      entry.last.set(line.type, line);
      for (const listener of entry.listeners) listener(line);
    });
    return entry;
  };

  const waitForLine = (i: number, match: (line: JvmLine) => boolean, timeoutMs: number): Promise<JvmLine> =>
    new Promise<JvmLine>((resolve, reject) => {
      const entry = instances[i];
      if (!entry || entry.exited) {
        reject(new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `${options.name} ${i} is not running`, { hint: `see ${logPath(i)}` }));
        return;
      }
      let settled = false;
      const listener = (line: JvmLine) => {
        if (!match(line)) return;
        finish();
        resolve(line);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new StreamproofError(ERROR_CODES.TIMEOUT, `${options.name} ${i} printed no matching line within ${timeoutMs} ms`, { hint: `see ${logPath(i)}` }));
      }, timeoutMs);
      const finish = () => {
        settled = true;
        clearTimeout(timer);
        entry.listeners.delete(listener);
      };
      entry.listeners.add(listener);
      void entry.handle.exit.then((exit) => {
        if (settled) return;
        finish();
        reject(new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `${options.name} ${i} exited (code ${exit.code}, signal ${exit.signal}) before it was ready`, { hint: `see ${logPath(i)}` }));
      });
    });

  const startInstance = async (i: number): Promise<void> => {
    instances[i] = await spawnInstance(i);
    await waitForLine(i, (line) => line.type === 'ready', options.readyTimeoutMs);
  };

  const checkIndex = (i: number): void => {
    if (!Number.isInteger(i) || i < 0 || i >= options.count) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `${options.name} instance ${i} does not exist (${options.count} instance(s), numbered from 0)`, {
        hint: 'a fault or a test names an instance by its index',
      });
    }
  };

  const kill = (i: number): void => {
    checkIndex(i);
    const entry = instances[i];
    if (!entry || entry.exited) return;
    entry.expectedExit = true;
    signalProcess(entry.handle.identity, 'SIGKILL'); // exactly the PID we spawned, if it still is that process
  };

  const fleet: JvmFleet = {
    count: options.count,
    logDir: workDir,
    identity: (i) => (instances[i] && !instances[i]?.exited ? (instances[i]?.handle.identity ?? null) : null),
    status: (i) => instances[i]?.status ?? null,
    lastLine: (i, type) => instances[i]?.last.get(type) ?? null,
    kill,
    restart: async (i) => {
      checkIndex(i);
      const entry = instances[i];
      if (entry && !entry.exited) {
        kill(i);
        await entry.handle.exit;
      }
      entry?.log.end();
      await startInstance(i);
    },
    waitForLine,
    assertHealthy: () => {
      instances.forEach((entry, i) => {
        if (entry?.exited && !entry.expectedExit && !stopping) {
          throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `${options.name} ${i} exited unexpectedly (code ${entry.exited.code}, signal ${entry.exited.signal})`, {
            hint: `see ${logPath(i)}`,
          });
        }
      });
    },
    deaths: () =>
      instances.flatMap((entry, i) =>
        entry?.exited && !entry.expectedExit && !stopping
          ? [`${options.name} ${i} exited unexpectedly (code ${entry.exited.code}, signal ${entry.exited.signal}; log ${logPath(i)})`]
          : [],
      ),
    stop: async () => {
      if (stopping) return;
      stopping = true;
      for (const entry of instances) if (entry) entry.expectedExit = true;
      await started.stopAll({ graceMs: options.stopGraceMs });
      await Promise.all(instances.map((entry) => entry?.handle.exit));
      for (const entry of instances) entry?.log.end();
      if (!process.env.STREAMPROOF_KEEP_PROCESSOR_LOGS) await rm(workDir, { recursive: true, force: true });
    },
  };

  try {
    await Promise.all(Array.from({ length: options.count }, (_, i) => startInstance(i)));
  } catch (error) {
    await fleet.stop();
    throw error;
  }
  return fleet;
}
