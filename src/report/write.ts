import { mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { renderReportHtml } from './html.js';
import { parseResult, type RunResult } from './result-schema.js';
import { renderSummaryMarkdown } from './summary.js';

/**
 * The I/O edge of reporting: writes results/<scenario>/<timestamp>/{result.json, summary.md,
 * report.html} and points results/<scenario>/latest at that directory. Everything it writes
 * comes from the pure renderers.
 */

export interface WrittenResult {
  dir: string;
  resultJson: string;
  summaryMd: string;
  reportHtml: string;
  /** results/<scenario>/latest, or null when the symlink could not be made (e.g. no symlinks on this filesystem). */
  latest: string | null;
}

export interface WriteResultOptions {
  /** Root of all results; default `results` (relative to the working directory). */
  resultsDir?: string;
  /** Chart.js UMD source to inline; default: read from node_modules (loadChartJsSource). */
  chartJsSource?: string;
  /** Base URL of Grafana for the report's link (the stack's, else STREAMPROOF_GRAFANA_URL, else the compose default). */
  grafanaUrl?: string;
}

/** `2025-01-15T10:00:00.123Z` → `2025-01-15T10-00-00Z`: sortable, and valid on every filesystem. */
export function resultDirName(startedAt: string): string {
  const ms = Date.parse(startedAt);
  if (Number.isNaN(ms)) throw new StreamproofError(ERROR_CODES.INVALID_RESULT, `startedAt "${startedAt}" is not a date`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

/** Reads Chart.js's UMD build (the package does not export that path, so go via its main file). */
export async function loadChartJsSource(): Promise<string> {
  const require = createRequire(import.meta.url);
  try {
    const main = require.resolve('chart.js');
    return await readFile(join(dirname(main), 'chart.umd.js'), 'utf8');
  } catch (error) {
    throw new StreamproofError(ERROR_CODES.TOOL_MISSING, `cannot read Chart.js to build report.html: ${(error as Error).message}`, {
      hint: 'run `npm ci` (chart.js is a runtime dependency of streamproof: report.html inlines it)',
      cause: error,
    });
  }
}

/** Write to a temporary sibling, then rename: readers never see half a file. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, content);
  await rename(tmp, path);
}

/** Creates the run directory; a second run started in the same second gets `-2`, `-3` ... */
export async function makeRunDir(scenarioDir: string, name: string): Promise<string> {
  await mkdir(scenarioDir, { recursive: true });
  for (let attempt = 1; attempt < 1000; attempt += 1) {
    const dir = join(scenarioDir, attempt === 1 ? name : `${name}-${attempt}`);
    try {
      await mkdir(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  throw new StreamproofError(ERROR_CODES.INVALID_RESULT, `too many result directories named ${name} under ${scenarioDir}`);
}

/** Points results/<scenario>/<linkName> (`latest`, or `latest-set` for sets) at a directory of it. */
export async function pointLatest(scenarioDir: string, runDirName: string, linkName = 'latest'): Promise<string | null> {
  const latest = join(scenarioDir, linkName);
  const tmp = `${latest}.${process.pid}.tmp`;
  try {
    await rm(tmp, { force: true });
    await symlink(runDirName, tmp, 'dir'); // relative target: the results folder can be moved or archived
    await rename(tmp, latest);
    return latest;
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined);
    return null;
  }
}

/**
 * Validates the result (a file we write must be readable by readResult) and writes the three
 * files. result.json goes first, so the artifact survives even if a renderer fails.
 */
export async function writeResultFiles(result: RunResult, options: WriteResultOptions = {}): Promise<WrittenResult> {
  const valid = parseResult(result, `result of run ${result.runId}`);
  const scenarioDir = join(options.resultsDir ?? 'results', valid.scenario.name);
  const dir = await makeRunDir(scenarioDir, resultDirName(valid.startedAt));
  const resultJson = join(dir, 'result.json');
  await writeFileAtomic(resultJson, `${JSON.stringify(valid, null, 2)}\n`);
  const latest = await pointLatest(scenarioDir, basename(dir));
  const summaryMd = join(dir, 'summary.md');
  await writeFileAtomic(summaryMd, renderSummaryMarkdown(valid));
  const reportHtml = join(dir, 'report.html');
  await writeFileAtomic(reportHtml, renderReportHtml(valid, options.chartJsSource ?? (await loadChartJsSource()), options.grafanaUrl ? { grafanaUrl: options.grafanaUrl } : {}));
  return { dir, resultJson, summaryMd, reportHtml, latest };
}
