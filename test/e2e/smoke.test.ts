import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { listPanelQueries, substituteMacros } from '../../src/dashboards/queries.js';
import { readResult } from '../../src/report/result-schema.js';
import { loadStackEndpoints } from '../../src/stack/state.js';
import { onlyResultDir, runScenarioCli } from './scenario-cli.js';

/**
 * The product as users meet it: `npm run scenario -- smoke` end to end on the real stack
 * (the README's first command), then the same scenario with an impossible gate and with an
 * abortOnFail gate, then every Grafana panel query against the real Prometheus that scraped
 * those runs.
 *
 * Tests assert correctness only. The smoke run keeps its correctness gates (loss, duplicates,
 * violations, S3, late and DLQ paths exercised) and drops its latency and rate gates: on a
 * shared 2-core machine a p99 threshold measures the neighbours, not the code. Speed targets
 * live in the benchmarks (`npm run bench:*`).
 */
const CORRECTNESS_GATES = ['lost == 0', 'duplicated == 0', 'violations == 0', 's3Missing == 0', 'late > 0', 'dlq > 0'];
const resultsDir = await mkdtemp(join(tmpdir(), 'streamproof-e2e-'));
let smoke: Awaited<ReturnType<typeof runScenarioCli>>;
let smokeDir = '';

beforeAll(async () => {
  smoke = await runScenarioCli(['smoke', '--set', `thresholds=${JSON.stringify(CORRECTNESS_GATES)}`, '--results-dir', resultsDir], { timeoutMs: 240_000 });
  if (smoke.code === 0) smokeDir = await onlyResultDir(resultsDir, 'smoke');
}, 260_000);

describe('npm run scenario -- smoke', () => {
  it('runs end to end, passes its correctness gates and exits 0', () => {
    expect(smoke.stderr + smoke.stdout).toContain('PASS');
    expect(smoke.code).toBe(0);
  });

  it('writes result.json (valid, verified, every invariant holding), summary.md and report.html', async () => {
    const result = await readResult(join(smokeDir, 'result.json'));
    expect(result.state).toBe('completed');
    expect(result.verdict?.pass).toBe(true);
    expect(result.verdict?.invariants.map((i) => [i.id, i.pass])).toEqual([['I1', true], ['I2', true], ['I3', true]]);
    expect(result.counters.acked).toBeGreaterThan(10_000);
    expect(result.counters.lost).toBe(0);
    expect(result.gates.map((g) => g.expression)).toEqual(CORRECTNESS_GATES);
    expect(result.gates.every((g) => g.pass)).toBe(true);
    // The timeline tells the run's story in order: setup, warm-up, load with its phases, drain, verify, teardown.
    const kinds = result.timeline.map((e) => e.kind);
    for (const kind of ['setup', 'warm-up', 'load', 'phase', 'drain', 'verify', 'teardown'] as const) expect(kinds).toContain(kind);
    expect(result.timeline.filter((e) => e.kind === 'phase').map((e) => e.label)).toEqual(['ramp-up', 'steady']);
    for (const event of result.timeline) if (event.endEpochMs !== null) expect(event.endEpochMs).toBeGreaterThanOrEqual(event.startEpochMs);
    // Per-second achieved rate is recorded for the load (every ingest kind reports one).
    expect(result.timeSeries.some((row) => row.achievedEventsPerS > 0)).toBe(true);
    for (const stage of ['l1_produce', 'l2_ingest', 'l3_window', 'l4_delivery'] as const) expect(result.stages[stage]?.count ?? 0).toBeGreaterThan(0);
    expect((await stat(join(smokeDir, 'summary.md'))).size).toBeGreaterThan(500);
    const html = await readFile(join(smokeDir, 'report.html'), 'utf8');
    expect(html).toContain('<canvas');
    expect(html).not.toMatch(/<script[^>]+src=/); // self-contained
  });
});

describe("the smoke run's report.html in headless Chromium", () => {
  it('renders every chart with no console errors and no network requests', async () => {
    const browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(e.message));
      page.on('request', (r) => {
        if (!r.url().startsWith('file://') && !r.url().startsWith('data:')) problems.push(`request ${r.url()}`);
      });
      await page.goto(pathToFileURL(join(smokeDir, 'report.html')).href);
      await page.waitForTimeout(1_000); // Chart.js draws on the next frames
      const canvases = await page.$$eval('canvas', (els) =>
        els.map((c) => {
          // Runs in the page: DOM types are not in this Node project's lib.
          const canvas = c as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };
          const data = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
          let painted = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted += 1;
          return { width: canvas.width, height: canvas.height, painted };
        }),
      );
      await page.screenshot({ path: '/tmp/streamproof-smoke-report.png', fullPage: true });
      expect(problems).toEqual([]);
      expect(canvases.length).toBeGreaterThanOrEqual(3);
      for (const c of canvases) {
        expect(c.width).toBeGreaterThan(0);
        expect(c.painted).toBeGreaterThan(100);
      }
    } finally {
      await browser.close();
    }
  });
});

