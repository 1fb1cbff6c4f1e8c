import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResult } from '../../src/report/result-schema.js';
import { onlyResultDir } from './scenario-cli.js';

/** PIDs of live processes running the processor entry point (to prove none is left behind). */
async function processorPids(): Promise<Set<number>> {
  const pids = new Set<number>();
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes('src/cli/processor.ts')) pids.add(Number(entry));
  }
  return pids;
}

describe('Ctrl-C during a run', () => {
  it('stops the load, writes a partial result marked incomplete, stops every child, exits 130', async () => {
    const resultsDir = await mkdtemp(join(tmpdir(), 'streamproof-interrupt-'));
    const before = await processorPids();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/scenario.ts', 'smoke', '--results-dir', resultsDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    let sent = false;
    const exit = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    child.stderr.on('data', (d: Buffer) => {
      output += d.toString();
      // Interrupt once the measured load is running (a progress line names a load phase).
      if (!sent && /\[(ramp-up|steady)\]/.test(output)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await exit;
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(output).toContain('INCOMPLETE');
    const result = await readResult(join(await onlyResultDir(resultsDir, 'smoke'), 'result.json'));
    expect(result.state).toBe('incomplete');
    expect(result.verdict).toBeNull();
    const after = await processorPids();
    expect([...after].filter((pid) => !before.has(pid))).toEqual([]);
  }, 240_000);
});
