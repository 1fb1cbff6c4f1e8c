import { escapeHtml as esc, flattenForDisplay, formatMs, formatNumber, formatWithUnit, environmentRows } from './format.js';
import { grafanaLink } from './grafana-link.js';
import { FAULT_TABLE_HEADER, FAULT_TABLE_NOTE, faultTableRows } from './fault-table.js';
import { resourcesView } from './resources-view.js';
import { stagePercentileMs } from './stage-percentiles.js';
import { throughputMBps } from './throughput.js';

const TIMELINE_KINDS = ['setup', 'warm-up', 'load', 'drain', 'verify', 'teardown'];
import { STAGE_DESCRIPTIONS, STAGE_NAMES, type RunResult } from './result-schema.js';

/** Server-rendered HTML tables of report.html: readable with scripts off. Every text is escaped. */

function table(header: string[], rows: string[][], className = ''): string {
  const head = header.map((h) => `<th>${esc(h)}</th>`).join('');
  // Cells are already-escaped HTML fragments (some carry markup such as <code>).
  const body = rows.map((cells) => `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${className ? ` class="${className}"` : ''}><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

const passCell = (pass: boolean): string => (pass ? '<span class="ok">pass</span>' : '<span class="bad">FAIL</span>');

export function ratesHtml(result: RunResult): string {
  const { targetEventsPerS, achievedEventsPerS } = result.rates;
  const ratio = targetEventsPerS > 0 ? `${formatNumber((achievedEventsPerS / targetEventsPerS) * 100, 1)}%` : '—';
  const cards: Array<[string, string]> = [
    ['target rate', `${formatNumber(targetEventsPerS)} events/s`],
    ['achieved rate', `${formatNumber(achievedEventsPerS)} events/s`],
    ['achieved / target', ratio],
    ...(result.counters.onTimeShare === undefined ? [] : [['sent on time', `${formatNumber(result.counters.onTimeShare * 100, 2)}%`] as [string, string]]),
    ...(throughputMBps(result) === null ? [] : [['acknowledged MB/s', `${formatNumber(throughputMBps(result)!, 3)} MB/s`] as [string, string]]),
    ...(result.bottleneck ? [['bottleneck', result.bottleneck.summary] as [string, string]] : []),
    ['duration', formatMs(Date.parse(result.endedAt) - Date.parse(result.startedAt))],
  ];
  return `<div class="cards">${cards.map(([k, v]) => `<div class="card"><div class="k">${esc(k)}</div><div class="v">${esc(v)}</div></div>`).join('')}</div>`;
}

export function latencyHtml(result: RunResult): string {
  const rows = STAGE_NAMES.flatMap((stage) => {
    const s = result.stages[stage];
    if (s === undefined) return [];
    const p95 = stagePercentileMs(s, 95);
    const values = s.count === 0 ? Array<string>(7).fill('—') : [s.p50Ms, s.p90Ms, p95, s.p99Ms, s.p999Ms, s.maxMs, s.meanMs].map((v) => (v === null ? '—' : formatMs(v)));
    return [[`<code title="${esc(STAGE_DESCRIPTIONS[stage])}">${esc(stage)}</code>`, esc(formatNumber(s.count)), ...values.map(esc)]];
  });
  if (rows.length === 0) return '<p class="muted">No stage was measured.</p>';
  return table(['stage', 'count', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean'], rows, 'num');
}

export function resourcesHtml(result: RunResult): string {
  if (!result.resources) return '<p class="muted">No resource figures recorded in this run.</p>';
  const view = resourcesView(result.resources);
  const roles = view.roleRows.length > 0
    ? table(view.roleHeader, view.roleRows.map(([role = '', ...cells]) => [`<code>${esc(role)}</code>`, ...cells.map(esc)]), 'num')
    : '<p class="muted">No process of the run was sampled.</p>';
  const machine = table(['machine', ''], view.machineRows.map(([k, v]) => [esc(k), esc(v)]), 'num');
  const warning = view.warning ? `<p class="bad" id="noise-warning">${esc(view.warning)}</p>` : '';
  return `<p class="muted">${esc(view.howToRead)}</p>${warning}<div class="grid"><div>${roles}</div><div>${machine}</div></div>`;
}

export function invariantsHtml(result: RunResult): string {
  if (result.verdict === null) return '<p class="bad">No verdict: the verifier did not run to the end. Nothing about exactly-once is proven.</p>';
  const rows = result.verdict.invariants.map((inv) => [
    `<b>${esc(inv.id)}</b> ${esc(inv.name)}`,
    passCell(inv.pass),
    esc(formatNumber(inv.violations)),
    esc(Object.entries(inv.counts).map(([k, v]) => `${k}=${formatNumber(v)}`).join(', ')),
    inv.examples.length === 0 ? '<span class="muted">—</span>' : inv.examples.map((e) => `<code>${esc(e)}</code>`).join(' '),
  ]);
  return `<p>Verdict: ${passCell(result.verdict.pass)}</p>${table(['invariant', 'result', 'violations', 'counts', 'examples'], rows)}`;
}

export function gatesHtml(result: RunResult): string {
  if (result.gates.length === 0) return '<p class="muted">No gates defined.</p>';
  const rows = result.gates.map((g) => [
    `<code>${esc(g.expression)}</code>${g.abortOnFail ? ' <span class="muted">abortOnFail</span>' : ''}`,
    passCell(g.pass),
    esc(formatWithUnit(g.actual, g.unit)),
    esc(formatWithUnit(g.threshold, g.unit)),
    esc(g.message),
  ]);
  return table(['gate', 'result', 'actual', 'threshold', 'detail'], rows);
}

export function countersHtml(result: RunResult): string {
  const entries = Object.entries(result.counters);
  if (entries.length === 0) return '<p class="muted">No counters recorded.</p>';
  return table(['counter', 'value'], entries.map(([k, v]) => [`<code>${esc(k)}</code>`, esc(formatNumber(v, k.endsWith('Share') ? 4 : 2))]), 'num');
}

export function deliveryHtml(result: RunResult): string {
  const observed = new Map(flattenForDisplay(result.delivery.observed));
  const modelled = new Map(flattenForDisplay(result.delivery.modelled));
  const keys = [...new Set([...observed.keys(), ...modelled.keys()])];
  const behaviour = result.environment.firehoseBehaviour;
  const note = `<p>Firehose behaviour in this run: <code>${esc(behaviour)}</code>${
    behaviour === 'emulator-immediate' ? ' — one object per call, no buffering or gzip; “modelled” predicts production buffering (5 MB / 300 s, gzip).' : ''
  }</p>`;
  if (keys.length === 0) return `${note}<p class="muted">No delivery figures recorded.</p>`;
  return note + table(['figure', 'observed', 'modelled'], keys.map((k) => [esc(k), esc(observed.get(k) ?? '—'), esc(modelled.get(k) ?? '—')]));
}

/** Spans of the run (setup, warm-up, load, drain, verify, teardown) as bars on one time axis. */
/** The faults' windows and figures; empty without faults. */
export function faultsHtml(result: RunResult): string {
  if (result.faults.length === 0) return '';
  const rows = faultTableRows(result).map((cells) => cells.map((c) => esc(c)));
  return `<section><h2>Faults</h2>${table(FAULT_TABLE_HEADER, rows)}<p class="muted">${esc(FAULT_TABLE_NOTE)} The charts shade each fault window in red.</p></section>`;
}

export function timelineHtml(result: RunResult): string {
  const spans = result.timeline.filter((t) => TIMELINE_KINDS.includes(t.kind) && t.endEpochMs !== null);
  if (spans.length === 0) return '<p class="muted">No timeline recorded in this run.</p>';
  const start = Date.parse(result.startedAt);
  const total = Math.max(1, Date.parse(result.endedAt) - start);
  const pct = (ms: number) => Math.max(0, Math.min(100, (ms / total) * 100)).toFixed(2);
  const rows = spans.map((t) => {
    const length = t.endEpochMs! - t.startEpochMs;
    const left = pct(t.startEpochMs - start);
    return `<div class="span-row" data-kind="${esc(t.kind)}"><span class="span-label">${esc(t.label)}</span><span class="span-track"><span class="span-bar kind-${esc(t.kind)}" style="left:${left}%;width:${pct(length)}%" title="${esc(`${t.label}: ${formatMs(length)}`)}"></span></span><span class="span-len">${esc(formatMs(length))}</span></div>`;
  });
  return `<div class="timeline" id="timeline">${rows.join('')}</div><p class="muted">${esc(warmUpNote(result))}</p>`;
}

/** Why the figures differ from the raw counts by the warm-up: said once, in both reports. */
export function warmUpNote(result: RunResult): string {
  const warmUp = result.timeline.find((t) => t.kind === 'warm-up');
  const length = warmUp && warmUp.endEpochMs !== null ? formatMs(warmUp.endEpochMs - warmUp.startEpochMs) : 'no';
  return `Warm-up (${length}) runs before the schedule at the first phase's rate. Its events are not in scheduled, sent, acked, the rates or the latency figures (they measure only the schedule), but they are in the topics, so the verifier checks them too: the invariants' counts (I1 acked, I2 ingested, malformedAcked) include them and are larger than the counters by the warm-up's events.`;
}

export function grafanaHtml(result: RunResult, grafanaUrl: string | undefined): string {
  const link = grafanaLink(result, grafanaUrl);
  if (link === null) return '';
  return `<p class="meta">Grafana: <a id="grafana-link" href="${esc(link)}">overview dashboard for this run</a> (run_id <code>${esc(result.runId)}</code>, the run's time range; needs the compose stack's Grafana or your own with the dashboards of <code>dashboards/</code> imported)</p>`;
}

export function errorsHtml(result: RunResult): string {
  if (result.errors.length === 0) return '';
  const items = result.errors.map(
    (e) => `<li><code>${esc(e.code)}</code> ${esc(e.message)}${e.hint ? `<br><span class="muted">hint: ${esc(e.hint)}</span>` : ''}</li>`,
  );
  return `<section><h2>Errors</h2><ul class="bad-list">${items.join('')}</ul></section>`;
}

export function environmentHtml(result: RunResult): string {
  const env = result.environment;
  const rows: Array<[string, string]> = environmentRows(env);
  return table(['', ''], rows.map(([k, v]) => [esc(k), esc(v)]));
}
