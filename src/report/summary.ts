import { escapeMarkdownCell, flattenForDisplay, formatMs, formatNumber, formatWithUnit, markdownTable, environmentRows } from './format.js';
import { warmUpNote } from './html-sections.js';
import { FAULT_TABLE_HEADER, FAULT_TABLE_NOTE, faultTableRows } from './fault-table.js';
import { overallOutcome } from './outcome.js';
import { stagePercentileMs } from './stage-percentiles.js';
import { throughputMBps } from './throughput.js';
import { resourcesView } from './resources-view.js';
import { STAGE_NAMES, type RunResult } from './result-schema.js';

/**
 * summary.md: what a person reads first. The state banner comes before anything else, so an
 * INCOMPLETE, ABORTED or FAILED run cannot be skimmed as a pass.
 */

const ALERT: Record<ReturnType<typeof overallOutcome>['status'], string> = {
  PASS: 'NOTE',
  FAIL: 'CAUTION',
  INCOMPLETE: 'WARNING',
  FAILED: 'CAUTION',
  ABORTED: 'CAUTION',
};

function banner(result: RunResult): string[] {
  const overall = overallOutcome(result);
  const lines = [`> [!${ALERT[overall.status]}]`, `> **${overall.headline}**`];
  if (overall.status === 'INCOMPLETE' || overall.status === 'FAILED' || overall.status === 'ABORTED') {
    lines.push('>', `> **This run is ${overall.status}: nothing below is a pass. Numbers cover only what was measured before it stopped.**`);
  }
  for (const reason of overall.reasons) lines.push(`> - ${reason.replace(/\r?\n/g, ' ')}`);
  return [`# streamproof ${result.scenario.name}: ${overall.status}`, '', ...lines];
}

function durationMs(result: RunResult): number {
  return Date.parse(result.endedAt) - Date.parse(result.startedAt);
}

function ratesSection(result: RunResult): string[] {
  const { targetEventsPerS, achievedEventsPerS } = result.rates;
  const ratio = targetEventsPerS > 0 ? `${formatNumber((achievedEventsPerS / targetEventsPerS) * 100, 1)}%` : '—';
  return [
    '## Rates',
    '',
    markdownTable(
      ['target', 'achieved', 'achieved / target', 'acknowledged MB/s'],
      [[`${formatNumber(targetEventsPerS)} events/s`, `${formatNumber(achievedEventsPerS)} events/s`, ratio, throughputMBps(result) === null ? '—' : `${formatNumber(throughputMBps(result)!, 3)} MB/s`]],
    ),
    ...onTimeLine(result),
    ...(result.bottleneck ? ['', `Bottleneck: ${result.bottleneck.summary}.`] : []),
  ];
}

/** Achieved counts only events sent on time and acknowledged; say so, with the on-time share. */
function onTimeLine(result: RunResult): string[] {
  const share = result.counters.onTimeShare;
  if (share === undefined) return [];
  const late = result.counters.sentLate ?? 0;
  return ['', `Achieved counts events sent on time (schedule lag ≤ run.onTimeMs) and acknowledged. On time: ${formatNumber(share * 100, 2)}% of scheduled events; sent late: ${formatNumber(late)}.`];
}

function latencySection(result: RunResult): string[] {
  const rows = STAGE_NAMES.flatMap((stage) => {
    const s = result.stages[stage];
    if (s === undefined) return [];
    const p95 = stagePercentileMs(s, 95);
    const cells = s.count === 0 ? ['—', '—', '—', '—', '—', '—', '—'] : [s.p50Ms, s.p90Ms, p95, s.p99Ms, s.p999Ms, s.maxMs, s.meanMs].map((v) => (v === null ? '—' : formatMs(v)));
    return [[stage, formatNumber(s.count), ...cells]];
  });
  if (rows.length === 0) return ['## Latency per stage', '', '_No stage was measured._'];
  return ['## Latency per stage', '', markdownTable(['stage', 'count', 'p50', 'p90', 'p95', 'p99', 'p99.9', 'max', 'mean'], rows)];
}

function timelineSection(result: RunResult): string[] {
  const spans = result.timeline.filter((t) => ['setup', 'warm-up', 'load', 'drain', 'verify', 'teardown'].includes(t.kind) && t.endEpochMs !== null);
  if (spans.length === 0) return [];
  const start = Date.parse(result.startedAt);
  const rows = spans.map((t) => [t.label, `+${formatMs(t.startEpochMs - start)}`, formatMs(t.endEpochMs! - t.startEpochMs)]);
  return ['## Timeline', '', markdownTable(['span', 'starts at', 'lasts'], rows), '', warmUpNote(result)];
}

