import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult } from '../../src/report/result-schema.js';
import { onlyResultDir, processesOfRun } from './scenario-cli.js';


describe('Ctrl-C during a run', () => {
  it('stops the load, writes a partial result marked incomplete, stops every child, exits 130', async () => {
    const resultsDir = await mkdtemp(join(tmpdir(), 'streamproof-interrupt-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/scenario.ts', 'smoke', '--results-dir', resultsDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    let sent = false;
    let liveBeforeInterrupt: number[] = [];
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
      // Interrupt once the measured load is running (a progress line names a load phase).
      if (!sent && /\[(ramp-up|steady)\]/.test(output)) {
        sent = true;
        const runId = /run (\S+)/.exec(output)?.[1] ?? '';
        void processesOfRun(runId).then((pids) => {
          liveBeforeInterrupt = pids; // proves the check below can see this run's children
          child.kill('SIGINT');
        });
      }
    });
    const code = await exit;
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(output).toContain('INCOMPLETE');
    const result = await readResult(join(await onlyResultDir(resultsDir, 'smoke'), 'result.json'));
    expect(result.state).toBe('incomplete');
    expect(result.verdict).toBeNull();
    const runId = /run (\S+)/.exec(output)?.[1];
    expect(runId).toBeDefined();
    expect(liveBeforeInterrupt.length).toBeGreaterThanOrEqual(2); // the smoke scenario's 2 processors
    expect(await processesOfRun(runId!)).toEqual([]);
  }, 240_000);
});