describe('a gate that cannot pass', () => {
  it('exits 1 and names the failed gate', async () => {
    const run = await runScenarioCli(
      ['smoke', '--duration', '8s', '--set', 'run.warmUpMs=0', '--set', 'thresholds[]=p99(l1) < 0.001ms', '--results-dir', resultsDir],
      { timeoutMs: 180_000 },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('p99(l1) < 0.001ms');
    expect(run.stdout).toMatch(/FAIL/);
  });
});

describe('an abortOnFail gate', () => {
  it('stops the run early, exits 1 and writes an aborted result naming the gate', async () => {
    const gate = 'p99(l1) < 0.001ms';
    const dir = await mkdtemp(join(tmpdir(), 'streamproof-e2e-abort-'));
    const run = await runScenarioCli(['smoke', '--duration', '40s', '--set', 'run.warmUpMs=0', '--set', `thresholds[]=${JSON.stringify({ threshold: gate, abortOnFail: true })}`, '--results-dir', dir], { timeoutMs: 180_000 });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('ABORTED');
    expect(run.stdout).toContain(gate);
    const result = await readResult(join(await onlyResultDir(dir, 'smoke'), 'result.json'));
    expect(result.state).toBe('aborted');
    if (result.state !== 'aborted') return;
    expect(result.abortedBy).toBe(gate);
    expect(result.verdict).toBeNull();
    expect(result.timeline.some((e) => e.kind === 'abort' && e.label.includes(gate))).toBe(true);
    // Stopped early: the load span ended well before the 40 s schedule would have.
    const load = result.timeline.find((e) => e.kind === 'load');
    expect(load?.endEpochMs).not.toBeNull();
    expect(load!.endEpochMs! - load!.startEpochMs).toBeLessThan(30_000);
    expect(result.timeline.some((e) => e.kind === 'drain' || e.kind === 'verify')).toBe(false);
  });
});

describe('a bad scenario', () => {
  it('is rejected before anything starts, naming the field and the reason (exit 2)', async () => {
    const run = await runScenarioCli(['smoke', '--set', 'processor.windowMs=10', '--set', 'workload.lateFraction=2'], { timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('processor.windowMs');
    expect(run.stderr).toContain('workload.lateFraction');
    expect(run.stderr).not.toContain('starting');
  });
});

describe('a scenario with faults', () => {
  it('is refused before anything starts when two faults overlap on one broker, naming the field (exit 2)', async () => {
    const faults = [
      { kind: 'broker-pause', atMs: 5000, durationMs: 10000, broker: 2 },
      { kind: 'broker-kill', atMs: 8000, durationMs: 5000, broker: 2 },
    ];
    const run = await runScenarioCli(['smoke', '--brokers', '3', '--set', `faults=${JSON.stringify(faults)}`], { timeoutMs: 60_000 });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('faults.1: overlaps faults.0 on broker-2');
    expect(run.stderr).not.toContain('starting');
  });
});

describe('Grafana dashboards against the real Prometheus', () => {
  it('every panel query returns data for the smoke run', async () => {
    const stack = await loadStackEndpoints();
    const result = await readResult(join(smokeDir, 'result.json'));
    const start = Math.floor(Date.parse(result.startedAt) / 1000);
    const end = Math.ceil(Date.parse(result.endedAt) / 1000) + 5;
    const queries = listPanelQueries({ runId: result.runId, scenario: 'smoke', stepS: 5, rangeS: end - start });
    expect(queries.length).toBeGreaterThan(20);
    const empty: string[] = [];
    for (const q of queries) {
      const url = `${stack.prometheus?.url}/api/v1/query_range?${new URLSearchParams({ query: substituteMacros(q.rawExpr, { runId: result.runId, scenario: 'smoke', stepS: 5, rangeS: end - start }), start: String(start), end: String(end), step: '5' })}`;
      const body = (await (await fetch(url)).json()) as { status: string; error?: string; data?: { result: unknown[] } };
      if (body.status !== 'success') empty.push(`${q.dashboardUid}/${q.panelTitle}/${q.refId}: ${body.error}`);
      else if ((body.data?.result.length ?? 0) === 0) empty.push(`${q.dashboardUid}/${q.panelTitle}/${q.refId}: no data (${q.expr})`);
    }
    expect(empty).toEqual([]);
  });
});
