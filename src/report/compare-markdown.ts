import type { Tolerances } from './compare-tolerances.js';
import type { Comparison, CompareRow, RunRef } from './compare.js';
import { formatChangePct, formatNumber, formatWithUnit, markdownTable } from './format.js';

/**
 * Markdown for a PR comment: verdict first, then the rows that changed with their evidence
 * (medians, spread, n, the bootstrap interval of the difference of medians, the U test), the
 * full table folded away, then what made the two sides less like-for-like.
 */

const VERDICT_TEXT: Record<CompareRow['verdict'], string> = {
  ok: 'no significant change',
  regression: '**REGRESSED**',
  improvement: 'improved',
  missing: '**missing**',
};

function describeRun(run: RunRef): string {
  const commit = run.gitCommit === null ? 'no git commit' : `commit ${run.gitCommit.slice(0, 12)}`;
  return `\`${run.runId}\` (${commit}, ${run.startedAt})`;
}

function describeSide(runs: RunRef[]): string {
  if (runs.length === 1) return describeRun(runs[0]!);
  const commits = [...new Set(runs.map((run) => (run.gitCommit === null ? 'no git commit' : run.gitCommit.slice(0, 12))))];
  const starts = runs.map((run) => run.startedAt).sort();
  return `set of ${runs.length} runs (${commits.length === 1 ? `commit ${commits[0]}` : `commits ${commits.join(', ')}`}, ${starts[0]} … ${starts[starts.length - 1]})`;
}

function format(row: CompareRow, side: number | null): string {
  if (side === null) return '—';
  return row.unit === 'count' || row.unit === 'samples' ? formatNumber(side) : formatWithUnit(side, row.unit);
}

/** `+50 ms`, `−24.7 ms`, `0 ms`: the magnitude formatted once, then its sign. */
function signed(row: CompareRow, delta: number): string {
  const text = format(row, Math.abs(delta));
  return delta > 0 ? `+${text}` : delta < 0 ? `-${text}` : text;
}

/** `12 ms` for one run; `12 ms (11.5 ms–13 ms)` (median, then min–max) for a set. */
function sideCell(row: CompareRow, side: 'baseline' | 'current'): string {
  const value = format(row, row[side]);
  const spread = row.evidence?.[side];
  if (spread === undefined || spread.n < 2) return value;
  return `${value} (${format(row, spread.min)}–${format(row, spread.max)})`;
}

function intervalCell(row: CompareRow): string {
  if (row.method === 'rule' || row.evidence === null) return '—';
  const delta = row.evidence.current.median - row.evidence.baseline.median;
  if (row.evidence.ci === null) return `${signed(row, delta)}; n too small, tolerance only`;
  const { lo, hi } = row.evidence.ci;
  return `${signed(row, delta)} [${signed(row, lo)}, ${signed(row, hi)}]`;
}

function uTestCell(row: CompareRow): string {
  const test = row.evidence?.mannWhitney;
  if (test === null || test === undefined) return '—';
  const p = test.p < 0.001 ? '< 0.001' : formatNumber(test.p, 3);
  return `${test.exact ? 'p =' : 'p ≈'} ${p}`.replace('= <', '<').replace('≈ <', '<');
}

function nCell(row: CompareRow): string {
  return row.evidence === null ? '—' : `${row.evidence.baseline.n} / ${row.evidence.current.n}`;
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
    `- baseline: ${describeSide(comparison.baseline)}`,
    `- current: ${describeSide(comparison.current)}`,
    '',
  ];
  const level = tolerances ? `${tolerances.statistics.confidencePct}%` : '95%';
  if (comparison.rows.some((row) => row.method === 'bootstrap')) {
    const detail = tolerances ? ` (${formatNumber(tolerances.statistics.resamples)} resamples, seed ${tolerances.statistics.seed})` : '';
    lines.push(
      `Each figure is the median over each side's runs (min–max in brackets). A figure regressed or improved only when the ${level} bootstrap interval` +
        ` of the difference of medians${detail} excludes 0 **and** the change of the medians is beyond its tolerance.`,
      '',
    );
  }
  if (comparison.rows.some((row) => row.method === 'tolerance only')) {
    const minRuns = tolerances?.statistics.minRuns ?? 3;
    lines.push(
      `> [!WARNING]\n> Fewer than ${minRuns} runs on a side (baseline ${comparison.baseline.length}, current ${comparison.current.length}): no confidence interval can be had,` +
        ` so verdicts are by **tolerance only** and one noisy run can flip them. Record sets with \`npm run scenario -- ${comparison.scenario} --repeat 5\`.`,
      '',
    );
  }
  const table = (rows: CompareRow[]): string =>
    markdownTable(
      ['metric', 'baseline', 'current', 'change', `Δ median [${level} CI]`, 'U test', 'n', 'verdict', 'tolerance'],
      rows.map((row) => [
        row.metric,
        sideCell(row, 'baseline'),
        sideCell(row, 'current'),
        formatChangePct(row.changePct),
        intervalCell(row),
        uTestCell(row),
        nCell(row),
        VERDICT_TEXT[row.verdict],
        row.method === 'tolerance only' ? `${row.rule} (tolerance only)` : row.rule,
      ]),
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
        `achieved rate below −${t.achievedRate.maxDecreasePct}%; invariant violations above +${t.invariants.maxViolationIncrease} (worst run); ` +
        `missing metrics ${t.failOnMissing ? 'fail' : 'are reported only'}; ` +
        `with ${t.statistics.minRuns}+ runs a side, only when the ${t.statistics.confidencePct}% interval of the difference of medians excludes 0.</sub>`,
    );
  }
  return `${lines.join('\n')}\n`;
}
