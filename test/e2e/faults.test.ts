import { spawn } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult, type RunResult } from '../../src/report/result-schema.js';
import { readStackState } from '../../src/stack/state.js';
import { onlyResultDir, processesOfRun, runScenarioCli } from './scenario-cli.js';

/**
 * Fault scenarios end to end on the running 3-broker stack, shortened; correctness only (the
 * verdict and the recorded fault windows), never latency or rate: the CI machine is busy.
 */
async function runFaultScenario(name: string, extra: string[] = []): Promise<RunResult> {
  const resultsDir = await mkdtemp(join(tmpdir(), `streamproof-${name}-`));
  const run = await runScenarioCli([name, '--duration', '45s', '--results-dir', resultsDir, ...extra], { timeoutMs: 600_000 });
  expect(run.code, run.stderr.slice(-3000)).toBe(0);
  return readResult(join(await onlyResultDir(resultsDir, name), 'result.json'));
}

function expectExactlyOnceWithOneHealedFault(result: RunResult, kind: string, target: string): void {
  expect(result.state).toBe('completed');
  expect(result.verdict?.pass).toBe(true);
  expect([result.counters.lost, result.counters.duplicated, result.counters.violations]).toEqual([0, 0, 0]);
  expect(result.faults).toHaveLength(1);
  const fault = result.faults[0]!;
  expect([fault.kind, fault.target, fault.error]).toEqual([kind, target, null]);
  expect(fault.injectedAtEpochMs).not.toBeNull();
  expect(fault.healedAtEpochMs).toBeGreaterThan(fault.injectedAtEpochMs!);
  // The window is on the timeline too (the report's bands and Grafana's annotations come from it).
  const span = result.timeline.find((e) => e.kind === 'fault');
  expect(span).toMatchObject({ label: `${kind} ${target}`, startEpochMs: fault.injectedAtEpochMs, endEpochMs: fault.healedAtEpochMs });
}


/** Field 3 of /proc/<pid>/stat: T when stopped (SIGSTOP). */
async function procState(pid: number): Promise<string | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return stat === null ? null : (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? null);
}

describe('fault scenarios', () => {
  it('processor-crash: a processor killed mid-transaction and restarted, exactly-once holds', async () => {
    const result = await runFaultScenario('processor-crash');
    expectExactlyOnceWithOneHealedFault(result, 'processor-kill', 'processor-1');
    // The kill landed while the instance held a prepared transaction open.
    expect(result.faults[0]!.details).toMatchObject({ openAtKill: true });
  }, 900_000);

  it('broker-failure: one of three brokers killed and restarted, exactly-once holds', async () => {
    const result = await runFaultScenario('broker-failure', ['--set', 'thresholds=[]']);
    expectExactlyOnceWithOneHealedFault(result, 'broker-kill', 'broker-2');
    // Every stage of the harness went on while the broker was dead (before this, the sink gave up and the run FAILED).
    const fault = result.faults[0]!;
    expect(fault.ackedInWindow).toBeGreaterThan(0);
    expect(fault.resultsInWindow).toBeGreaterThan(0);
    expect(result.counters.s3Missing).toBe(0);
  }, 900_000);

  it('Ctrl-C during a broker-pause resumes the broker and leaves no process of the run', async () => {
    const resultsDir = await mkdtemp(join(tmpdir(), 'streamproof-hang-interrupt-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/scenario.ts', 'broker-hang', '--set', 'faults.0.durationMs=60s', '--results-dir', resultsDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let sent = false;
    let pausedBefore: string | null = null;
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const brokerPid = (await readStackState())?.processes.find((p) => p.service === 'kafka-2')?.pid;
    expect(brokerPid).toBeDefined();
    const onData = (d: Buffer) => {
      output += d.toString();
      if (!sent && /fault: broker-pause broker-2 injected/.test(output)) {
        sent = true;
        void procState(brokerPid!).then((state) => {
          pausedBefore = state; // proves the check below can see a paused broker
          child.kill('SIGINT');
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const code = await exit;
    expect(sent, output.slice(-2000)).toBe(true);
    expect(pausedBefore).toBe('T');
    expect(code).toBe(130);
    expect(output).toContain('fault: broker-pause broker-2 healed (the run is stopping)');
    const state = await readStackState();
    for (const proc of state!.processes.filter((p) => p.service.startsWith('kafka-'))) expect([proc.service, await procState(proc.pid)]).not.toEqual([proc.service, 'T']);
    const result = await readResult(join(await onlyResultDir(resultsDir, 'broker-hang'), 'result.json'));
    expect(result.state).toBe('incomplete');
    expect(result.faults[0]!.healedAtEpochMs).not.toBeNull();
    const runId = /run (\S+)/.exec(output)?.[1];
    expect(await processesOfRun(runId!)).toEqual([]);
  }, 600_000);
});
