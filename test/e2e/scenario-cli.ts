import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Runs `npm run scenario -- ...` as a user would, capturing output and the exit code. */
export function runScenarioCli(args: string[], options: { timeoutMs?: number; onOutput?: (chunk: string) => void } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/scenario.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      options.onOutput?.(d.toString());
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      options.onOutput?.(d.toString());
    });
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`scenario ${args.join(' ')} did not finish within ${(options.timeoutMs ?? 300_000) / 1000} s\n${stderr.slice(-3000)}\n--- stdout:\n${stdout.slice(-1500)}`));
    }, options.timeoutMs ?? 300_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      // A handle some client left open (src/cli/run-cli.ts): not a wrong result, but worth seeing.
      const lingered = /warning: still held open.*/.exec(stderr);
      if (lingered) console.warn(`scenario ${args[0]}: ${lingered[0]}`);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The single results/<scenario>/<timestamp>/ directory under a fresh results dir. */
export async function onlyResultDir(resultsDir: string, scenario: string): Promise<string> {
  const entries = (await readdir(join(resultsDir, scenario))).filter((e) => e !== 'latest');
  if (entries.length !== 1) throw new Error(`expected one result dir, found ${entries.join(', ')}`);
  return join(resultsDir, scenario, entries[0]!);
}

/** Live processes started for this run (the runner puts STREAMPROOF_RUN_ID in its children's environment). */
export async function processesOfRun(runId: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (environ.split('\0').includes(`STREAMPROOF_RUN_ID=${runId}`)) pids.push(Number(entry));
  }
  return pids;
}
