import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import type { ProcessIdentity } from '../../process/identity.js';
import { ProcessRegistry } from '../../process/registry.js';
import { signalProcess } from '../../process/signal.js';
import { spawnChild, type ChildExit, type ChildHandle } from '../../process/spawn-child.js';
import { parseProcessorLine, parseProcessorProcessConfig, type ProcessorLine, type ProcessorProcessConfigInput } from './process-config.js';
import { processorNames } from './runtime-config.js';
import type { ProcessorStatus } from './runtime-status.js';

/**
 * Processor instances as child processes (`node --import tsx src/cli/processor.ts`), one per
 * instance index, all with the same config. The supervisor knows its children only by the PIDs it
 * spawned (with their start time, src/process/): kill() and stop() signal exactly those, never
 * anything found by name. Children report on stdout in JSON lines (process-config.ts
 * ProcessorLine); their stderr goes to a log file.
 */
export interface StartProcessorsOptions {
  count: number;
  /** Shared by every instance; `processor.instanceIndex` is set per child. */
  config: ProcessorProcessConfigInput;
  /** Directory for `processor-<i>.log` (child stderr); default: a temp dir, removed by stop(). */
  logDir?: string;
  /** Every JSON line a child prints (status, txn, ready, exit). */
  onLine?: (line: ProcessorLine) => void;
  /** Extra environment for the children. */
  env?: Record<string, string>;
  /** How long to wait for each child's `ready` line; default 60 s. */
  readyTimeoutMs?: number;
}

export type { ChildExit };

