import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { createGenerator, parseGeneratorConfig, type GeneratorConfig, type GeneratorConfigInput } from '../../workload/generator.js';
import { createInlineSource, mergeSources, type RecordSource } from '../../workload/record-source.js';
import type { Schedule } from '../../workload/schedule.js';
import { buildPoolData } from '../../workload/pool-data.js';
import { startWorkerSource } from '../../workload/worker-source.js';

/**
 * The records of one ingest run: built on this thread when due (loadWorkers 0), by one load
 * worker thread, or by several that split the schedule round-robin, each with its own generator
 * id (`<id>-w<i>`) and so its own sequence space in the ledger (docs/workload.md, load workers).
 */
export interface LoadSource extends RecordSource {
  /** Resolves once every worker has loaded (at once inline); rejects if one failed to start. */
  readonly loaded: Promise<void>;
}

export const MAX_LOAD_WORKERS = 8;

export function loadWorkerGeneratorIds(generatorId: string, loadWorkers: number): string[] {
  if (loadWorkers <= 1) return [generatorId];
  return Array.from({ length: loadWorkers }, (_, i) => `${generatorId}-w${i}`);
}

export function startLoadSource(options: { schedule: Schedule; generatorConfig: GeneratorConfigInput | GeneratorConfig; loadWorkers: number }): LoadSource {
  const { loadWorkers, schedule } = options;
  if (!Number.isInteger(loadWorkers) || loadWorkers < 0 || loadWorkers > MAX_LOAD_WORKERS) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `loadWorkers must be an integer in [0, ${MAX_LOAD_WORKERS}], got ${loadWorkers}`, {
      hint: '0 builds events on the sending thread, 1 (the default) on one worker thread; more only help where one worker cannot keep up',
    });
  }
  const config = parseGeneratorConfig(options.generatorConfig);
  if (loadWorkers === 0) {
    return Object.assign(createInlineSource(schedule, createGenerator(config)), { loaded: Promise.resolve() });
  }
  const ids = loadWorkerGeneratorIds(config.generatorId, loadWorkers);
  const poolData = buildPoolData(config.seed);
  const workers = ids.map((generatorId, index) => startWorkerSource({ generatorConfig: config, generatorId, schedule, poolData, part: { index, count: loadWorkers } }));
  const merged = mergeSources(workers);
  const loaded = Promise.all(workers.map((w) => w.loaded)).then(() => undefined);
  // A worker that fails before the run awaits it must not become an unhandled rejection.
  loaded.catch(() => undefined);
  // Every method of a source is a closure (no `this`), so the merged one can be spread.
  return { ...merged, loaded };
}
