import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../../src/report/result-schema.js';
import type { RunSetFile } from '../../../src/report/run-set.js';
import { runRepeated, type RepeatDeps } from '../../../src/runner/repeat.js';
import type { RunScenarioOptions } from '../../../src/runner/run-scenario.js';
import type { Scenario } from '../../../src/scenario/schema.js';
import { completedResultFixture, failedResultFixture, incompleteResultFixture } from '../../fixtures/report/result-fixture.js';

/** The repeat loop with a fake runner: members, exit code, Ctrl-C, the stack's lifecycle. */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'streamproof-repeat-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scenario = { name: 'fixture-scenario', stack: { provider: 'native', brokers: 1 } } as unknown as Scenario;

function harness(results: Array<RunResult | ((controller: AbortController) => RunResult)>, stackUp = false) {
  const controller = new AbortController();
  const calls: RunScenarioOptions[] = [];
  const events: string[] = [];
  let up = stackUp;
  let clock = Date.UTC(2026, 0, 2, 3, 4, 5);
  const deps: RepeatDeps = {
    async runOne(options) {
      calls.push(options);
      up = true; // the first run starts the stack if none was up; keepStack leaves it running
      const next = results[calls.length - 1]!;
      const result = { ...(typeof next === 'function' ? next(controller) : next), runId: `run-${calls.length}` } as RunResult;
      const runDir = join(dir, 'fixture-scenario', `run-${calls.length}`);
      return { result, written: { dir: runDir, resultJson: join(runDir, 'result.json'), summaryMd: '', reportHtml: '', latest: null } };
    },
    stackIsUp: async () => up,
    stopStack: async () => {
      events.push('stack down');
      up = false;
    },
    now: () => new Date((clock += 60_000)),
  };
  const options = (count: number, keepStack = false) => ({ scenario, count, keepStack, keepData: false, resultsDir: dir, signal: controller.signal, log: () => undefined });
  return { deps, calls, events, options };
}

const readSet = async (path: string): Promise<RunSetFile> => JSON.parse(await readFile(path, 'utf8')) as RunSetFile;

describe('runRepeated', () => {
  it('runs N times with the stack kept between runs, stops the stack it started, writes the set', async () => {
    const failedGates = { ...completedResultFixture(), verdict: { ...completedResultFixture().verdict, pass: false, invariants: completedResultFixture().verdict.invariants.map((i) => (i.id === 'I1' ? { ...i, pass: false, violations: 1 } : i)) } };
    const h = harness([completedResultFixture(), failedGates, completedResultFixture()]);
    const outcome = await runRepeated(h.options(3), h.deps);
    expect(h.calls).toHaveLength(3);
    expect(h.calls.every((c) => c.keepStack)).toBe(true);
    expect(h.events).toEqual(['stack down']);
    expect(outcome.exitCode).toBe(1); // the worst member: a failed invariant
    const set = await readSet(outcome.written.setJson);
    expect(set).toMatchObject({ requestedRuns: 3, state: 'completed', exitCode: 1 });
    expect(set.runs.map((r) => [r.runId, r.exitCode, r.source])).toEqual([['run-1', 0, '../run-1'], ['run-2', 1, '../run-2'], ['run-3', 0, '../run-3']]);
  });

  it('leaves a stack it did not start, or one kept with --keep-stack', async () => {
    const already = harness([completedResultFixture()], true);
    await runRepeated(already.options(1), already.deps);
    expect(already.events).toEqual([]);
    const kept = harness([completedResultFixture(), completedResultFixture()]);
    await runRepeated(kept.options(2, true), kept.deps);
    expect(kept.events).toEqual([]);
  });

  it('Ctrl-C stops the set: the interrupted run is left out, what completed is written, exit 130', async () => {
    const h = harness([
      completedResultFixture(),
      (controller) => {
        controller.abort();
        return incompleteResultFixture();
      },
      completedResultFixture(),
    ]);
    const outcome = await runRepeated(h.options(3), h.deps);
    expect(h.calls).toHaveLength(2);
    expect(outcome.exitCode).toBe(130);
    expect(h.events).toEqual(['stack down']);
    const set = await readSet(outcome.written.setJson);
    expect(set).toMatchObject({ state: 'incomplete', reason: 'run 2 of 3 was interrupted', exitCode: 130 });
    expect(set.runs.map((r) => r.runId)).toEqual(['run-1']);
    expect(set.excluded).toMatchObject([{ runId: 'run-2', state: 'incomplete', exitCode: 130 }]);
  });

  it('a runner that throws still leaves a set of what ended, then the error propagates', async () => {
    const h = harness([completedResultFixture()]);
    const runOne = h.deps.runOne;
    let calls = 0;
    h.deps.runOne = async (options) => {
      calls += 1;
      if (calls === 2) throw new Error('disk full');
      return runOne(options);
    };
    await expect(runRepeated(h.options(3), h.deps)).rejects.toThrow('disk full');
    expect(h.events).toEqual(['stack down']);
    const { readdir } = await import('node:fs/promises');
    const setDir = (await readdir(join(dir, 'fixture-scenario'))).find((d) => d.endsWith('-set'))!;
    const set = await readSet(join(dir, 'fixture-scenario', setDir, 'set.json'));
    expect(set).toMatchObject({ state: 'incomplete', reason: 'run 2 of 3 threw: disk full', exitCode: 2 });
    expect(set.runs).toHaveLength(1);
  });

  it('a harness error stops the set (exit 2); the failed run stays in it', async () => {
    const h = harness([completedResultFixture(), failedResultFixture(), completedResultFixture()]);
    const outcome = await runRepeated(h.options(3), h.deps);
    expect(h.calls).toHaveLength(2);
    expect(outcome.exitCode).toBe(2);
    const set = await readSet(outcome.written.setJson);
    expect(set).toMatchObject({ state: 'incomplete', reason: 'run 2 of 3 failed (harness or stack error)' });
    expect(set.runs.map((r) => r.state)).toEqual(['completed', 'failed']);
  });
});
