import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { loadChartJsSource, makeRunDir, pointLatest, resultDirName, writeFileAtomic } from '../report/write.js';
import { renderCapacityHtml } from './report-html.js';
import { renderCapacityMarkdown } from './report-markdown.js';
import type { CapacityReport } from './run-capacity.js';

/** results/capacity/<timestamp>/: capacity.json (first, so it survives a renderer's failure), capacity.md, capacity.html; probes/ holds each probe's run, stack-warm-up/ the run before them, replay/ --replay's runs. */
export interface CapacityFiles {
  dir: string;
  probesDir: string;
  /** --replay's plain runs. */
  replayDir: string;
  /** The stack warm-up's run. */
  stackWarmUpDir: string;
  json: string;
  md: string;
  html: string;
}

export async function makeCapacityDir(resultsDir: string, startedAt: Date): Promise<CapacityFiles> {
  const parent = join(resultsDir, 'capacity');
  const dir = await makeRunDir(parent, resultDirName(startedAt.toISOString()));
  await pointLatest(parent, dir.slice(parent.length + 1));
  const probesDir = join(dir, 'probes');
  await mkdir(probesDir, { recursive: true });
  return { dir, probesDir, replayDir: join(dir, 'replay'), stackWarmUpDir: join(dir, 'stack-warm-up'), json: join(dir, 'capacity.json'), md: join(dir, 'capacity.md'), html: join(dir, 'capacity.html') };
}

export async function writeCapacityFiles(files: CapacityFiles, report: CapacityReport, chartJsSource?: string): Promise<void> {
  await writeFileAtomic(files.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFileAtomic(files.md, renderCapacityMarkdown(report));
  await writeFileAtomic(files.html, renderCapacityHtml(report, chartJsSource ?? (await loadChartJsSource())));
}
