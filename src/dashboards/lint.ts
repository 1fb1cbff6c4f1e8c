import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { catalogSeriesNames, referencedMetricNames } from './promql.js';
import { DATASOURCE_REF } from './variables.js';

/**
 * Checks a built dashboard for what neither the SDK types nor Grafana's loader catch: panels
 * overlapping or leaving the 24-column grid, duplicate ids or refIds, queries that name a
 * metric outside the catalog or a variable the dashboard does not define, and unbalanced
 * brackets. Returns every problem (empty = fine).
 */
const GRID_COLUMNS = 24;
/** Grafana's global variables that the queries may use. */
const BUILTIN_VARIABLES = new Set(['__rate_interval', '__interval', '__interval_ms', '__range', '__range_s']);

interface Query {
  where: string;
  expr: string;
}

/** Every PromQL expression in the dashboard: panel targets, variable queries, annotations. */
export function dashboardExpressions(d: dashboard.Dashboard): Query[] {
  const queries: Query[] = [];
  for (const panel of flatPanels(d)) {
    for (const target of panel.targets ?? []) {
      const t = target as unknown as { refId?: string; expr?: string };
      queries.push({ where: `panel ${panel.id} "${panel.title}" ${t.refId ?? '?'}`, expr: t.expr ?? '' });
    }
  }
  for (const v of d.templating.list ?? []) {
    if (v.type === 'query') queries.push({ where: `variable ${v.name}`, expr: typeof v.query === 'string' ? v.query : '' });
  }
  for (const a of d.annotations.list ?? []) {
    if (a.expr !== undefined) queries.push({ where: `annotation ${a.name}`, expr: a.expr });
  }
  return queries;
}

/** Panels in layout order, rows' nested panels included, rows excluded. */
export function flatPanels(d: dashboard.Dashboard): dashboard.Panel[] {
  const out: dashboard.Panel[] = [];
  for (const p of d.panels ?? []) {
    if (p.type === 'row') out.push(...(p as dashboard.RowPanel).panels);
    else out.push(p as dashboard.Panel);
  }
  return out;
}

function balanced(expr: string): boolean {
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  const stack: string[] = [];
  let quoted = false;
  for (let i = 0; i < expr.length; i++) {
    const c = expr[i] as string;
    if (quoted) {
      if (c === '\\') i++;
      else if (c === '"') quoted = false;
    } else if (c === '"') quoted = true;
    else if (c === '(' || c === '[' || c === '{') stack.push(c);
    else if (c in pairs && stack.pop() !== pairs[c]) return false;
  }
  return stack.length === 0 && !quoted;
}

function variablesUsed(expr: string): string[] {
  return [...expr.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
}

export function lintDashboard(d: dashboard.Dashboard): string[] {
  const problems: string[] = [];
  if (!d.uid || d.uid.length > 40) problems.push(`uid must be 1..40 characters, got "${d.uid ?? ''}"`);
  if (!d.title) problems.push('title is empty');

  const variableNames = (d.templating.list ?? []).map((v) => v.name);
  if (new Set(variableNames).size !== variableNames.length) problems.push(`duplicate variable names: ${variableNames.join(', ')}`);
  const defined = new Set(variableNames);

  const ids = new Set<number>();
  const boxes: Array<{ id: number; x: number; y: number; w: number; h: number }> = [];
  for (const panel of d.panels ?? []) {
    const nested = panel.type === 'row' ? (panel as dashboard.RowPanel).panels : [];
    for (const p of [panel, ...nested]) {
      const id = p.id;
      if (id === undefined || !Number.isInteger(id) || id < 1) problems.push(`panel "${p.title}" has no positive integer id`);
      else if (ids.has(id)) problems.push(`panel id ${id} is used twice`);
      else ids.add(id);
      const g = p.gridPos;
      if (!g) {
        problems.push(`panel ${id} "${p.title}" has no gridPos`);
        continue;
      }
      if (g.x < 0 || g.w < 1 || g.h < 1 || g.y < 0 || g.x + g.w > GRID_COLUMNS) {
        problems.push(`panel ${id} "${p.title}" leaves the grid: ${JSON.stringify(g)}`);
      }
      for (const b of boxes) {
        if (g.x < b.x + b.w && b.x < g.x + g.w && g.y < b.y + b.h && b.y < g.y + g.h) {
          problems.push(`panel ${id} "${p.title}" overlaps panel ${b.id}`);
        }
      }
      boxes.push({ id: id ?? -1, ...g });
    }
  }

  for (const panel of flatPanels(d)) {
    const where = `panel ${panel.id} "${panel.title}"`;
    if (panel.datasource?.uid !== DATASOURCE_REF.uid) problems.push(`${where} does not query through the ${DATASOURCE_REF.uid} variable`);
    const refIds = (panel.targets ?? []).map((t) => (t as unknown as { refId?: string }).refId);
    if (refIds.length === 0) problems.push(`${where} has no queries`);
    if (refIds.some((r) => !r) || new Set(refIds).size !== refIds.length) problems.push(`${where} needs unique refIds, got ${refIds.join(',')}`);
  }

  const known = catalogSeriesNames();
  for (const { where, expr } of dashboardExpressions(d)) {
    if (expr.trim() === '') problems.push(`${where}: empty query`);
    if (!balanced(expr)) problems.push(`${where}: unbalanced brackets or quotes in ${expr}`);
    for (const name of referencedMetricNames(expr)) {
      if (!known.has(name)) problems.push(`${where}: ${name} is not a catalog metric (src/metrics/catalog.ts)`);
    }
    for (const v of variablesUsed(expr)) {
      if (!defined.has(v) && !BUILTIN_VARIABLES.has(v)) problems.push(`${where}: variable $${v} is not defined`);
    }
  }
  return problems;
}
