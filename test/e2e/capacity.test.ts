import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readResult } from '../../src/report/result-schema.js';
import type { CapacityReport } from '../../src/capacity/run-capacity.js';

/**
 * `npm run capacity` end to end on the real stack with a tiny budget: two or three short probes.
 * Correctness only — the files, every probe's outcome and figures, the exit code — never a
 * found-rate value: on a shared 2-core machine that measures the neighbours.
 */
function runCapacityCli(args: string[], timeoutMs = 400_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/capacity.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGINT');
      reject(new Error(`capacity ${args.join(' ')} did not finish within ${timeoutMs / 1000} s\n${stderr.slice(-3000)}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const resultsDir = await mkdtemp(join(tmpdir(), 'streamproof-capacity-'));
let run: Awaited<ReturnType<typeof runCapacityCli>>;
let dir = '';

beforeAll(async () => {
  // --require far above anything this machine sustains: exit 1 whatever the probes find.
  // --noise-floor: the refusal of a fine precision is tested below, not here.
  run = await runCapacityCli(['smoke', '--budget', '3m', '--hold', '10s', '--warm-up', '2s', '--start', '300', '--stack-warm-up', '10s', '--precision', '50%', '--noise-floor', '2%', '--require', '10000000', '--target-peak', '20000', '--results-dir', resultsDir]);
  const entries = (await readdir(join(resultsDir, 'capacity'))).filter((e) => e !== 'latest');
  if (entries.length === 1) dir = join(resultsDir, 'capacity', entries[0]!);
}, 420_000);

describe('npm run capacity -- smoke (tiny budget)', () => {
  it('exits 1: --require not met', () => {
    expect(run.stderr).not.toMatch(/error \[/);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/exit 1/);
  });

  it('writes capacity.json, capacity.md and capacity.html', async () => {
    for (const f of ['capacity.json', 'capacity.md', 'capacity.html']) expect((await stat(join(dir, f))).size).toBeGreaterThan(100);
    const html = await readFile(join(dir, 'capacity.html'), 'utf8');
    expect(html).toContain('id="capacity-data"');
    expect(html).toContain("default-src 'none'");
  });

  it('records every probe with its outcome, criteria and figures, and its own run directory', async () => {
    const report = JSON.parse(await readFile(join(dir, 'capacity.json'), 'utf8')) as CapacityReport;
    expect(report.kind).toBe('streamproof-capacity');
    expect(report.state).toBe('completed');
    expect(report.exitCode).toBe(1);
    expect(report.require).toEqual({ rate: 10_000_000, met: false });
    const probes = report.searches.flatMap((s) => s.probes);
    expect(probes.length).toBeGreaterThanOrEqual(1);
    expect(probes[0]!.rate).toBe(300);
    const log = run.stderr;
    for (const [i, p] of probes.entries()) {
      expect(p.index).toBe(i + 1);
      expect(typeof p.sustainable).toBe('boolean');
      expect(p.decision.criteria.map((c) => c.criterion)).toEqual(['completed', 'onTimeShare', 'lagSlope', 'gates', 'invariants']);
      expect(p.sustainable).toBe(p.decision.criteria.every((c) => c.pass));
      expect(Object.keys(p.stages.stages).sort()).toEqual(['delivery', 'generator', 'ingest', 'processor']);
      expect(p.durationMs).toBeGreaterThan(0);
      // The probe is an ordinary run: a valid result.json of a constant-rate hold at its rate.
      const result = await readResult(join(p.resultDir, 'result.json'));
      expect(result.state).toBe(p.state);
      // (A probe aborted early has hold seconds after the cut, at target 0.)
      const holdTargets = new Set(result.timeSeries.filter((r) => r.phase === 'hold').map((r) => r.targetEventsPerS));
      expect(holdTargets.has(p.rate)).toBe(true);
      expect([...holdTargets].every((t) => t === p.rate || t === 0)).toBe(true);
      // Live progress: a line per probe, before and after.
      expect(log).toContain(`capacity: probe ${p.index} — `);
    }
    // The stack warm-up ran first, as an ordinary run of its own at the start rate, not as a probe.
    expect(report.stackWarmUp).toMatchObject({ rate: 300, holdMs: 10_000, state: 'completed' });
    expect(report.stackWarmUp!.resultDir.startsWith(join(dir, 'stack-warm-up'))).toBe(true);
    const warmUp = await readResult(join(report.stackWarmUp!.resultDir, 'result.json'));
    expect(warmUp.gates).toEqual([]);
    expect(new Set(warmUp.timeSeries.filter((r) => r.phase === 'hold').map((r) => r.targetEventsPerS))).toContain(300);
    expect(log.indexOf('capacity: stack warm-up')).toBeLessThan(log.indexOf('capacity: probe 1 — '));
    // The search's own bookkeeping: at most one probe per rate, unless a re-probe says why.
    for (const p of probes.slice(1)) expect(p.why).not.toBe('start rate');
    const md = await readFile(join(dir, 'capacity.md'), 'utf8');
    expect(md).toContain('## How a probe is judged');
    expect(md).toContain('--require 10,000,000 events/s: **NOT met**');
    expect(md).toMatch(/## Sizing projection/);
  });

  it('refuses a budget too small for one probe before any probe, exit 2', async () => {
    const refused = await runCapacityCli(['smoke', '--budget', '20s', '--results-dir', resultsDir]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--budget 20s is too small for one probe/);
    expect(refused.stderr).not.toMatch(/capacity: probe/);
  }, 240_000);

  // Each refusal loads the scenario in a fresh process: tens of seconds on a busy 2-core machine.
  it('refuses a precision finer than the noise, exit 2', async () => {
    const fine = await runCapacityCli(['smoke', '--precision', '1%', '--noise-floor', '10%', '--results-dir', resultsDir]);
    expect(fine.code).toBe(2);
    expect(fine.stderr).toMatch(/--precision 1.0% is finer than this machine's measured noise 10.0%/);
  }, 240_000);

  it('refuses an SLO no probe can evaluate, exit 2', async () => {
    const slo = await runCapacityCli(['smoke', '--slo', 'lagRecoveryS < 10s', '--results-dir', resultsDir]);
    expect(slo.code).toBe(2);
    expect(slo.stderr).toMatch(/cannot be judged per probe/);
  }, 240_000);
});