export interface ProcessorFleet {
  /** Instance slots: those started at first plus any added since (addInstance). */
  readonly count: number;
  readonly groupId: string;
  readonly logDir: string;
  pid(index: number): number | null;
  /** The running child's PID with its start time (null when it is not running): what resource sampling reads. */
  identity(index: number): ProcessIdentity | null;
  /** The child's last status line (null before the first). */
  status(index: number): ProcessorStatus | null;
  /** Sends a signal to that child's PID (default SIGKILL); no-op if it is not running. */
  kill(index: number, signal?: NodeJS.Signals): void;
  /** Waits until the child has exited (resolves at once if it is not running). */
  exited(index: number): Promise<ChildExit | null>;
  /**
   * Starts the instance again (kills it first if still running) and waits for `ready`; with
   * `config`, this instance runs with that config from now on (e.g. without a debug switch).
   */
  restart(index: number, options?: { config?: ProcessorProcessConfigInput }): Promise<void>;
  /** Resolves with the first line from `index` that matches, rejects after timeoutMs. */
  waitForLine(index: number, match: (line: ProcessorLine) => boolean, timeoutMs: number): Promise<ProcessorLine>;
  /**
   * Asks the instance (SIGUSR2) to hold its next prepared transaction (outputs written, not yet
   * committed) open and report it, then SIGKILLs it — or after timeoutMs without one. Says
   * whether the kill landed before that transaction's end was reported.
   */
  killDuringTransaction(index: number, timeoutMs: number): Promise<{ openAtKill: boolean; transaction: number | null }>;
  /** Starts one more instance (index = count) and waits for `ready`. */
  addInstance(): Promise<number>;
  /** SIGTERM to one instance (it finishes its transaction and leaves the group), SIGKILL after graceMs. */
  stopInstance(index: number, graceMs?: number): Promise<void>;
  /** Throws if a child exited without being asked to (stop() or kill()). */
  assertHealthy(): void;
  /** One line per child that exited without being asked to (empty when all are healthy). */
  deaths(): string[];
  /** SIGTERM to every child (graceful), SIGKILL to those still running after timeoutMs. */
  stop(timeoutMs?: number): Promise<void>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(REPO_ROOT, 'src', 'cli', 'processor.ts');

interface Child {
  handle: ChildHandle;
  exited: ChildExit | null;
  expectedExit: boolean;
  status: ProcessorStatus | null;
  log: WriteStream;
}

export async function startProcessors(options: StartProcessorsOptions): Promise<ProcessorFleet> {
  if (!Number.isInteger(options.count) || options.count < 1) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `processor count must be a positive integer, got ${options.count}`, { hint: 'e.g. --processors 2' });
  }
  const config = parseProcessorProcessConfig(options.config);
  const workDir = await mkdtemp(join(tmpdir(), 'streamproof-processors-'));
  const logDir = options.logDir ?? workDir;
  const configFile = join(workDir, 'processor.json');
  await writeFile(configFile, JSON.stringify(options.config));
  const children: (Child | null)[] = new Array<Child | null>(options.count).fill(null);
  const listeners = new Set<(index: number, line: ProcessorLine) => void>();
  const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
  let stopping = false;
  // Every child this fleet started, under one stage: stop() ends them together.
  const started = new ProcessRegistry();

  const configFiles = new Array<string>(options.count).fill(configFile);
  const spawnInstance = (index: number): Child => {
    const handle = spawnChild({
      command: process.execPath,
      args: ['--import', 'tsx', CLI, '--config', configFiles[index] as string, '--instance', String(index)],
      cwd: REPO_ROOT,
      ...(options.env ? { env: options.env } : {}),
    });
    started.add({ name: `processor-${index}`, identity: handle.identity, stage: 'processors' });
    const log = createWriteStream(join(logDir, `processor-${index}.log`), { flags: 'a' });
    handle.stderr.pipe(log, { end: false });
    const entry: Child = { handle, exited: null, expectedExit: false, status: null, log };
    // The handle's exit comes after stdio is drained, so nothing writes to the log after this line.
    void handle.exit.then((exit) => {
      entry.exited = exit;
      log.write(`--- exited: code ${exit.code} signal ${exit.signal}\n`);
    });
    createInterface({ input: handle.stdout }).on('line', (text) => {
      const line = parseProcessorLine(text);
      if (!line) {
        log.write(`${text}\n`);
        return;
      }
      if (line.type === 'status') entry.status = line;
      options.onLine?.(line);
      for (const listener of listeners) listener(index, line);
    });
    return entry;
  };

  const waitForLine = (index: number, match: (line: ProcessorLine) => boolean, timeoutMs: number): Promise<ProcessorLine> =>
    new Promise<ProcessorLine>((resolveLine, reject) => {
      const child = children[index];
      if (!child || child.exited) {
        reject(new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `processor ${index} is not running`, { hint: 'restart() it first' }));
        return;
      }
      let settled = false;
      const listener = (from: number, line: ProcessorLine) => {
        if (from !== index || !match(line)) return;
        done();
        resolveLine(line);
      };
      const timer = setTimeout(() => {
        done();
        reject(new StreamproofError(ERROR_CODES.TIMEOUT, `processor ${index} printed no matching line within ${timeoutMs} ms`, { hint: `see ${join(logDir, `processor-${index}.log`)}` }));
      }, timeoutMs);
      const done = () => {
        settled = true;
        clearTimeout(timer);
        listeners.delete(listener);
      };
      listeners.add(listener);
      void child.handle.exit.then((exit) => {
        if (settled) return;
        done();
        reject(new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `processor ${index} exited (${JSON.stringify(exit)}) while waited for`, { hint: `see ${join(logDir, `processor-${index}.log`)}` }));
      });
    });

  const startChild = async (index: number): Promise<void> => {
    children[index] = spawnInstance(index);
    await waitForLine(index, (line) => line.type === 'ready', readyTimeoutMs);
  };

  const kill = (index: number, signal: NodeJS.Signals = 'SIGKILL'): void => {
    const child = children[index];
    if (!child || child.exited) return;
    child.expectedExit = true;
    signalProcess(child.handle.identity, signal); // exactly the PID we spawned, if it still is that process
  };

  const killDuringTransaction = async (index: number, timeoutMs: number): Promise<{ openAtKill: boolean; transaction: number | null }> => {
    const child = children[index];
    if (!child || child.exited) throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `processor ${index} is not running`, { hint: 'a fault schedule bug: it was killed or removed already' });
    let killedAt: number | null = null;
    let ended = false;
    const listener = (from: number, line: ProcessorLine) => {
      if (from !== index || line.type !== 'txn') return;
      if (killedAt === null && line.phase === 'prepared' && line.holdMs !== undefined) {
        killedAt = line.seq;
        kill(index, 'SIGKILL'); // the child holds this prepared transaction open until it dies
      } else if (killedAt !== null && line.seq === killedAt && (line.phase === 'committed' || line.phase === 'aborted')) {
        ended = true;
      }
    };
    listeners.add(listener);
    // Asks the child to hold its next prepared transaction open and report it (src/cli/processor.ts).
    signalProcess(child.handle.identity, 'SIGUSR2');
    const timer = setTimeout(() => kill(index, 'SIGKILL'), timeoutMs);
    try {
      // Exit comes after stdout is drained: every line the child printed before it died has been seen.
      await child.handle.exit;
    } finally {
      clearTimeout(timer);
      listeners.delete(listener);
    }
    return { openAtKill: killedAt !== null && !ended, transaction: killedAt };
  };

  const stopInstance = async (index: number, graceMs = 20_000): Promise<void> => {
    const child = children[index];
    if (!child || child.exited) return;
    child.expectedExit = true;
    signalProcess(child.handle.identity, 'SIGTERM');
    const timer = setTimeout(() => signalProcess(child.handle.identity, 'SIGKILL'), graceMs);
    try {
      await child.handle.exit;
    } finally {
      clearTimeout(timer);
    }
  };

  const fleet: ProcessorFleet = {
    get count() {
      return children.length;
    },
    groupId: processorNames(config.processor).groupId,
    logDir,
    pid: (index) => (children[index] && !children[index]?.exited ? (children[index]?.handle.identity.pid ?? null) : null),
    identity: (index) => (children[index] && !children[index]?.exited ? (children[index]?.handle.identity ?? null) : null),
    status: (index) => children[index]?.status ?? null,
    kill,
    exited: async (index) => (children[index] ? children[index]!.handle.exit : null),
    restart: async (index, restartOptions = {}) => {
      if (restartOptions.config) {
        parseProcessorProcessConfig(restartOptions.config);
        configFiles[index] = join(workDir, `processor-${index}.json`);
        await writeFile(configFiles[index] as string, JSON.stringify(restartOptions.config));
      }
      const child = children[index];
      if (child && !child.exited) {
        kill(index, 'SIGKILL');
        await child.handle.exit;
      }
      child?.log.end();
      await startChild(index);
    },
    waitForLine,
    killDuringTransaction,
    stopInstance,
    addInstance: async () => {
      const index = children.length;
      children.push(null);
      configFiles.push(configFile);
      await startChild(index);
      return index;
    },
    assertHealthy: () => {
      children.forEach((child, index) => {
        if (child?.exited && !child.expectedExit && !stopping) {
          throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `processor ${index} exited unexpectedly (code ${child.exited.code}, signal ${child.exited.signal})`, {
            hint: `see ${join(logDir, `processor-${index}.log`)}`,
          });
        }
      });
    },
    deaths: () =>
      children.flatMap((child, index) =>
        child?.exited && !child.expectedExit && !stopping
          ? [`processor ${index} exited unexpectedly (code ${child.exited.code}, signal ${child.exited.signal}; log ${join(logDir, `processor-${index}.log`)})`]
          : [],
      ),
    stop: async (timeoutMs = 20_000) => {
      stopping = true;
      for (const child of children) if (child) child.expectedExit = true;
      await started.stopAll({ graceMs: timeoutMs });
      await Promise.all(children.map((c) => c?.handle.exit));
      for (const child of children) child?.log.end();
      // STREAMPROOF_KEEP_PROCESSOR_LOGS keeps the temp dir (logs and config) to read after the
      // run, as the JVM fleets do (docs/processor.md).
      if (!options.logDir && !process.env.STREAMPROOF_KEEP_PROCESSOR_LOGS) await rm(workDir, { recursive: true, force: true });
      else if (options.logDir) await Promise.all([...new Set(configFiles)].map((file) => rm(file, { force: true })));
    },
  };

  try {
    await Promise.all(Array.from({ length: options.count }, (_, index) => startChild(index)));
  } catch (error) {
    await fleet.stop(5_000);
    throw error;
  }
  return fleet;
}
