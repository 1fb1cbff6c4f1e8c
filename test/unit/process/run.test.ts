import { describe, expect, it } from 'vitest';
import { readStartTime } from '../../../src/process/identity.js';
import { runCommand } from '../../../src/process/run.js';
import { runCommandSync } from '../../../src/process/run-sync.js';

const node = process.execPath;

describe('runCommand', () => {
  it('captures stdout, stderr and the exit code', async () => {
    const result = await runCommand(node, ['-e', "console.log('out'); console.error('err'); process.exit(3)"]);
    expect(result).toMatchObject({ ok: false, code: 3, signal: null, stdout: 'out\n', stderr: 'err\n', timedOut: false, spawnError: null });
    expect(result.output).toContain('out\n');
    expect(result.output).toContain('err\n');
  });

  it('passes env and cwd, and streams output as it comes', async () => {
    const chunks: string[] = [];
    const result = await runCommand(node, ['-e', 'console.log(process.env.SP_TEST_VAR, process.cwd())'], {
      env: { SP_TEST_VAR: 'hello' },
      cwd: '/',
      onOutput: (chunk) => chunks.push(chunk),
    });
    expect(result.ok).toBe(true);
    expect(result.stdout).toBe('hello /\n');
    expect(chunks.join('')).toBe('hello /\n');
  });

  it('stops a command that overruns its timeout, with SIGKILL when it ignores SIGTERM', async () => {
    const started = Date.now();
    const pids: number[] = [];
    // sh ignores SIGTERM from its first instruction on (and `exec` keeps that for sleep): a node
    // child would still be booting, not yet ignoring anything, when a short timeout fires.
    const result = await runCommand('sh', ['-c', "trap '' TERM; echo $$; exec sleep 30"], {
      timeoutMs: 500,
      killGraceMs: 300,
      onOutput: (chunk) => pids.push(Number(chunk.trim())),
    });
    expect(result).toMatchObject({ ok: false, timedOut: true, code: null, signal: 'SIGKILL' });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(readStartTime(pids[0] as number)).toBeNull(); // gone and reaped
  });

  it('reports a command that cannot start', async () => {
    const result = await runCommand('streamproof-no-such-command', []);
    expect(result.ok).toBe(false);
    expect(result.spawnError?.message).toMatch(/ENOENT/);
  });
});

describe('runCommandSync', () => {
  it('runs to completion', () => {
    expect(runCommandSync(node, ['-e', "console.log('hi')"], { timeoutMs: 10_000 })).toMatchObject({ ok: true, code: 0, stdout: 'hi\n' });
  });

  it('kills a command that overruns its timeout', () => {
    const result = runCommandSync(node, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { timeoutMs: 300 });
    expect(result).toMatchObject({ ok: false, timedOut: true, signal: 'SIGKILL', spawnError: null });
  });

  it('reports a command that cannot start', () => {
    const result = runCommandSync('streamproof-no-such-command', [], { timeoutMs: 1_000 });
    expect(result.ok).toBe(false);
    expect(result.spawnError?.message).toMatch(/ENOENT/);
  });
});
