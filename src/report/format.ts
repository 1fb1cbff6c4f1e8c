import type { Environment } from './result-schema.js';
/** Number and text formatting shared by the markdown and HTML reports (pure, locale-free). */

/** Integers as-is with thousands separators; fractions to `digits` decimals, trailing zeros cut. */
export function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return groupThousands(String(value));
  const fixed = value.toFixed(digits).replace(/\.?0+$/, '');
  return fixed === '-0' ? '0' : groupThousands(fixed);
}

function groupThousands(text: string): string {
  const [whole = '', fraction] = text.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

/** Milliseconds for people: `850 ms`, `2.35 s`, `5 min 2 s`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (Math.abs(ms) < 1000) return `${formatNumber(ms, ms < 10 ? 3 : 1)} ms`;
  if (Math.abs(ms) < 120_000) return `${formatNumber(ms / 1000, 2)} s`;
  const totalS = Math.round(ms / 1000);
  return `${Math.floor(totalS / 60)} min ${totalS % 60} s`;
}

/** A value with its unit: latency in ms goes through formatMs, a fraction is a bare number, the rest is `<n> <unit>`. */
export function formatWithUnit(value: number | null, unit: string): string {
  if (value === null) return '—';
  if (unit === 'ms') return formatMs(value);
  // A share (onTimeShare): four decimals, so 0.9851 is not shown as 0.99 next to a 0.99 threshold.
  if (unit === 'fraction') return formatNumber(value, 4);
  return `${formatNumber(value)} ${unit}`;
}

/** Signed percentage with one decimal: `+12.5%`, `-3%`; `—` when there is no base. */
export function formatChangePct(changePct: number | null): string {
  if (changePct === null) return '—';
  if (!Number.isFinite(changePct)) return changePct > 0 ? '+∞' : '-∞';
  const text = formatNumber(changePct, 1);
  return changePct > 0 ? `+${text}%` : `${text}%`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let index = 0;
  while (value >= 1024 && index < units.length - 1) {
    value /= 1024;
    index += 1;
  }
  return `${formatNumber(value, 1)} ${units[index]}`;
}

/** Text safe inside an HTML element or a double-quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Text safe inside a markdown table cell: no pipes or newlines break the row. */
export function escapeMarkdownCell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

/** Renders a markdown table; cells are escaped here. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  return [line(header), `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

/**
 * A flat key → value view of an opaque object: nested objects become dotted keys
 * (`addedLatencyMs.p99`), arrays of plain values a comma list, so no cell shows raw JSON.
 */
export function flattenForDisplay(value: Record<string, unknown> | null, prefix = ''): Array<[string, string]> {
  if (value === null) return [];
  return Object.entries(value).flatMap(([key, v]): Array<[string, string]> => {
    const name = `${prefix}${key}`;
    if (typeof v === 'number') return [[name, formatNumber(v)]];
    if (typeof v === 'string') return [[name, v]];
    if (typeof v === 'boolean') return [[name, v ? 'yes' : 'no']];
    if (v === null || v === undefined) return [[name, '—']];
    if (Array.isArray(v)) return [[name, v.map((item) => (typeof item === 'number' ? formatNumber(item) : typeof item === 'object' ? JSON.stringify(item) : String(item))).join(', ')]];
    return flattenForDisplay(v as Record<string, unknown>, `${name}.`);
  });
}

/** The environment fingerprint as label/value rows, shared by summary.md and report.html. */
export function environmentRows(env: Environment): Array<[string, string]> {
  return [
    ['streamproof', env.streamproofVersion],
    ['git commit', env.gitCommit === null ? 'not a git checkout' : `${env.gitCommit}${env.gitDirty ? ' (dirty)' : ''}`],
    ['seed', String(env.seed)],
    ['provider', `${env.provider}, ${env.brokers} broker(s), Kafka ${env.kafkaVersion ?? 'unknown'}`],
    ['firehose', env.firehoseBehaviour],
    ['node', env.node],
    ['os', env.os],
    ['cpu', `${env.cpus} × ${env.cpuModel}`],
    ['memory', formatBytes(env.memoryBytes)],
  ];
}
