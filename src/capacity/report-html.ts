import { escapeHtml as esc } from '../report/format.js';
import { jsonForScriptTag, scriptSourceForTag } from '../report/html.js';
import { headline, renderCapacityMarkdown } from './report-markdown.js';
import type { CapacityReport } from './run-capacity.js';

/**
 * capacity.html: self-contained (Chart.js and the report inlined, no network: a CSP forbids it).
 * Charts: p99 latency per stage and consumer lag against the offered rate, one line per
 * instance count, the knee (found rate) marked; below them the same text as capacity.md.
 */
const SCRIPT = `
const report = JSON.parse(document.getElementById('capacity-data').textContent);
const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b'];
function chart(id, title, yLabel, pick) {
  const datasets = [];
  report.searches.forEach((s, i) => {
    const pts = s.probes.map((p) => ({ x: p.rate, y: pick(p) })).filter((p) => p.y !== null && p.y !== undefined).sort((a, b) => a.x - b.x);
    datasets.push({ label: s.instances + ' instance(s)', data: pts, showLine: true, borderColor: colours[i % colours.length], backgroundColor: colours[i % colours.length] });
    if (s.finding.foundRate !== null) {
      const ys = pts.map((p) => p.y);
      const top = ys.length ? Math.max(...ys) : 1;
      datasets.push({ label: 'knee ' + s.instances + ': ' + s.finding.foundRate + ' ev/s', data: [{ x: s.finding.foundRate, y: 0 }, { x: s.finding.foundRate, y: top }], showLine: true, borderDash: [6, 4], pointRadius: 0, borderColor: colours[i % colours.length] });
    }
  });
  new Chart(document.getElementById(id), { type: 'scatter', data: { datasets }, options: { animation: false, maintainAspectRatio: false, plugins: { title: { display: true, text: title } }, scales: { x: { title: { display: true, text: 'offered rate, events/s' } }, y: { beginAtZero: true, title: { display: true, text: yLabel } } } } });
}
chart('c-l3', 'p99 L3 window result', 'ms', (p) => p.stages.p99Ms.l3_window);
chart('c-l1', 'p99 L1 produce', 'ms', (p) => p.stages.p99Ms.l1_produce);
chart('c-l4', 'p99 L4 delivery', 'ms', (p) => p.stages.p99Ms.l4_delivery);
chart('c-lag', 'median consumer lag over the hold', 'events', (p) => p.stages.consumerLagMedianEvents);
chart('c-slope', 'consumer-lag slope', 'events/s per s', (p) => p.decision.lagSlopeEventsPerS2);
chart('c-ontime', 'on-time share', 'fraction', (p) => p.decision.onTimeShare);
`;

export function renderCapacityHtml(report: CapacityReport, chartJsSource: string): string {
  const md = renderCapacityMarkdown(report);
  const cls = report.state === 'completed' ? (report.exitCode === 0 ? 'ok' : 'bad') : 'warn';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>Capacity: ${esc(report.scenario)}</title>
<style>
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 16px 24px; color: #1f2328; }
.banner { padding: 12px 16px; border-radius: 6px; color: #fff; font-weight: 600; }
.ok { background: #1a7f37; } .bad { background: #cf222e; } .warn { background: #9a6700; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; } .chart { position: relative; height: 300px; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: 12px; border-radius: 6px; font-size: 12px; }
</style></head><body>
<h1>Capacity: ${esc(report.scenario)}</h1>
<div class="banner ${cls}">${esc(headline(report))} — exit ${report.exitCode}</div>
<h2>Against the offered rate</h2>
<div class="charts">
<div class="chart"><canvas id="c-l3"></canvas></div><div class="chart"><canvas id="c-l1"></canvas></div>
<div class="chart"><canvas id="c-l4"></canvas></div><div class="chart"><canvas id="c-lag"></canvas></div>
<div class="chart"><canvas id="c-slope"></canvas></div><div class="chart"><canvas id="c-ontime"></canvas></div>
</div>
<h2>Report</h2>
<pre>${esc(md)}</pre>
<script type="application/json" id="capacity-data">${jsonForScriptTag(report)}</script>
<script>${scriptSourceForTag(chartJsSource)}</script>
<script>${scriptSourceForTag(SCRIPT)}</script>
</body></html>
`;
}
