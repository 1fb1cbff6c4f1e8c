import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/base/exit-codes.js';
import type { CompletedResult } from '../../../src/report/result-schema.js';
import { writeSetFiles } from '../../../src/report/set-write.js';
import { noisySet, shiftStage } from '../../fixtures/report/noisy-sets.js';
import { completedResultFixture, incompleteResultFixture, stageFixture } from '../../fixtures/report/result-fixture.js';

/** `npm run compare` end to end, on single runs and on sets: exit codes are API (0 ok, 1 regression, 2 bad input). */
interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function compare(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/compare.ts', ...args], { cwd: process.cwd(), timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
const file = (name: string): string => join(dir, name);
const sets: Record<string, string> = {};

async function writeSet(name: string, runs: CompletedResult[]): Promise<void> {
  const at = new Date(Date.UTC(2026, 0, 1) + Object.keys(sets).length * 60_000);
  const members = runs.map((result, i) => ({ result, dir: join(dir, name, `run-${i + 1}`), exitCode: 0 }));
  sets[name] = (await writeSetFiles({ scenario: 'fixture-scenario', createdAt: at, endedAt: at, requestedRuns: runs.length, members, excluded: [], exitCode: 0 }, { resultsDir: join(dir, name) })).dir;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'streamproof-compare-'));
  const base = completedResultFixture();
  const slower = { ...base, stages: { ...base.stages, l3_window: stageFixture(1200) } };
  const other = { ...base, scenario: { name: 'peak-load', resolved: {} } };
  await writeFile(file('baseline.json'), JSON.stringify(base));
  await writeFile(file('same.json'), JSON.stringify(base));
  await writeFile(file('slower.json'), JSON.stringify(slower));
  await writeFile(file('other.json'), JSON.stringify(other));
  await writeFile(file('incomplete.json'), JSON.stringify(incompleteResultFixture()));
  await writeFile(file('loose.json'), JSON.stringify({ latency: { maxIncreasePct: 50 } }));
  await writeSet('baseline-set', noisySet(1, 5));
  await writeSet('same-set', noisySet(2, 5));
  await writeSet('slower-set', noisySet(2, 5, { tweak: (run) => shiftStage(run, 'l1_produce', 'p99Ms', 50) }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run compare', () => {
  it('exits 0 and prints the table when nothing regressed', async () => {
    const run = await compare([file('baseline.json'), file('same.json')]);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout.split('\n')[0]).toBe('## streamproof compare — `fixture-scenario`: ✅ no regression (0 improved)');
  });

  it('exits 1 on a regression and writes the markdown file', async () => {
    const run = await compare([file('baseline.json'), file('slower.json'), '--markdown', file('compare.md')]);
    expect(run.code).toBe(EXIT.GATE_FAILED);
    expect(await readFile(file('compare.md'), 'utf8')).toBe(run.stdout);
    // One run a side: the tolerance alone decides, and the row and a warning say so.
    expect(run.stdout).toContain('| p99(l3_window) | 850 ms | 1.2 s | +41.2% | +350 ms; n too small, tolerance only | — | 1 / 1 | **REGRESSED** | +20% and +5 ms (tolerance only) |');
    expect(run.stdout).toContain('no confidence interval can be had');
    expect(run.stderr).toContain(`regression against ${file('baseline.json')}: exit 1`);
    expect(run.stderr).toContain(`baseline: single run from ${file('baseline.json')}`);
  });

  it('tolerances from a file, then flags on top, decide the verdict', async () => {
    expect((await compare([file('baseline.json'), file('slower.json'), '--tolerances', file('loose.json')])).code).toBe(EXIT.OK);
    expect((await compare([file('baseline.json'), file('slower.json'), '--tolerances', file('loose.json'), '--latency-pct', '30'])).code).toBe(EXIT.GATE_FAILED);
  });

  it('compares set directories: the same distribution passes, +50 ms on every run fails', async () => {
    const same = await compare([sets['baseline-set']!, sets['same-set']!]);
    expect(same.code).toBe(EXIT.OK);
    expect(same.stdout.split('\n')[0]).toBe('## streamproof compare — `fixture-scenario`: ✅ no regression (0 improved)');
    expect(same.stdout).toMatch(/^- baseline: set of 5 runs \(commit 0123456789ab, /m);
    expect(same.stdout).not.toContain('tolerance only');
    expect(same.stderr).toContain(`baseline: set of 5 run(s) from ${join(sets['baseline-set']!, 'set.json')}`);
    const slower = await compare([join(sets['baseline-set']!, 'set.json'), sets['slower-set']!]);
    expect(slower.code).toBe(EXIT.GATE_FAILED);
    expect(slower.stdout.split('\n')[0]).toBe('## streamproof compare — `fixture-scenario`: ❌ regression: 1 regressed, 0 missing');
    expect(slower.stdout).toMatch(/^\| p99\(l1_produce\) \| .* \| p = 0\.008 \| 5 \/ 5 \| \*\*REGRESSED\*\* \| \+20% and \+5 ms \|$/m);
  });

  it('the committed baseline set against itself: no regression; a single run against a set falls back to the tolerance', async () => {
    const run = await compare(['results/baselines/smoke/', 'results/baselines/smoke/']);
    expect(run.code).toBe(EXIT.OK);
    const mixed = await compare([file('baseline.json'), sets['same-set']!]);
    expect(mixed.stdout).toContain('Fewer than 3 runs on a side (baseline 1, current 5)');
  });

  it('exits 2 on input it cannot compare', async () => {
    const scenarios = await compare([file('baseline.json'), file('other.json')]);
    expect(scenarios.code).toBe(EXIT.HARNESS_ERROR);
    expect(scenarios.stderr).toContain('cannot compare results of different scenarios');
    const partial = await compare([file('baseline.json'), file('incomplete.json')]);
    expect(partial.code).toBe(EXIT.HARNESS_ERROR);
    expect(partial.stderr).toContain('the current result (run fixture-run-0001) is incomplete');
    const missing = await compare([file('baseline.json'), file('nope.json')]);
    expect(missing.code).toBe(EXIT.HARNESS_ERROR);
    expect(missing.stderr).toContain('cannot read result file');
    const flag = await compare([file('baseline.json'), file('same.json'), '--bogus']);
    expect(flag.code).toBe(EXIT.HARNESS_ERROR);
    expect(flag.stderr).toContain('error [SP_INVALID_ARGUMENT]: unknown flag --bogus for `npm run compare --`');
    expect(flag.stderr).toContain('`npm run compare -- --help` lists every flag');
    expect((await compare([file('baseline.json')])).stderr).toContain('`npm run compare --` expects 2 results or sets (baseline, current), each a result.json, a run directory or a set directory, got "');
    const empty = await compare([file('baseline.json'), dir]);
    expect(empty.code).toBe(EXIT.HARNESS_ERROR);
    expect(empty.stderr).toContain('holds neither set.json nor result.json');
  });

  it('--help exits 0', async () => {
    const run = await compare(['--help']);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout).toContain('usage: npm run compare -- <baseline> <current> [options]');
  });
});
