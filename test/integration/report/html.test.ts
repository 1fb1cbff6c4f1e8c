import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../src/report/html.js';
import type { RunResult } from '../../../src/report/result-schema.js';
import { loadChartJsSource } from '../../../src/report/write.js';
import { completedResultFixture, failedResultFixture, incompleteResultFixture } from '../../fixtures/report/result-fixture.js';

/**
 * Opens report.html in real headless Chromium: the page must load with no errors and no
 * network requests, and every chart canvas must actually be painted.
 */
const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = '/tmp/streamproof-report.png';

let browser: Browser;
let dir: string;
let chartJs: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium package`);
  chartJs = await loadChartJsSource();
  dir = await mkdtemp(join(tmpdir(), 'streamproof-html-'));
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Opened {
  page: Page;
  problems: string[];
  requests: string[];
}

async function open(result: RunResult, name: string): Promise<Opened> {
  const file = join(dir, `${name}.html`);
  await writeFile(file, renderReportHtml(result, chartJs));
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  page.on('request', (request) => {
    if (!request.url().startsWith('file://')) requests.push(request.url());
  });
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-charts-ready]', { timeout: 30_000 });
  return { page, problems, requests };
}

/**
 * Browser-side code is passed as source text: the project compiles without the DOM lib, so
 * `document` must not appear in typed TypeScript here.
 */
const CANVAS_STATS = `Array.from(document.querySelectorAll('canvas')).map((canvas) => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  const colours = new Set();
  for (let i = 0; i < data.length; i += 4) {
    if (data[i + 3] > 0) {
      painted += 1;
      if (colours.size < 64) colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
    }
  }
  return { id: canvas.id, width: canvas.width, height: canvas.height, painted, colours: colours.size };
})`;

/** Pixels of exactly the fault-marker red (#d62728) in the rate chart. */
const FAULT_RED_PIXELS = `(() => {
  const canvas = document.getElementById('chart-rate');
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let red = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] === 0xd6 && data[i + 1] === 0x27 && data[i + 2] === 0x28) red += 1;
  return red;
})()`;

const EMBEDDED_RESULT = `JSON.parse(document.getElementById('streamproof-result').textContent)`;

interface CanvasStats {
  id: string;
  width: number;
  height: number;
  painted: number;
  colours: number;
}

describe('report.html in headless Chromium', () => {
  it('renders a completed run: three painted charts, no errors, no network', async () => {
    const { page, problems, requests } = await open(completedResultFixture(), 'completed');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.getAttribute('body', 'data-charts-ready')).toBe('3');
    expect(await page.getAttribute('body', 'data-status')).toBe('PASS');
    const stats = await page.evaluate<CanvasStats[]>(CANVAS_STATS);
    expect(stats.map((s) => s.id)).toEqual(['chart-rate', 'chart-latency', 'chart-lag']);
    for (const s of stats) {
      expect(s.width, s.id).toBeGreaterThan(0);
      expect(s.height, s.id).toBeGreaterThan(0);
      // Axes alone paint a few thousand pixels; lines and markers add colours beyond grey.
      expect(s.painted, s.id).toBeGreaterThan(2_000);
      expect(s.colours, s.id).toBeGreaterThan(3);
    }
    // Fault markers are solid red (#d62728): find it in the rate chart at the fault's x.
    const redAtFault = await page.evaluate<number>(FAULT_RED_PIXELS);
    expect(redAtFault).toBeGreaterThan(50);
    expect(await page.locator('table').count()).toBeGreaterThanOrEqual(5);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    await page.close();
  });

  it('shows INCOMPLETE loudly and still charts the partial time series', async () => {
    const { page, problems } = await open(incompleteResultFixture(), 'incomplete');
    expect(problems).toEqual([]);
    expect(await page.getAttribute('body', 'data-status')).toBe('INCOMPLETE');
    expect(await page.textContent('#banner')).toContain('INCOMPLETE — partial run, NOT a pass');
    expect(await page.getAttribute('body', 'data-charts-ready')).toBe('3');
    await page.screenshot({ path: '/tmp/streamproof-report-incomplete.png' });
    await page.close();
  });

  it('renders a failed run with no time series: no charts, no errors', async () => {
    const { page, problems } = await open(failedResultFixture(), 'failed');
    expect(problems).toEqual([]);
    expect(await page.getAttribute('body', 'data-status')).toBe('FAILED');
    expect(await page.getAttribute('body', 'data-charts-ready')).toBe('0');
    expect(await page.locator('canvas').count()).toBe(0);
    await page.close();
  });

  it('keeps hostile text inert: </script> in the data neither breaks the page nor runs', async () => {
    const hostile = '</script><script>alert("owned")</script><!--';
    const base = completedResultFixture();
    const result: RunResult = {
      ...base,
      runId: hostile,
      verdict: { ...base.verdict, invariants: base.verdict.invariants.map((inv) => ({ ...inv, examples: [hostile, 'u\u2028v'] })) },
    };
    const { page, problems } = await open(result, 'hostile');
    expect(problems).toEqual([]);
    expect(await page.getAttribute('body', 'data-charts-ready')).toBe('3');
    const embedded = await page.evaluate<RunResult>(EMBEDDED_RESULT);
    const roundTrip = { runId: embedded.runId, examples: embedded.verdict?.invariants[0]?.examples };
    expect(roundTrip).toEqual({ runId: hostile, examples: [hostile, 'u\u2028v'] });
    await page.close();
  });
});
