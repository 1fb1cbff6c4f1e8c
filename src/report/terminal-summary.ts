import { formatMs, formatNumber, formatWithUnit } from './format.js';
import { overallOutcome } from './outcome.js';
import { STAGE_DESCRIPTIONS, STAGE_NAMES, type RunResult } from './result-schema.js';
import { stagePercentileMs } from './stage-percentiles.js';
import { throughputMBps } from './throughput.js';

/**
 * The end of a run in the terminal, k6 style: each gate ✓/✗ with its measured value and
 * threshold, per-stage p50/p95/p99/max, the rates (and MB/s when bytes were counted), the
 * timeline's spans, then the verdict line and where the files are. Plain text, no colour codes:
 * it goes to logs in CI as it is.
 */

const dots = (label: string, width: number): string => `${label} ${'.'.repeat(Math.max(2, width - label.length))}`;

function gateLines(result: RunResult): string[] {
  if (result.gates.length === 0) return ['  (no gates)'];
  const width = Math.max(...result.gates.map((g) => g.expression.length)) + 2;
  return result.gates.map((g) => {
    const threshold = g.threshold === null ? '' : ` (threshold ${formatWithUnit(g.threshold, g.unit)})`;
    return `  ${g.pass ? '✓' : '✗'} ${dots(g.expression, width)} ${formatWithUnit(g.actual, g.unit)}${g.pass ? '' : threshold}${g.abortOnFail ? '  [abortOnFail]' : ''}`;
  });
}

function stageLines(result: RunResult): string[] {
  const rows = STAGE_NAMES.flatMap((stage) => {
    const s = result.stages[stage];
    if (s === undefined || s.count === 0) return [];
    const p95 = stagePercentileMs(s, 95);
    return [[stage, formatNumber(s.count), formatMs(s.p50Ms), p95 === null ? '—' : formatMs(p95), formatMs(s.p99Ms), formatMs(s.maxMs), STAGE_DESCRIPTIONS[stage].split(':')[0]!]];
  });
  if (rows.length === 0) return ['  (no stage measured)'];
  const header = ['stage', 'count', 'p50', 'p95', 'p99', 'max', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)];
}

function rateLines(result: RunResult): string[] {
  const { targetEventsPerS, achievedEventsPerS } = result.rates;
  const ratio = targetEventsPerS > 0 ? ` (${formatNumber((achievedEventsPerS / targetEventsPerS) * 100, 1)}% of target)` : '';
  const lines = [`  events/s ........ achieved ${formatNumber(achievedEventsPerS)} of ${formatNumber(targetEventsPerS)}${ratio}`];
  const c = result.counters;
  lines.push(`  events .......... scheduled ${formatNumber(c.scheduled ?? 0)}, acked ${formatNumber(c.acked ?? 0)}, lost ${formatNumber(c.lost ?? 0)}, duplicated ${formatNumber(c.duplicated ?? 0)}`);
  if (c.onTimeShare !== undefined) lines.push(`  on time ......... ${formatNumber(c.onTimeShare * 100, 2)}% (sent late ${formatNumber(c.sentLate ?? 0)})`);
  const mbps = throughputMBps(result);
  const load = result.timeline.find((t) => t.kind === 'load');
  if (mbps !== null && load) {
    const seconds = (load.endEpochMs! - load.startEpochMs) / 1000;
    lines.push(`  throughput ...... ${formatNumber(mbps, 3)} MB/s acknowledged (${formatNumber(c.bytesAcked! / 1e6, 2)} MB of event payload in ${formatNumber(seconds, 1)} s of load)`);
  }
  return lines;
}

function timelineLine(result: RunResult): string[] {
  const spans = result.timeline.filter((t) => ['setup', 'warm-up', 'load', 'drain', 'verify', 'teardown'].includes(t.kind) && t.endEpochMs !== null);
  if (spans.length === 0) return [];
  const total = Date.parse(result.endedAt) - Date.parse(result.startedAt);
  return [`  ${spans.map((t) => `${t.label} ${formatMs(t.endEpochMs! - t.startEpochMs)}`).join(' · ')}  (total ${formatMs(total)})`];
}

export function renderTerminalSummary(result: RunResult, files: { dir: string; summaryMd: string; reportHtml: string }): string {
  const outcome = overallOutcome(result);
  const lines = [
    '',
    `  streamproof ${result.scenario.name}  run ${result.runId}`,
    '',
    '  gates',
    ...gateLines(result),
    '',
    '  latency per stage',
    ...stageLines(result),
    '',
    '  rates',
    ...rateLines(result),
    ...(result.timeline.length > 0 ? ['', '  timeline', ...timelineLine(result)] : []),
    '',
    outcome.headline,
    ...outcome.reasons.map((r) => `  - ${r}`),
    `results: ${files.dir}`,
    `  ${files.summaryMd}`,
    `  ${files.reportHtml}`,
    '',
  ];
  return lines.join('\n');
}
