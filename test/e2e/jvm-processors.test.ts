import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { JvmJobConfig } from '../../src/drivers/processor/jvm-config.js';
import { startJvmFleet, type JvmFleet } from '../../src/drivers/processor/jvm-fleet.js';
import { ensureJvmProcessors } from '../../src/stack/native/jvm-processors.js';
import { readResult } from '../../src/report/result-schema.js';
import { loadStackEndpoints } from '../../src/stack/state.js';
import { onlyResultDir, runScenarioCli } from './scenario-cli.js';

/**
 * The JVM processors as users choose them: `npm run scenario -- smoke --set
 * processor.kind=kafka-streams` (and flink, external) end to end on the running stack, verified by the same verifier
 * as the built-in processor (every invariant, fingerprints included). Correctness gates only
 * (see smoke.test.ts); the load is shortened (10 s, 2 s warm-up) to keep the suite's budget.
 */
const CORRECTNESS_GATES = ['lost == 0', 'duplicated == 0', 'violations == 0', 's3Missing == 0', 'late > 0', 'dlq > 0'];
const brokers = (await loadStackEndpoints()).kafka.brokers;

async function runSmokeWith(kind: string, extra: string[] = []) {
  const resultsDir = await mkdtemp(join(tmpdir(), `streamproof-e2e-${kind}-`));
  const run = await runScenarioCli(
    ['smoke', '--duration', '10s', '--brokers', String(brokers), '--set', 'run.warmUpMs=2s', '--set', `processor.kind=${kind}`, ...extra, '--set', `thresholds=${JSON.stringify(CORRECTNESS_GATES)}`, '--results-dir', resultsDir],
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

describe('npm run scenario -- smoke --set processor.kind=external', () => {
  it('starts no processor, prints the topics; a job started on them by the user is verified like any other', { timeout: 420_000 }, async () => {
    const resultsDir = await mkdtemp(join(tmpdir(), 'streamproof-e2e-external-'));
    const groupId = `e2e-external-${Date.now()}`;
    const build = await ensureJvmProcessors(() => undefined);
    const stack = await loadStackEndpoints();
    let fleet: JvmFleet | null = null;
    let stdout = '';
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli/scenario.ts', 'smoke', '--duration', '10s', '--brokers', String(brokers), '--set', 'run.warmUpMs=2s', '--set', 'processor.kind=external', '--set', `processor.groupId=${groupId}`,
        '--set', 'processor.startupWaitMs=20s', '--set', `thresholds=${JSON.stringify(CORRECTNESS_GATES)}`, '--results-dir', resultsDir],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } },
    );
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // "The user" reads the printed topic names and starts their job on them: here the Kafka Streams job, as a stand-in deployment.
      const deadline = Date.now() + 120_000;
      let topics: RegExpExecArray | null = null;
      while (!(topics = /raw=(\S+) processed=(\S+) late=(\S+) dlq=(\S+),/.exec(stdout)) && Date.now() < deadline && child.exitCode === null) await sleep(200);
      expect(topics, stdout).not.toBeNull();
      expect(stdout).toContain(`npm run processor -- manifest --kind flink --prefix `);
      const [, raw, processed, late, dlq] = topics as RegExpExecArray;
      fleet = await startJvmFleet({
        name: 'kafka-streams',
        count: 1,
        classpath: build.classpath('kafka-streams'),
        mainClass: 'dev.streamproof.kstreams.Main',
        heapMb: 256,
        readyTimeoutMs: 120_000,
        stopGraceMs: 25_000,
        config: (instance): JvmJobConfig => ({
          bootstrapServers: stack.kafka.bootstrapServers.join(','),
          topics: { raw: raw!, processed: processed!, late: late!, dlq: dlq! },
          applicationId: groupId,
          windowing: { windowMs: 5_000, outOfOrdernessMs: 1_000, allowedLatenessMs: 0, idleTimeoutMs: 2_000, maxEventTimeAheadMs: null },
          instance,
          parallelism: 1,
          slots: 1,
          taskManagers: 1,
          checkpointIntervalMs: 100,
          stateDir: join(tmpdir(), `e2e-external-${groupId}`),
        }),
      });
      const code = await exited;
      expect(stdout).toContain('external processor (consumer group');
      expect(code, stdout.slice(-3000)).toBe(0);
      const result = await readResult(join(await onlyResultDir(resultsDir, 'smoke'), 'result.json'));
      expect(result.verdict?.invariants.map((i) => [i.id, i.pass])).toEqual([['I1', true], ['I2', true], ['I3', true]]);
    } finally {
      child.kill('SIGINT');
      await fleet?.stop();
    }
  });
});
