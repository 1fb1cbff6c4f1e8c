import { escapeHtml as esc } from './format.js';
import { REPORT_SCRIPT } from './html-script.js';
import { countersHtml, deliveryHtml, environmentHtml, errorsHtml, faultsHtml, gatesHtml, grafanaHtml, invariantsHtml, latencyHtml, ratesHtml, resourcesHtml, timelineHtml } from './html-sections.js';
import { overallOutcome } from './outcome.js';
import { STAGE_NAMES, type RunResult } from './result-schema.js';
import { percentileDistribution } from './stage-percentiles.js';

/**
 * report.html: one self-contained page. Chart.js (UMD build) and the result are inlined; a
 * Content-Security-Policy forbids every network request, so the page works from a CI artifact,
 * an email attachment or file:// alike.
 */

/**
 * JSON safe inside <script type="application/json">: `<` (hence `</script` and `<!--`), `>`
 * and `&` become \u escapes, as do U+2028/U+2029. JSON.parse restores them exactly.
 */
export function jsonForScriptTag(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * JavaScript source safe inside <script>: `</script` and `<!--` would end or confuse the
 * element, so their `<` becomes `\x3C`, which means the same inside strings and regexes.
 */
export function scriptSourceForTag(source: string): string {
  return source.replace(/<(?=\/script|!--)/gi, '\\x3C');
}

const STYLE = `
:root { color-scheme: light; --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --muted: #57606a; --line: #d0d7de; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; color: #1f2328; background: #f6f8fa; }
header, main { max-width: 1200px; margin: 0 auto; padding: 16px 24px; }
h1 { font-size: 22px; margin: 8px 0; } h2 { font-size: 17px; margin: 0 0 10px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 16px; margin: 0 0 16px; }
.banner { padding: 14px 18px; border-radius: 6px; font-weight: 600; font-size: 16px; margin: 8px 0 4px; color: #fff; }
.banner ul { margin: 6px 0 0; font-weight: 400; font-size: 14px; }
.status-PASS { background: var(--ok); } .status-FAIL { background: var(--bad); }
.status-INCOMPLETE { background: var(--warn); } .status-FAILED, .status-ABORTED { background: #6e1a1a; }
.meta { color: var(--muted); } .muted { color: var(--muted); }
.ok { color: var(--ok); font-weight: 600; } .bad { color: var(--bad); font-weight: 700; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; min-width: 170px; background: #fff; }
.card .k { color: var(--muted); font-size: 12px; } .card .v { font-size: 20px; font-weight: 600; }
.chart { position: relative; height: 300px; margin-bottom: 18px; } .chart.tall { height: 380px; }
table { border-collapse: collapse; width: 100%; margin: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
table.num td + td, table.num th + th { font-variant-numeric: tabular-nums; text-align: right; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #eff1f3; padding: 1px 4px; border-radius: 4px; }
.timeline .span-row { display: grid; grid-template-columns: 90px 1fr 80px; gap: 8px; align-items: center; margin: 3px 0; }
.span-track { position: relative; height: 14px; background: #eff1f3; border-radius: 3px; }
.span-bar { position: absolute; top: 0; bottom: 0; min-width: 2px; border-radius: 3px; background: #8c959f; }
.span-bar.kind-load { background: #1f77b4; } .span-bar.kind-warm-up { background: #ff7f0e; } .span-bar.kind-verify { background: #2ca02c; } .span-bar.kind-drain { background: #9467bd; }
.span-len { font-variant-numeric: tabular-nums; text-align: right; color: var(--muted); }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; } @media (max-width: 900px) { .grid { grid-template-columns: 1fr; } }
`;

function chartsHtml(result: RunResult): string {
  if (result.timeSeries.length === 0) return '<p class="muted">No time series was recorded, so there is nothing to chart.</p>';
  const hasLatency = result.timeSeries.some((row) => Object.values(row.p99Ms).some((v) => typeof v === 'number' && v > 0));
  const charts: Array<[string, string]> = [
    ['chart-rate', 'Achieved vs target rate'],
    ...(hasLatency ? [['chart-latency', 'p99 latency per stage, per second'] as [string, string]] : []),
    ['chart-lag', 'Consumer lag (raw-events)'],
  ];
  const legend =
    '<p class="muted">Each point is one second of the run, drawn at the middle of its second (a second that stands alone is drawn as a dot). Vertical lines: dashed grey = phase start, solid red = fault, at their exact time.</p>';
  return legend + charts.map(([id, title]) => `<h3>${esc(title)}</h3><div class="chart"><canvas id="${id}" role="img" aria-label="${esc(title)}"></canvas></div>`).join('\n');
}

function distributionHtml(result: RunResult): string {
  const stages = distributionData(result);
  if (Object.keys(stages).length === 0) return '<p class="muted">No stage was measured.</p>';
  return '<p class="muted">HdrHistogram percentile distribution over the whole run: x is the percentile on a log 1/(1−p) axis (90% → 10, 99% → 100, 99.9% → 1000), y the latency (log). A curve that bends up late means a long tail.</p><div class="chart tall"><canvas id="chart-distribution" role="img" aria-label="latency percentile distribution"></canvas></div>';
}

/** Per stage, the percentile curve for the distribution chart (decoded here: the page has no HdrHistogram decoder). */
function distributionData(result: RunResult): Record<string, Array<{ x: number; y: number; p: number }>> {
  const out: Record<string, Array<{ x: number; y: number; p: number }>> = {};
  for (const stage of STAGE_NAMES) {
    const stats = result.stages[stage];
    if (!stats || stats.count === 0) continue;
    const points = percentileDistribution(stats)
      .filter((pt) => pt.ms > 0)
      .map((pt) => ({ x: Number(pt.x.toPrecision(6)), y: pt.ms, p: Number(pt.percentile.toPrecision(8)) }));
    if (points.length > 0) out[stage] = points;
  }
  return out;
}

export interface ReportOptions {
  /** Base URL of the Grafana the link points at (default the compose stack's, 127.0.0.1:13000). */
  grafanaUrl?: string;
}

/** Pure: the same result, Chart.js source and options always give the same page. */
export function renderReportHtml(result: RunResult, chartJsSource: string, options: ReportOptions = {}): string {
  const overall = overallOutcome(result);
  const reasons = overall.reasons.length === 0 ? '' : `<ul>${overall.reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`;
  const git = result.environment.gitCommit === null ? 'no git commit' : `commit ${result.environment.gitCommit.slice(0, 12)}${result.environment.gitDirty ? ' (dirty)' : ''}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(`streamproof ${result.scenario.name}: ${overall.status}`)}</title>
<style>${STYLE}</style>
</head>
<body data-status="${overall.status}">
<header>
<h1>streamproof — <code>${esc(result.scenario.name)}</code></h1>
<div class="banner status-${overall.status}" id="banner">${esc(overall.headline)}${reasons}</div>
<p class="meta">run <code>${esc(result.runId)}</code> · ${esc(result.startedAt)} → ${esc(result.endedAt)} · ${esc(git)} · seed ${esc(String(result.environment.seed))}</p>
${grafanaHtml(result, options.grafanaUrl)}
</header>
<main>
<section><h2>Rates</h2>${ratesHtml(result)}</section>
<section><h2>Timeline</h2>${timelineHtml(result)}</section>
${faultsHtml(result)}
<section><h2>Over time</h2>${chartsHtml(result)}</section>
<section><h2>Latency per stage</h2>${latencyHtml(result)}</section>
<section><h2>Latency distribution</h2>${distributionHtml(result)}</section>
<section id="resources"><h2>Resources and noise</h2>${resourcesHtml(result)}</section>
<section><h2>Invariants</h2>${invariantsHtml(result)}</section>
<section><h2>Gates</h2>${gatesHtml(result)}</section>
<div class="grid">
<section><h2>Counters</h2>${countersHtml(result)}</section>
<section><h2>Delivery: observed vs modelled</h2>${deliveryHtml(result)}</section>
</div>
${errorsHtml(result)}
<section><h2>Environment</h2>${environmentHtml(result)}</section>
</main>
<script type="application/json" id="streamproof-result">${jsonForScriptTag(result)}</script>
<script type="application/json" id="streamproof-distribution">${jsonForScriptTag(distributionData(result))}</script>
<script>${scriptSourceForTag(chartJsSource)}</script>
<script>${scriptSourceForTag(REPORT_SCRIPT)}</script>
</body>
</html>
`;
}
