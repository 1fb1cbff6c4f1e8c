import type { Tolerances } from './compare-tolerances.js';
import type { Comparison, CompareRow, RunRef } from './compare.js';
import { formatChangePct, formatNumber, formatWithUnit, markdownTable } from './format.js';

/** Markdown for a PR comment: verdict first, then the table, then what made it less like-for-like. */

const VERDICT_TEXT: Record<CompareRow['verdict'], string> = {
  ok: 'ok',
  regression: '**REGRESSION**',
  improvement: 'improvement',
  missing: '**missing**',
};

function describeRun(run: RunRef): string {
  const commit = run.gitCommit === null ? 'no git commit' : `commit ${run.gitCommit.slice(0, 12)}`;
  return `\`${run.runId}\` (${commit}, ${run.startedAt})`;
}

function value(row: CompareRow, side: number | null): string {
  if (side === null) return '—';
  return row.unit === 'count' || row.unit === 'samples' ? formatNumber(side) : formatWithUnit(side, row.unit);
}

export function renderCompareMarkdown(comparison: Comparison, tolerances?: Tolerances): string {
  const regressions = comparison.rows.filter((r) => r.verdict === 'regression').length;
  const missing = comparison.rows.filter((r) => r.verdict === 'missing').length;
  const improvements = comparison.rows.filter((r) => r.verdict === 'improvement').length;
  const headline = comparison.regressed
    ? `❌ regression: ${regressions} regressed, ${missing} missing`
    : `✅ no regression (${improvements} improved)`;
  const lines: string[] = [
    `## streamproof compare — \`${comparison.scenario}\`: ${headline}`,
    '',
    `- baseline: ${describeRun(comparison.baseline)}`,
    `- current: ${describeRun(comparison.current)}`,
    '',
  ];
  const table = (rows: CompareRow[]): string =>
    markdownTable(
      ['metric', 'baseline', 'current', 'change', 'verdict', 'tolerance'],
      rows.map((row) => [row.metric, value(row, row.baseline), value(row, row.current), formatChangePct(row.changePct), VERDICT_TEXT[row.verdict], row.rule]),
    );
  // A PR comment shows what changed; the full table is folded away below it.
  const changed = comparison.rows.filter((row) => row.verdict !== 'ok');
  if (changed.length > 0) lines.push(table(changed), '');
  lines.push(`<details><summary>All ${comparison.rows.length} metrics</summary>`, '', table(comparison.rows), '', '</details>');
  if (comparison.warnings.length > 0) {
    lines.push('', '**Not like for like:**', ...comparison.warnings.map((w) => `- ${w}`));
  }
  if (tolerances !== undefined) {
    const t = tolerances;
    lines.push(
      '',
      `<sub>Tolerances: latency ${t.latency.percentiles.join('/')} regress above +${t.latency.maxIncreasePct}% and +${t.latency.noiseFloorMs} ms` +
        `${Object.keys(t.stages).length > 0 ? ` (per-stage overrides: ${Object.keys(t.stages).join(', ')})` : ''}; ` +
        `achieved rate below −${t.achievedRate.maxDecreasePct}%; invariant violations above +${t.invariants.maxViolationIncrease}; ` +
        `missing metrics ${t.failOnMissing ? 'fail' : 'are reported only'}.</sub>`,
    );
  }
  return `${lines.join('\n')}\n`;
}
