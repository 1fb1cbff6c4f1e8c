import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { LINGER_MS } from '../../../src/cli/run-cli.js';

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr, ms: Date.now() - started }));
  });
}

describe('runCli: a finished command exits even when a handle is left open', () => {
  it('exits with its own code after the linger time and names what held it open', async () => {
    const out = await run('test/fixtures/cli/lingering-command.ts');
    expect(out.stdout).toBe('done\n');
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/warning: still held open 10 s after finishing by .*TCPServerWrap/);
    expect(out.stderr).toContain('exiting with 1');
    expect(out.ms).toBeGreaterThanOrEqual(LINGER_MS); // it did wait for the handles first
  }, 60_000);
});
