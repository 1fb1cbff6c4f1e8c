import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { createMetricsRegistry } from '../metrics/registry.js';
import { startMetricsServer } from '../metrics/server.js';
import { PROCESSOR_FLAGS, PROCESSOR_SPEC, resolveProcessorEndpoints, writeScrapeTarget } from './processor-options.js';
import { createProcessorRuntime } from '../pipeline/processor/create.js';
import { catalogProcessorMetrics } from '../pipeline/processor/metrics.js';
import { parseProcessorProcessConfig, type ProcessorLine } from '../pipeline/processor/process-config.js';
import { processorNames } from '../pipeline/processor/runtime-config.js';
import type { ProcessorHooks } from '../pipeline/processor/runtime-status.js';
import { EXIT } from '../base/exit-codes.js';
import { expectPositionals, runCommand, type ParsedArgv } from './args.js';

/**
 * `npm run processor -- [options]`: one processor instance as its own process, pointed at the
 * running stack or any cluster. Prints one JSON line per event on stdout (ready, status every
 * second, transaction phases with --trace-transactions, exit) for the supervisor; logs go to
 * stderr. SIGTERM/SIGINT: the transaction in flight finishes, then the instance leaves the group.
 */
async function readConfigFile(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `cannot read --config ${path}: ${(error as Error).message}`, { hint: 'pass a JSON file holding the process config object' });
  }
}

/** How long a transaction held for a fault waits for its SIGKILL before it commits after all. */
const FAULT_HOLD_MS = 30_000;

function emit(line: ProcessorLine): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

async function runInstance({ values, positionals }: ParsedArgv): Promise<number | void> {
  expectPositionals(PROCESSOR_SPEC, positionals, 0, 0, 'no positional arguments (every setting is a --flag)');
  const fromFile: unknown = typeof values.config === 'string' ? await readConfigFile(values.config) : {};
  const config = parseProcessorProcessConfig(PROCESSOR_FLAGS.apply(fromFile, values));
  const instance = config.processor.instanceIndex;
  const names = processorNames(config.processor);
  const log = (line: string) => process.stderr.write(`${new Date().toISOString()} [${names.clientId}] ${line}\n`);
  const endpoints = await resolveProcessorEndpoints(config, typeof values.bootstrap === 'string' ? values.bootstrap : undefined);

  const registry = createMetricsRegistry({ runId: config.metrics.runId, scenario: config.metrics.scenario, instanceRole: `processor-${instance}`, processMetrics: true });
  const metricsServer = await startMetricsServer({ source: registry, port: config.metrics.port, host: config.metrics.host });
  const unregister =
    config.metrics.register && endpoints.targetsDir
      ? await writeScrapeTarget(endpoints.targetsDir, endpoints.targetHost, `${names.clientId}`, metricsServer.port)
      : async () => undefined;

  let held = false;
  // Fault injection (processor-kill whileTransactionOpen): SIGUSR2 asks the instance to hold its
  // next prepared transaction open and say so (a txn line with holdMs), so the supervisor's
  // SIGKILL lands while it is open, not after a commit that was only milliseconds away.
  let holdNextForFault = false;
  process.on('SIGUSR2', () => {
    holdNextForFault = true;
  });
  const hooks: ProcessorHooks = {
    onTransaction: (event) => {
      if (config.traceTransactions) emit({ type: 'txn', instance, ...event });
    },
    beforeCommit: async (event) => {
      if (holdNextForFault) {
        holdNextForFault = false;
        emit({ type: 'txn', instance, ...event, holdMs: FAULT_HOLD_MS });
        await sleep(FAULT_HOLD_MS);
      }
      const { holdTransactionMs, holdAtTransaction, holdInstance } = config.debug;
      if (held || holdTransactionMs === 0 || event.seq < holdAtTransaction || (holdInstance !== undefined && holdInstance !== instance)) return;
      held = true;
      emit({ type: 'txn', instance, ...event, holdMs: holdTransactionMs });
      await sleep(holdTransactionMs);
    },
  };
  const runtime = createProcessorRuntime({ kafka: endpoints.kafka, config: config.processor, metrics: catalogProcessorMetrics(registry.metrics), hooks, log });

  let stopRequested = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopRequested) return;
    stopRequested = true;
    log(`${signal}: finishing the transaction in flight, then leaving the group`);
    void runtime.stop();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  let statusTimer: NodeJS.Timeout | null = null;
  try {
    await runtime.start();
    emit({ type: 'ready', instance, pid: process.pid, metricsUrl: metricsServer.url });
    log(`running: group ${names.groupId}, transactional id ${names.transactionalId}, input ${names.topics.raw}, metrics ${metricsServer.url}`);
    if (stopRequested) void runtime.stop();
    if (config.statusIntervalMs > 0) {
      statusTimer = setInterval(() => emit({ type: 'status', instance, pid: process.pid, atMs: Date.now(), ...runtime.status }), config.statusIntervalMs);
    }
    const outcome = await runtime.done;
    if (statusTimer) clearInterval(statusTimer);
    emit({ type: 'status', instance, pid: process.pid, atMs: Date.now(), ...runtime.status });
    emit({ type: 'exit', instance, state: outcome.state, ...(outcome.error ? { error: (outcome.error as Error).message } : {}) });
    if (outcome.state !== 'stopped') {
      throw new StreamproofError(ERROR_CODES.INTERRUPTED, `processor ${names.clientId} ${outcome.state === 'fenced' ? 'was fenced by a newer instance with its transactional id' : 'failed'}`, {
        hint: outcome.state === 'fenced' ? 'two processes run with the same --instance; give each its own' : 'see the log lines above',
        cause: outcome.error,
      });
    }
    return EXIT.OK;
  } finally {
    if (statusTimer) clearInterval(statusTimer);
    await unregister().catch(() => undefined);
    await metricsServer.close().catch(() => undefined);
  }
}

// `npm run processor -- manifest --kind flink`: a cluster manifest instead of an instance.
if (process.argv[2] === 'manifest') (await import('./processor-manifest.js')).runProcessorManifest(process.argv.slice(3));
else runCommand(PROCESSOR_SPEC, runInstance);
