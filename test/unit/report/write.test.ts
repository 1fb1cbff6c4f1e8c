import { lstat, mkdtemp, readFile, readlink, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamproofError } from '../../../src/base/errors.js';
import { readResult } from '../../../src/report/result-schema.js';
import { resultDirName, writeResultFiles } from '../../../src/report/write.js';
import { completedResultFixture } from '../../fixtures/report/result-fixture.js';

const FAKE_CHART_JS = '/* fake chart.js */';

describe('resultDirName', () => {
  it('is the UTC start time without milliseconds or colons', () => {
    expect(resultDirName('2025-01-15T10:00:00.123Z')).toBe('2025-01-15T10-00-00Z');
    expect(resultDirName('2025-01-15T12:30:05+02:00')).toBe('2025-01-15T10-30-05Z');
  });
});

describe('writeResultFiles', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'streamproof-write-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes result.json, summary.md and report.html under <scenario>/<timestamp>/ and points latest at it', async () => {
    const written = await writeResultFiles(completedResultFixture(), { resultsDir: root, chartJsSource: FAKE_CHART_JS });
    const dir = join(root, 'fixture-scenario', '2025-01-15T10-00-00Z');
    expect(written).toEqual({
      dir,
      resultJson: join(dir, 'result.json'),
      summaryMd: join(dir, 'summary.md'),
      reportHtml: join(dir, 'report.html'),
      latest: join(root, 'fixture-scenario', 'latest'),
    });
    expect((await readdir(dir)).sort()).toEqual(['report.html', 'result.json', 'summary.md']);
    expect(await readResult(written.resultJson)).toEqual(completedResultFixture());
    expect((await readFile(written.summaryMd, 'utf8')).startsWith('# streamproof fixture-scenario: PASS')).toBe(true);
    expect(await readFile(written.reportHtml, 'utf8')).toContain(FAKE_CHART_JS);
    expect((await lstat(written.latest!)).isSymbolicLink()).toBe(true);
    expect(await readlink(written.latest!)).toBe('2025-01-15T10-00-00Z');
  });

  it('a second run in the same second gets its own directory, and latest moves to it', async () => {
    await writeResultFiles(completedResultFixture(), { resultsDir: root, chartJsSource: FAKE_CHART_JS });
    const second = await writeResultFiles(completedResultFixture({ runId: 'second' }), { resultsDir: root, chartJsSource: FAKE_CHART_JS });
    expect(second.dir).toBe(join(root, 'fixture-scenario', '2025-01-15T10-00-00Z-2'));
    expect(await readlink(second.latest!)).toBe('2025-01-15T10-00-00Z-2');
    expect((await readResult(join(second.latest!, 'result.json'))).runId).toBe('second');
    expect((await readdir(join(root, 'fixture-scenario'))).sort()).toEqual(['2025-01-15T10-00-00Z', '2025-01-15T10-00-00Z-2', 'latest']);
  });

  it('refuses an invalid result before writing anything', async () => {
    const bad = { ...completedResultFixture(), runId: '' };
    await expect(writeResultFiles(bad, { resultsDir: root, chartJsSource: FAKE_CHART_JS })).rejects.toBeInstanceOf(StreamproofError);
    expect(await readdir(root)).toEqual([]);
  });
});
