import { describe, expect, it } from 'vitest';
import { jsonForScriptTag, renderReportHtml, scriptSourceForTag } from '../../../src/report/html.js';
import { flattenForDisplay } from '../../../src/report/format.js';
import { LatencyHistogram } from '../../../src/metrics/histogram.js';
import { grafanaLink, OVERVIEW_DASHBOARD_UID } from '../../../src/report/grafana-link.js';
import { OVERVIEW_UID } from '../../../src/dashboards/overview.js';
import { completedResultFixture, failedResultFixture, incompleteResultFixture } from '../../fixtures/report/result-fixture.js';

const FAKE_CHART_JS = 'window.Chart = function () {}; /* fake for string tests; the browser test uses the real one */';

describe('jsonForScriptTag', () => {
  it('leaves no `<`, `>` or `&` and round-trips exactly', () => {
    const value = { text: '</script><!-- & > \u2028\u2029 end' };
    const encoded = jsonForScriptTag(value);
    expect(encoded).toBe('{"text":"\\u003c/script\\u003e\\u003c!-- \\u0026 \\u003e \\u2028\\u2029 end"}');
    expect(JSON.parse(encoded)).toEqual(value);
  });
});

describe('scriptSourceForTag', () => {
  it('breaks `</script` and `<!--` (any case) without changing what the code means', () => {
    const source = 'var a = "</SCRIPT>", b = /<!--/, c = 1 < 2;';
    const safe = scriptSourceForTag(source);
    expect(safe).toBe('var a = "\\x3C/SCRIPT>", b = /\\x3C!--/, c = 1 < 2;');
    // Evaluating our own test string proves the escaped source means the same.
    expect(new Function(`${safe}; return [a, b.source, c];`)()).toEqual(['</SCRIPT>', '\\x3C!--', true]);
  });
});

describe('renderReportHtml', () => {
  it('is one self-contained page: CSP forbids the network, no src, one link (Grafana), data and scripts inline', () => {
    const html = renderReportHtml(completedResultFixture(), FAKE_CHART_JS);
    // The one href is the Grafana link (a navigation when clicked, never a load); nothing else links out.
    const links = [...html.matchAll(/\shref="([^"]*)"/g)].map((m) => m[1]);
    expect(links).toEqual(['http://127.0.0.1:13000/d/streamproof-overview?from=1736935190000&#38;to=1736935330000&#38;var-scenario=fixture-scenario&#38;var-run_id=fixture-run-0001']);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">`);
    const withoutLink = html.replace(/<a id="grafana-link" href="[^"]*">/, '');
    expect(withoutLink).not.toMatch(/\s(src|href)=/);
    expect(withoutLink).not.toMatch(/https?:\/\//);
    expect(html).toContain(`<script>${FAKE_CHART_JS}</script>`);
    expect(html).toContain('<script type="application/json" id="streamproof-result">{"schemaVersion":1,');
    // The fixture's histograms are placeholders, so there is no distribution to draw.
    expect(html.match(/<canvas id="([a-z-]+)"/g)).toEqual(['<canvas id="chart-rate"', '<canvas id="chart-latency"', '<canvas id="chart-lag"']);
    expect(html).toContain('<body data-status="PASS">');
  });

  it('draws no canvas when there is no time series, and says why', () => {
    const html = renderReportHtml(failedResultFixture(), FAKE_CHART_JS);
    expect(html).not.toContain('<canvas');
    expect(html).toContain('No time series was recorded, so there is nothing to chart.');
    expect(html).toContain('<div class="banner status-FAILED" id="banner">FAILED — the harness or stack broke; nothing was proven<ul>');
  });

  it('puts the INCOMPLETE banner before any figure', () => {
    const html = renderReportHtml(incompleteResultFixture(), FAKE_CHART_JS);
    const banner = html.indexOf('INCOMPLETE — partial run, NOT a pass');
    expect(banner).toBeGreaterThan(0);
    expect(banner).toBeLessThan(html.indexOf('<h2>Rates</h2>'));
  });

  it('escapes text from the result', () => {
    const html = renderReportHtml({ ...completedResultFixture(), runId: '<img onerror=x>' }, FAKE_CHART_JS);
    expect(html).toContain('run <code>&#60;img onerror=x&#62;</code>');
    expect(html).not.toContain('<img');
  });

  it('shows resources and noise beside the latency table, escaped, with how to read it', () => {
    const html = renderReportHtml(completedResultFixture(), FAKE_CHART_JS);
    const at = html.indexOf('<h2>Resources and noise</h2>');
    expect(at).toBeGreaterThan(html.indexOf('<h2>Latency per stage</h2>'));
    expect(at).toBeLessThan(html.indexOf('<h2>Invariants</h2>'));
    expect(html).toContain('<tr><td><code>processors</code></td><td>61.2</td><td>51%</td><td>360 MiB</td><td>3</td></tr>');
    expect(html).toContain('<tr><td>load average (1 min): min / mean / max</td><td>1.1 / 1.85 / 2.6</td></tr>');
    expect(html).toContain('<p class="bad" id="noise-warning">Noisy run: load reached 2.6 on 2 cores: latencies include waiting for CPU.</p>');
    expect(html).toContain('A load average above the core count (2) means runnable tasks waited for a CPU');
    const quiet = completedResultFixture();
    quiet.resources!.machine.loadAverage1m = { min: 0.1, mean: 0.3, max: 0.9 };
    expect(renderReportHtml(quiet, FAKE_CHART_JS)).not.toContain('noise-warning');
    const { resources: _r, ...old } = completedResultFixture();
    expect(renderReportHtml(old, FAKE_CHART_JS)).toContain('<p class="muted">No resource figures recorded in this run.</p>');
  });
});

describe('grafanaLink', () => {
  it('points at the overview dashboard that src/dashboards builds', () => {
    expect(OVERVIEW_DASHBOARD_UID).toBe(OVERVIEW_UID);
    expect(grafanaLink(completedResultFixture(), 'http://grafana.example:3000/')).toBe(
      'http://grafana.example:3000/d/streamproof-overview?from=1736935190000&to=1736935330000&var-scenario=fixture-scenario&var-run_id=fixture-run-0001',
    );
  });
});

describe('flattenForDisplay', () => {
  it('shows nested delivery figures as dotted keys, never as raw JSON', () => {
    expect(flattenForDisplay({ hints: { sizeBytes: 5242880, intervalS: 300 }, addedLatencyMs: { p99: 300000 }, on: true, tags: ['a', 'b'] })).toEqual([
      ['hints.sizeBytes', '5,242,880'],
      ['hints.intervalS', '300'],
      ['addedLatencyMs.p99', '300,000'],
      ['on', 'yes'],
      ['tags', 'a, b'],
    ]);
  });
});

describe('latency distribution', () => {
  it('is drawn from real histograms, with the curve data in its own JSON tag', () => {
    const h = new LatencyHistogram();
    for (let ms = 1; ms <= 500; ms += 1) h.recordMs(ms);
    const html = renderReportHtml(completedResultFixture({ stages: { l1_produce: { histogram: h.encode(), ...h.summary() } } }), FAKE_CHART_JS);
    expect(html).toContain('<canvas id="chart-distribution"');
    const json = /<script type="application\/json" id="streamproof-distribution">(.*?)<\/script>/.exec(html)![1]!;
    const curves = JSON.parse(json) as Record<string, Array<{ x: number; y: number; p: number }>>;
    expect(Object.keys(curves)).toEqual(['l1_produce']);
    expect(curves.l1_produce!.at(-1)).toEqual({ x: 500, y: h.summary().maxMs, p: 100 });
  });
});
