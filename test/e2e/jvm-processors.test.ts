import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult } from '../../src/report/result-schema.js';
import { loadStackEndpoints } from '../../src/stack/state.js';
import { onlyResultDir, runScenarioCli } from './scenario-cli.js';

/**
 * The JVM processors as users choose them: `npm run scenario -- smoke --set
 * processor.kind=kafka-streams` end to end on the running stack, verified by the same verifier
 * as the built-in processor (every invariant, fingerprints included). Correctness gates only
 * (see smoke.test.ts); the load is shortened to keep the suite's budget.
 */
const CORRECTNESS_GATES = ['lost == 0', 'duplicated == 0', 'violations == 0', 's3Missing == 0', 'late > 0', 'dlq > 0'];
const brokers = (await loadStackEndpoints()).kafka.brokers;

async function runSmokeWith(kind: string, extra: string[] = []) {
  const resultsDir = await mkdtemp(join(tmpdir(), `streamproof-e2e-${kind}-`));
  const run = await runScenarioCli(
    ['smoke', '--duration', '15s', '--brokers', String(brokers), '--set', `processor.kind=${kind}`, ...extra, '--set', `thresholds=${JSON.stringify(CORRECTNESS_GATES)}`, '--results-dir', resultsDir],
    { timeoutMs: 400_000 },
  );
  return { run, resultsDir };
}

describe('npm run scenario -- smoke --set processor.kind=kafka-streams | flink', () => {
  it('runs end to end on Kafka Streams, every invariant holds, exits 0', { timeout: 420_000 }, async () => {
    const { run, resultsDir } = await runSmokeWith('kafka-streams');
    expect(run.stdout + run.stderr).toContain('Kafka Streams: 2 instances');
    expect(run.code, run.stdout.slice(-3000) + run.stderr.slice(-3000)).toBe(0);
    const result = await readResult(join(await onlyResultDir(resultsDir, 'smoke'), 'result.json'));
    expect(result.state).toBe('completed');
    expect(result.verdict?.invariants.map((i) => [i.id, i.pass])).toEqual([['I1', true], ['I2', true], ['I3', true]]);
    expect(result.counters.acked).toBeGreaterThan(5_000);
    expect(result.counters.late).toBeGreaterThan(0);
    expect(result.counters.dlq).toBeGreaterThan(0);
  });

  it('runs end to end on Flink (MiniCluster), every invariant holds, exits 0', { timeout: 420_000 }, async () => {
    const { run, resultsDir } = await runSmokeWith('flink');
    expect(run.stdout + run.stderr).toContain('Flink MiniCluster: parallelism 2 on 3 task managers × 2 slots');
    expect(run.code, run.stdout.slice(-3000) + run.stderr.slice(-3000)).toBe(0);
    const result = await readResult(join(await onlyResultDir(resultsDir, 'smoke'), 'result.json'));
    expect(result.state).toBe('completed');
    expect(result.verdict?.invariants.map((i) => [i.id, i.pass])).toEqual([['I1', true], ['I2', true], ['I3', true]]);
    expect(result.counters.dlq).toBeGreaterThan(0);
  });

  it('refuses a setting the kind does not have before anything starts, naming the field', async () => {
    const { run } = await runSmokeWith('kafka-streams', ['--set', 'processor.slots=2']);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toMatch(/processor\.slots/);
    expect(run.stdout + run.stderr).not.toContain('starting');
  });

  it('refuses a Flink parallelism beyond its task slots before anything starts', async () => {
    const { run } = await runSmokeWith('flink', ['--set', 'processor.taskManagers=1', '--set', 'processor.slotsPerTaskManager=1']);
    expect(run.code).toBe(2);
    expect(run.stdout + run.stderr).toContain('processor.instances: parallelism 2 exceeds the 1 task slots');
  });
});
