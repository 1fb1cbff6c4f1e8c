import { mkdtemp, readFile, readlink, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readRunSide, type RunSetFile } from '../../../src/report/run-set.js';
import { renderSetSummaryMarkdown } from '../../../src/report/set-summary.js';
import { writeSetFiles } from '../../../src/report/set-write.js';
import { noisySet } from '../../fixtures/report/noisy-sets.js';
import { completedResultFixture, incompleteResultFixture } from '../../fixtures/report/result-fixture.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'streamproof-set-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const createdAt = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const endedAt = new Date(Date.UTC(2026, 0, 2, 3, 9, 5));

async function writeFixtureSet(count = 3) {
  const runs = noisySet(1, count);
  const members = runs.map((result, i) => ({ result, dir: join(dir, 'fixture-scenario', `run-${i + 1}`), exitCode: 0 }));
  return writeSetFiles({ scenario: 'fixture-scenario', createdAt, endedAt, requestedRuns: count, members, excluded: [], exitCode: 0 }, { resultsDir: dir });
}

describe('sets on disk', () => {
  it('writes a self-contained set directory and reads it back', async () => {
    const written = await writeFixtureSet(3);
    expect(written.dir).toBe(join(dir, 'fixture-scenario', '2026-01-02T03-04-05Z-set'));
    expect(await readlink(join(dir, 'fixture-scenario', 'latest-set'))).toBe('2026-01-02T03-04-05Z-set');
    const set = JSON.parse(await readFile(written.setJson, 'utf8')) as RunSetFile;
    expect(set).toMatchObject({ schemaVersion: 1, kind: 'streamproof-set', scenario: 'fixture-scenario', requestedRuns: 3, state: 'completed', exitCode: 0, excluded: [] });
    expect(set.runs[0]).toEqual({ index: 1, path: 'runs/1/result.json', runId: 'noisy-1-1', state: 'completed', startedAt: '2025-01-15T10:00:00.000Z', exitCode: 0, source: '../run-1' });
    for (const path of [written.dir, written.setJson]) {
      const side = await readRunSide(path);
      expect(side.kind).toBe('set');
      expect(side.runs.map((r) => r.runId)).toEqual(['noisy-1-1', 'noisy-1-2', 'noisy-1-3']);
    }
    const again = await writeFixtureSet(3);
    expect(again.dir).toBe(`${written.dir}-2`);
  });

  it('a result.json or a run directory is a set of 1, a member of the committed baseline set among them', async () => {
    await mkdir(join(dir, 'run'));
    await writeFile(join(dir, 'run', 'result.json'), JSON.stringify(completedResultFixture()));
    for (const path of [join(dir, 'run'), join(dir, 'run', 'result.json')]) {
      const side = await readRunSide(path);
      expect(side).toMatchObject({ kind: 'run', set: null });
      expect(side.runs).toHaveLength(1);
    }
    const baseline = await readRunSide('results/baselines/smoke/runs/1/result.json');
    expect(baseline.kind).toBe('run');
    expect(baseline.runs[0]!.scenario.name).toBe('smoke');
  });

  it('refuses sets that are not self-contained or do not match their members', async () => {
    const written = await writeFixtureSet(3);
    const set = JSON.parse(await readFile(written.setJson, 'utf8')) as RunSetFile;
    await writeFile(written.setJson, JSON.stringify({ ...set, runs: [{ ...set.runs[0]!, path: '../../elsewhere/result.json' }] }));
    await expect(readRunSide(written.dir)).rejects.toThrow(/leaves the set directory/);
    await writeFile(written.setJson, JSON.stringify({ ...set, runs: [{ ...set.runs[0]!, runId: 'other' }] }));
    await expect(readRunSide(written.dir)).rejects.toThrow(/is run noisy-1-1 of "fixture-scenario", but set.json lists run other/);
    await writeFile(written.setJson, JSON.stringify({ ...set, schemaVersion: 2 }));
    await expect(readRunSide(written.dir)).rejects.toThrow(/is not a valid set file: schemaVersion/);
    await expect(readRunSide(join(dir, 'nowhere.json'))).rejects.toThrow(/cannot read result file/);
    await expect(readRunSide(dir)).rejects.toThrow(/holds neither set.json nor result.json/);
  });

  it('summary.md lists the runs and each figure as median, min and max', async () => {
    const written = await writeFixtureSet(3);
    const summary = await readFile(written.summaryMd, 'utf8');
    expect(summary.split('\n')[0]).toBe('# streamproof set — `fixture-scenario`: 3 of 3 runs');
    expect(summary).toContain('> 3 of 3 runs PASS; exit code of the set 0 (the worst run).');
    expect(summary).toContain('| figure | median | min | max | n |');
    expect(summary).toMatch(/\| p99\(l1_produce\) \| [\d.]+ ms \| [\d.]+ ms \| [\d.]+ ms \| 3 \|/);
    expect(summary).toContain('| lost | 0 | 0 | 0 | 3 |');
    expect(summary).toContain('results/baselines/fixture-scenario/');
  });

  it('an interrupted set says it stopped early and which run it left out', () => {
    const set: RunSetFile = {
      schemaVersion: 1, kind: 'streamproof-set', scenario: 'fixture-scenario', createdAt: createdAt.toISOString(), endedAt: endedAt.toISOString(),
      requestedRuns: 5, state: 'incomplete', reason: 'run 2 of 5 was interrupted', exitCode: 130,
      runs: [{ index: 1, path: 'runs/1/result.json', runId: 'fixture-run-0001', state: 'completed', startedAt: createdAt.toISOString(), exitCode: 0, source: '../a' }],
      excluded: [{ runId: 'fixture-run-0002', state: 'incomplete', startedAt: endedAt.toISOString(), exitCode: 130, source: '../b' }],
    };
    const summary = renderSetSummaryMarkdown(set, [completedResultFixture()]);
    expect(summary).toContain('> [!WARNING]');
    expect(summary).toContain('**Stopped early** (run 2 of 5 was interrupted)');
    expect(summary).toContain('Not in the set: `fixture-run-0002` (incomplete, ../b).');
    expect(renderSetSummaryMarkdown({ ...set, runs: [] }, [incompleteResultFixture()])).toContain('No run completed');
  });
});
