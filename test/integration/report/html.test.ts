import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderReportHtml } from '../../../src/report/html.js';
import type { RunResult } from '../../../src/report/result-schema.js';
import { LatencyHistogram } from '../../../src/metrics/histogram.js';
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

/**
 * Per chart and dataset: how many non-null values the data has, how many of them are drawn (in
 * the plot area, on a line to a neighbour or as a dot), and how many isolated values (no non-null
 * neighbour, so visible only as a dot) have a dot of the dataset's colour painted at their place.
 */
const DRAWN_POINTS = `Array.from(document.querySelectorAll('canvas')).map((canvas) => {
  const chart = Chart.getChart(canvas);
  const ctx = canvas.getContext('2d');
  const dpr = canvas.width / canvas.clientWidth;
  const hex = (c) => [1, 3, 5].map((i) => parseInt(c.slice(i, i + 2), 16));
  const near = (x, y, rgb) => {
    const d = ctx.getImageData(Math.round(x * dpr) - 1, Math.round(y * dpr) - 1, 3, 3).data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 3] > 100 && Math.abs(d[i] - rgb[0]) < 60 && Math.abs(d[i + 1] - rgb[1]) < 60 && Math.abs(d[i + 2] - rgb[2]) < 60) return true;
    }
    return false;
  };
  return {
    id: canvas.id,
    colours: chart.data.datasets.map((ds) => ds.borderColor),
    datasets: chart.data.datasets.map((ds, di) => {
      const meta = chart.getDatasetMeta(di);
      const rgb = hex(ds.borderColor);
      const r = { label: ds.label, values: 0, drawn: 0, isolated: 0, isolatedDrawn: 0 };
      ds.data.forEach((p, i) => {
        if (p.y === null || p.y === undefined) return;
        r.values += 1;
        const el = meta.data[i];
        const before = i > 0 ? ds.data[i - 1].y : null;
        const after = i + 1 < ds.data.length ? ds.data[i + 1].y : null;
        const alone = (before === null || before === undefined) && (after === null || after === undefined);
        const area = chart.chartArea;
        // Off the top frame (a value there is a half-cut dot on the border line); on a log axis
        // off the bottom frame too (a linear axis draws a zero on its own axis line).
        const logY = chart.scales.y.type === 'logarithmic';
        const inside = !el.skip && el.x >= area.left - 1 && el.x <= area.right + 1 && el.y >= area.top + 2 && el.y <= (logY ? area.bottom - 2 : area.bottom + 1);
        // On a line to a neighbour (dashed or overdrawn lines are not checked by pixel), or as its own dot.
        if (inside && (!alone || el.options.radius > 0)) r.drawn += 1;
        // An isolated value has nothing but its dot: its colour must be on the canvas there.
        if (alone) { r.isolated += 1; if (inside && el.options.radius > 0 && near(el.x, el.y, rgb)) r.isolatedDrawn += 1; }
      });
      return r;
    }),
  };
})`;

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

  it('draws every value of a sparse run (isolated seconds as dots), the distribution, the timeline and the Grafana link', async () => {
    const base = completedResultFixture();
    const start = Date.parse(base.startedAt);
    // Like smoke: L3 and L4 complete only every few seconds, so most of their values stand alone.
    const timeSeries = base.timeSeries.slice(0, 40).map((row, second) => ({
      ...row,
      p99Ms: {
        l1_produce: row.p99Ms.l1_produce ?? null,
        l3_window: second % 5 === 2 ? 800 + second * 10 : null,
        l4_delivery: second % 7 === 3 || second === 30 || second === 31 ? 2_000 + second * 20 : null,
        // The eighth stage: it used to wrap onto l1_produce's colour.
        schedule_lag: 3 + (second % 4),
      },
    }));
    const stage = (lowMs: number, n: number) => {
      const h = new LatencyHistogram();
      for (let i = 1; i <= n; i += 1) h.recordMs(lowMs + (i % 97) * (lowMs / 10) + (i === n ? lowMs * 20 : 0));
      return { histogram: h.encode(), ...h.summary() };
    };
    const result: RunResult = {
      ...base,
      timeSeries,
      stages: { l1_produce: stage(5, 5_000), l3_window: stage(400, 300) },
      counters: { ...base.counters, bytesAcked: 60_000_000 },
      timeline: [
        { kind: 'setup', label: 'setup', startEpochMs: start, endEpochMs: start + 8_000 },
        { kind: 'warm-up', label: 'warm-up', startEpochMs: start + 8_000, endEpochMs: start + 13_000 },
        { kind: 'load', label: 'load', startEpochMs: start + 13_000, endEpochMs: start + 73_000 },
        { kind: 'drain', label: 'drain', startEpochMs: start + 73_000, endEpochMs: start + 90_000 },
        { kind: 'verify', label: 'verify', startEpochMs: start + 90_000, endEpochMs: start + 110_000 },
      ],
    };
    const { page, problems, requests } = await open(result, 'sparse');
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    expect(await page.getAttribute('body', 'data-charts-ready')).toBe('4');
    const charts = await page.evaluate<Array<{ id: string; colours: string[]; datasets: Array<{ label: string; values: number; drawn: number; isolated: number; isolatedDrawn: number }> }>>(DRAWN_POINTS);
    const latency = charts.find((c) => c.id === 'chart-latency')!;
    const l3 = latency.datasets.find((d) => d.label === 'l3_window')!;
    const l4 = latency.datasets.find((d) => d.label === 'l4_delivery')!;
    expect(l3).toMatchObject({ values: 8, isolated: 8 });
    expect(l4.values).toBe(7);
    expect(l4.isolated).toBe(5);
    expect(latency.datasets.map((d) => d.label)).toEqual(['l1_produce', 'l3_window', 'l4_delivery', 'schedule_lag']);
    for (const chart of charts) {
      // Each series of a chart in a colour of its own.
      expect({ chart: chart.id, distinct: new Set(chart.colours).size }).toEqual({ chart: chart.id, distinct: chart.colours.length });
      for (const d of chart.datasets) {
        // Every value visible: the counts of drawn points equal the data's.
        expect({ chart: chart.id, dataset: d.label, drawn: d.drawn, isolatedDrawn: d.isolatedDrawn }).toEqual({ chart: chart.id, dataset: d.label, drawn: d.values, isolatedDrawn: d.isolated });
      }
    }
    const distribution = (await page.evaluate<CanvasStats[]>(CANVAS_STATS)).find((c) => c.id === 'chart-distribution')!;
    expect(distribution.painted).toBeGreaterThan(2_000);
    expect(charts.find((c) => c.id === 'chart-distribution')!.datasets.map((d) => d.label)).toEqual(['l1_produce', 'l3_window']);
    expect(await page.locator('#timeline .span-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-kind')))).toEqual(['setup', 'warm-up', 'load', 'drain', 'verify']);
    expect(await page.locator('#timeline').textContent()).toContain('1 min 0 s'.replace('1 min 0 s', '60 s'));
    expect(await page.getAttribute('#grafana-link', 'href')).toBe(
      `http://127.0.0.1:13000/d/streamproof-overview?from=${start - 10_000}&to=${Date.parse(base.endedAt) + 10_000}&var-scenario=fixture-scenario&var-run_id=fixture-run-0001`,
    );
    expect(await page.textContent('body')).toContain('acknowledged MB/s');
    // No cell of the page shows a raw JSON object.
    expect(await page.locator('td').evaluateAll((cells) => cells.filter((c) => /^\s*[{[]/.test(c.textContent ?? '')).length)).toBe(0);
    await page.screenshot({ path: '/tmp/streamproof-report-sparse.png', fullPage: true });
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
