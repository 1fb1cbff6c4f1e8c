import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../../src/base/exit-codes.js';
import { completedResultFixture, incompleteResultFixture, stageFixture } from '../../fixtures/report/result-fixture.js';

/** `npm run compare` end to end: exit codes are API (0 ok, 1 regression, 2 bad input). */
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
    expect(run.stdout).toContain('| p99(l3_window) | 850 ms | 1.2 s | +41.2% | **REGRESSION** | +20% and +5 ms |');
    expect(run.stderr).toContain(`regression against ${file('baseline.json')}: exit 1`);
  });

  it('tolerances from a file, then flags on top, decide the verdict', async () => {
    expect((await compare([file('baseline.json'), file('slower.json'), '--tolerances', file('loose.json')])).code).toBe(EXIT.OK);
    expect((await compare([file('baseline.json'), file('slower.json'), '--tolerances', file('loose.json'), '--latency-pct', '30'])).code).toBe(EXIT.GATE_FAILED);
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
    expect(flag.stderr).toContain("Unknown option '--bogus'");
    expect((await compare([file('baseline.json')])).stderr).toContain('expected 2 result files (baseline, current), got 1');
  });

  it('--help exits 0', async () => {
    const run = await compare(['--help']);
    expect(run.code).toBe(EXIT.OK);
    expect(run.stdout).toContain('usage: npm run compare -- <baseline result.json> <current result.json> [options]');
  });
});