function resourcesSection(result: RunResult): string[] {
  if (!result.resources) return ['## Resources and noise', '', '_No resource figures recorded in this run._'];
  const view = resourcesView(result.resources);
  return [
    '## Resources and noise',
    '',
    view.howToRead,
    '',
    ...(view.warning ? [`**${view.warning}**`, ''] : []),
    view.roleRows.length > 0 ? markdownTable(view.roleHeader, view.roleRows) : '_No process of the run was sampled._',
    '',
    markdownTable(['machine', ''], view.machineRows),
  ];
}

function faultsSection(result: RunResult): string[] {
  if (result.faults.length === 0) return [];
  return ['## Faults', '', markdownTable(FAULT_TABLE_HEADER, faultTableRows(result)), '', FAULT_TABLE_NOTE];
}

function invariantsSection(result: RunResult): string[] {
  if (result.verdict === null) return ['## Invariants', '', '_No verdict: the verifier did not run to the end._'];
  const table = markdownTable(
    ['invariant', 'result', 'violations', 'counts'],
    result.verdict.invariants.map((inv) => [
      `${inv.id} ${inv.name}`,
      inv.pass ? 'pass' : '**FAIL**',
      formatNumber(inv.violations),
      Object.entries(inv.counts).map(([k, v]) => `${k}=${formatNumber(v)}`).join(', '),
    ]),
  );
  const examples = result.verdict.invariants
    .filter((inv) => inv.examples.length > 0)
    .map((inv) => `- ${inv.id} examples: ${inv.examples.map((e) => `\`${e.replace(/`/g, "'")}\``).join(', ')}`);
  const lines = ['## Invariants', '', `Verdict: **${result.verdict.pass ? 'pass' : 'FAIL'}**`, '', table];
  return examples.length > 0 ? [...lines, '', ...examples] : lines;
}

function gatesSection(result: RunResult): string[] {
  if (result.gates.length === 0) return ['## Gates', '', '_No gates defined._'];
  return [
    '## Gates',
    '',
    markdownTable(
      ['gate', 'result', 'actual', 'threshold', 'detail'],
      result.gates.map((g) => [
        `\`${g.expression}\`${g.abortOnFail ? ' (abortOnFail)' : ''}`,
        g.pass ? 'pass' : '**FAIL**',
        formatWithUnit(g.actual, g.unit),
        formatWithUnit(g.threshold, g.unit),
        g.message,
      ]),
    ),
  ];
}

function countersSection(result: RunResult): string[] {
  const entries = Object.entries(result.counters);
  if (entries.length === 0) return [];
  return ['## Counters', '', markdownTable(['counter', 'value'], entries.map(([k, v]) => [k, formatNumber(v, k.endsWith('Share') ? 4 : 2)]))];
}

function deliverySection(result: RunResult): string[] {
  const observed = new Map(flattenForDisplay(result.delivery.observed));
  const modelled = new Map(flattenForDisplay(result.delivery.modelled));
  const keys = [...new Set([...observed.keys(), ...modelled.keys()])];
  const note = `Firehose behaviour in this run: \`${result.environment.firehoseBehaviour}\`${
    result.environment.firehoseBehaviour === 'emulator-immediate' ? ' (one object per call, no buffering or gzip; "modelled" predicts production buffering)' : ''
  }.`;
  if (keys.length === 0) return ['## Delivery: observed vs modelled', '', note, '', '_No delivery figures recorded._'];
  return [
    '## Delivery: observed vs modelled',
    '',
    note,
    '',
    markdownTable(['figure', 'observed', 'modelled'], keys.map((k) => [k, observed.get(k) ?? '—', modelled.get(k) ?? '—'])),
  ];
}

function errorsSection(result: RunResult): string[] {
  if (result.errors.length === 0) return [];
  return [
    '## Errors',
    '',
    ...result.errors.map((e) => `- \`${e.code}\`: ${escapeMarkdownCell(e.message)}${e.hint ? ` (hint: ${escapeMarkdownCell(e.hint)})` : ''}`),
  ];
}

function environmentSection(result: RunResult): string[] {
  const env = result.environment;
  const rows: string[][] = environmentRows(env);
  return ['## Environment', '', markdownTable(['', ''], rows)];
}

export function renderSummaryMarkdown(result: RunResult): string {
  const sections = [
    banner(result),
    [
      `- run: \`${result.runId}\``,
      `- started ${result.startedAt}, ended ${result.endedAt} (${formatMs(durationMs(result))})`,
    ],
    ratesSection(result),
    timelineSection(result),
    faultsSection(result),
    latencySection(result),
    resourcesSection(result),
    invariantsSection(result),
    gatesSection(result),
    countersSection(result),
    deliverySection(result),
    errorsSection(result),
    environmentSection(result),
  ].filter((section) => section.length > 0);
  return `${sections.map((section) => section.join('\n')).join('\n\n')}\n`;
}
