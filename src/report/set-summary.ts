import { overallOutcome } from './outcome.js';
import { formatNumber, formatWithUnit, markdownTable } from './format.js';
import { STAGE_NAMES, type CompletedResult, type RunResult } from './result-schema.js';
import type { RunSetFile } from './run-set.js';
import { spread } from './stats.js';

/**
 * summary.md of a set: which runs it holds and how each ended, then every figure compare
 * judges (and every counter) as median, min and max over the set's completed runs. Pure.
 */

const PERCENTILES = [
  ['p50', 'p50Ms'],
  ['p90', 'p90Ms'],
  ['p99', 'p99Ms'],
  ['p999', 'p999Ms'],
] as const;

interface Figure {
  name: string;
  unit: string;
  values: number[];
}

function figures(runs: CompletedResult[]): Figure[] {
  const out: Figure[] = [
    { name: 'achievedRate', unit: 'events/s', values: runs.map((r) => r.rates.achievedEventsPerS) },
    { name: 'targetRate', unit: 'events/s', values: runs.map((r) => r.rates.targetEventsPerS) },
  ];
  for (const stage of STAGE_NAMES) {
    const stats = runs.flatMap((r) => (r.stages[stage] && r.stages[stage].count > 0 ? [r.stages[stage]] : []));
    if (stats.length === 0) continue;
    for (const [field, key] of PERCENTILES) out.push({ name: `${field}(${stage})`, unit: 'ms', values: stats.map((s) => s[key]) });
  }
  const counters = [...new Set(runs.flatMap((r) => Object.keys(r.counters)))].sort();
  for (const name of counters) {
    out.push({ name, unit: name.endsWith('S') ? 's' : 'count', values: runs.flatMap((r) => (r.counters[name] === undefined ? [] : [r.counters[name]])) });
  }
  for (const id of [...new Set(runs.flatMap((r) => r.verdict.invariants.map((i) => i.id)))].sort()) {
    out.push({ name: `${id} violations`, unit: 'count', values: runs.flatMap((r) => r.verdict.invariants.filter((i) => i.id === id).map((i) => i.violations)) });
  }
  return out;
}

const show = (value: number, unit: string): string => (unit === 'count' ? formatNumber(value) : formatWithUnit(value, unit));

export function renderSetSummaryMarkdown(set: RunSetFile, runs: readonly RunResult[]): string {
  const completed = runs.filter((r): r is CompletedResult => r.state === 'completed');
  const statuses = runs.map((r) => overallOutcome(r).status);
  const passed = statuses.filter((s) => s === 'PASS').length;
  const alert = set.state === 'incomplete' ? 'WARNING' : set.exitCode === 0 ? 'NOTE' : 'CAUTION';
  const lines = [
    `# streamproof set — \`${set.scenario}\`: ${set.runs.length} of ${set.requestedRuns} runs`,
    '',
    `> [!${alert}]`,
    `> ${passed} of ${set.runs.length} runs PASS; exit code of the set ${set.exitCode} (the worst run).` +
      (set.state === 'incomplete' ? ` **Stopped early** (${set.reason ?? 'unknown reason'}): only the runs below are in the set.` : ''),
    '',
    `- started ${set.createdAt}, ended ${set.endedAt}`,
    `- compare it: \`npm run compare -- <baseline> <this directory>\`; make it a baseline: copy this directory to \`results/baselines/${set.scenario}/\``,
    '',
    '## Runs',
    '',
    markdownTable(
      ['#', 'run', 'started', 'state', 'status', 'exit', 'result'],
      set.runs.map((m, i) => [String(m.index), m.runId, m.startedAt, m.state, statuses[i] ?? '?', String(m.exitCode), m.path]),
    ),
    '',
  ];
  if (set.excluded.length > 0) {
    lines.push(`Not in the set: ${set.excluded.map((e) => `\`${e.runId}\` (${e.state}${e.source ? `, ${e.source}` : ''})`).join(', ')}.`, '');
  }
  lines.push(`## Figures over the ${completed.length} completed run${completed.length === 1 ? '' : 's'}`, '');
  if (completed.length === 0) {
    lines.push('No run completed: there are no figures to summarise.');
  } else {
    lines.push(
      markdownTable(
        ['figure', 'median', 'min', 'max', 'n'],
        figures(completed)
          .filter((f) => f.values.length > 0)
          .map((f) => {
            const s = spread(f.values);
            return [f.name, show(s.median, f.unit), show(s.min, f.unit), show(s.max, f.unit), String(s.n)];
          }),
      ),
    );
  }
  return `${lines.join('\n')}\n`;
}
