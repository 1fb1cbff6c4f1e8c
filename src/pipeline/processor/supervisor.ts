import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { parseProcessorLine, parseProcessorProcessConfig, type ProcessorLine, type ProcessorProcessConfigInput } from './process-config.js';
import { processorNames } from './runtime-config.js';
import type { ProcessorStatus } from './runtime-status.js';

/**
 * Processor instances as child processes (`node --import tsx src/cli/processor.ts`), one per
 * instance index, all with the same config. The supervisor knows its children only by the PIDs it
 * spawned: kill() and stop() signal exactly those, never anything found by name. Children report
 * on stdout in JSON lines (process-config.ts ProcessorLine); their stderr goes to a log file.
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

export interface ChildExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessorFleet {
  readonly count: number;
  readonly groupId: string;
  readonly logDir: string;
  pid(index: number): number | null;
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
  /** Throws if a child exited without being asked to (stop() or kill()). */
  assertHealthy(): void;
  /** SIGTERM to every child (graceful), SIGKILL to those still running after timeoutMs. */
  stop(timeoutMs?: number): Promise<void>;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(REPO_ROOT, 'src', 'cli', 'processor.ts');

interface Child {
  process: ChildProcess;
  exit: Promise<ChildExit>;
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

  const configFiles = new Array<string>(options.count).fill(configFile);
  const spawnChild = (index: number): Child => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, '--config', configFiles[index] as string, '--instance', String(index)], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log = createWriteStream(join(logDir, `processor-${index}.log`), { flags: 'a' });
    child.stderr?.pipe(log, { end: false });
    const entry: Child = { process: child, exited: null, expectedExit: false, status: null, log, exit: Promise.resolve({ code: null, signal: null }) };
    entry.exit = new Promise<ChildExit>((resolveExit) => {
      // 'close' (not 'exit'): stdio is drained too, so nothing writes to the log after it ends.
      child.once('close', (code, signal) => {
        entry.exited = { code, signal };
        log.write(`--- exited: code ${code} signal ${signal}\n`);
        resolveExit(entry.exited);
      });
    });
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
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
      const listener = (from: number, line: ProcessorLine) => {
        if (from !== index || !match(line)) return;
        done();
        resolveLine(line);
      };
      const timer = setTimeout(() => {
        done();
        reject(new StreamproofError(ERROR_CODES.TIMEOUT, `processor ${index} printed no matching line within ${timeoutMs} ms`, { hint: `see ${join(logDir, `processor-${index}.log`)}` }));
      }, timeoutMs);
      const onExit = () => {
        done();
        reject(new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `processor ${index} exited (${JSON.stringify(child.exited)}) while waited for`, { hint: `see ${join(logDir, `processor-${index}.log`)}` }));
      };
      const done = () => {
        clearTimeout(timer);
        listeners.delete(listener);
        child.process.off('close', onExit);
      };
      listeners.add(listener);
      child.process.once('close', onExit);
    });

  const startChild = async (index: number): Promise<void> => {
    children[index] = spawnChild(index);
    await waitForLine(index, (line) => line.type === 'ready', readyTimeoutMs);
  };

  const kill = (index: number, signal: NodeJS.Signals = 'SIGKILL'): void => {
    const child = children[index];
    if (!child || child.exited || child.process.pid === undefined) return;
    child.expectedExit = true;
    child.process.kill(signal); // signals exactly the PID we spawned
  };

  const fleet: ProcessorFleet = {
    count: options.count,
    groupId: processorNames(config.processor).groupId,
    logDir,
    pid: (index) => (children[index] && !children[index]?.exited ? (children[index]?.process.pid ?? null) : null),
    status: (index) => children[index]?.status ?? null,
    kill,
    exited: async (index) => (children[index] ? children[index]!.exit : null),
    restart: async (index, restartOptions = {}) => {
      if (restartOptions.config) {
        parseProcessorProcessConfig(restartOptions.config);
        configFiles[index] = join(workDir, `processor-${index}.json`);
        await writeFile(configFiles[index] as string, JSON.stringify(restartOptions.config));
      }
      const child = children[index];
      if (child && !child.exited) {
        kill(index, 'SIGKILL');
        await child.exit;
      }
      child?.log.end();
      await startChild(index);
    },
    waitForLine,
    assertHealthy: () => {
      children.forEach((child, index) => {
        if (child?.exited && !child.expectedExit && !stopping) {
          throw new StreamproofError(ERROR_CODES.SERVICE_UNHEALTHY, `processor ${index} exited unexpectedly (code ${child.exited.code}, signal ${child.exited.signal})`, {
            hint: `see ${join(logDir, `processor-${index}.log`)}`,
          });
        }
      });
    },
    stop: async (timeoutMs = 20_000) => {
      stopping = true;
      const running = children.filter((c): c is Child => c !== null && !c.exited);
      for (const child of running) {
        child.expectedExit = true;
        child.process.kill('SIGTERM');
      }
      const timer = setTimeout(() => running.forEach((c) => !c.exited && c.process.kill('SIGKILL')), timeoutMs);
      await Promise.all(running.map((c) => c.exit));
      clearTimeout(timer);
      for (const child of children) child?.log.end();
      if (!options.logDir) await rm(workDir, { recursive: true, force: true });
      else await Promise.all([...new Set(configFiles)].map((file) => rm(file, { force: true })));
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
