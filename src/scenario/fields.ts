import { z } from 'zod';
import { formatDurationMs } from '../base/duration.js';
import { scenarioSchema } from './schema.js';

/**
 * The scenario schema flattened into one row per field, for `--help` and docs/scenarios.md.
 * Read from zod's JSON Schema of the *input* side (what a scenario file may write), so nothing
 * here is maintained by hand: a new field with a `.describe()` shows up in both automatically.
 */

export interface FieldDoc {
  /** Dotted path as `--set` takes it; `[]` marks "each element of this list". */
  path: string;
  /** Human type: `integer 1..8`, `duration ≥ 1s`, `native | compose | external`, `section`, ... */
  type: string;
  /** The default as a scenario file would write it; undefined when there is none. */
  defaultText: string | undefined;
  required: boolean;
  description: string;
  /** For fields of a union member: the `kind`s that have this field. */
  kinds: string[] | undefined;
}

interface JsonNode {
  type?: string;
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonNode>;
  required?: string[];
  items?: JsonNode;
  oneOf?: JsonNode[];
  anyOf?: JsonNode[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  propertyNames?: JsonNode;
  additionalProperties?: JsonNode | boolean;
  format?: string;
  minMs?: number;
  maxMs?: number;
  positive?: boolean;
}

const SAFE = Number.MAX_SAFE_INTEGER;

function rangeText(node: JsonNode): string {
  const low = node.exclusiveMinimum !== undefined ? `> ${node.exclusiveMinimum}` : undefined;
  const min = node.minimum !== undefined && node.minimum > -SAFE ? node.minimum : undefined;
  const max = node.maximum !== undefined && node.maximum < SAFE ? node.maximum : undefined;
  if (low !== undefined) return max === undefined ? ` ${low}` : ` ${low}, ≤ ${max}`;
  if (min !== undefined && max !== undefined) return ` ${min}..${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return '';
}

function durationText(node: JsonNode): string {
  const bounds: string[] = [];
  if (node.positive) bounds.push('> 0');
  if (node.minMs !== undefined) bounds.push(`≥ ${formatDurationMs(node.minMs)}`);
  if (node.maxMs !== undefined) bounds.push(`≤ ${formatDurationMs(node.maxMs)}`);
  return ['duration', ...bounds].join(' ');
}

function typeText(node: JsonNode): string {
  if (node.format === 'duration') return durationText(node);
  if (node.format === 'gate') return 'gate';
  if (node.const !== undefined) return JSON.stringify(node.const);
  if (node.enum !== undefined) return node.enum.map(String).join(' | ');
  if (node.anyOf !== undefined) return node.anyOf.map(typeText).join(' | ');
  if (node.type === 'array') return `${node.items ? typeText(node.items) : 'any'}[]`;
  if (node.type === 'object' && node.propertyNames?.enum && typeof node.additionalProperties === 'object') {
    return `{ ${node.propertyNames.enum.map(String).join(', ')} }: ${typeText(node.additionalProperties)}`;
  }
  if (node.type === 'integer' || node.type === 'number') return `${node.type}${rangeText(node)}`;
  if (node.type === 'string' || node.type === 'boolean') return node.type;
  return 'object';
}

function defaultText(node: JsonNode): string | undefined {
  const value = node.default;
  if (value === undefined) return undefined;
  if (node.format === 'duration' && typeof value === 'number') return formatDurationMs(value);
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.keys(value).length === 0) return undefined;
  return JSON.stringify(value);
}

const isSection = (node: JsonNode): boolean => node.properties !== undefined || node.oneOf !== undefined;

function addRow(rows: FieldDoc[], row: FieldDoc): void {
  const same = rows.find((r) => r.path === row.path);
  if (same === undefined) {
    rows.push(row);
    return;
  }
  // The same field in several union members (durationMs in every phase kind): one row, all kinds.
  if (same.kinds && row.kinds) same.kinds.push(...row.kinds.filter((k) => !same.kinds!.includes(k)));
}

function walkUnion(walker: Walker, options: JsonNode[], path: string): void {
  const { rows } = walker;
  const kinds = options.map((o) => String(o.properties?.kind?.const ?? '?'));
  const described = options.filter((o) => o.description !== undefined).length > 0;
  const explained = described ? options.map((o, i) => `${kinds[i]}: ${o.description ?? ''}`).join('; ') : 'which variant';
  // The default kind's literal carries a default (src/drivers/registry.ts): then `kind` may be omitted.
  const defaultKind = options.map((o) => o.properties?.kind?.default).find((d) => d !== undefined);
  addRow(rows, { path: `${path}.kind`, type: kinds.join(' | '), defaultText: defaultKind === undefined ? undefined : String(defaultKind), required: defaultKind === undefined, description: explained, kinds: undefined });
  const before = rows.length;
  options.forEach((option, i) => {
    for (const [key, child] of Object.entries(option.properties ?? {})) {
      if (key === 'kind') continue;
      walk(walker, child, `${path}.${key}`, option.required?.includes(key) ?? false, [kinds[i]!]);
    }
  });
  // A field every variant has needs no "only for" note.
  for (const row of rows.slice(before)) {
    if (row.kinds && kinds.every((k) => row.kinds!.includes(k))) row.kinds = undefined;
  }
}

interface Walker {
  rows: FieldDoc[];
  /** Structured nodes already walked, by their JSON: a repeat is described by reference. */
  seen: Map<string, string>;
}

function walk(walker: Walker, node: JsonNode, path: string, required: boolean, kinds: string[] | undefined): void {
  const { rows } = walker;
  const element = node.type === 'array' && node.items && isSection(node.items) ? node.items : undefined;
  const container = element ?? node;
  const structured = isSection(container);
  const key = structured ? JSON.stringify(container) : '';
  const repeatOf = structured ? walker.seen.get(key) : undefined;
  const ownType = structured ? (element ? 'list' : 'section') : typeText(node);
  addRow(rows, {
    path,
    type: repeatOf === undefined ? ownType : `${ownType} (fields as ${repeatOf})`,
    defaultText: defaultText(node),
    required: required && node.default === undefined,
    description: node.description ?? '',
    kinds: kinds ? [...kinds] : undefined,
  });
  if (!structured || repeatOf !== undefined) return;
  const inner = element ? `${path}[]` : path;
  walker.seen.set(key, inner);
  if (container.oneOf) {
    walkUnion(walker, container.oneOf, inner);
    return;
  }
  for (const [name, child] of Object.entries(container.properties ?? {})) {
    walk(walker, child, `${inner}.${name}`, container.required?.includes(name) ?? false, kinds);
  }
}

let cached: FieldDoc[] | undefined;

/** Every field of the scenario schema, depth first in schema order. */
export function scenarioFields(): FieldDoc[] {
  if (cached) return cached;
  const root = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as JsonNode;
  const walker: Walker = { rows: [], seen: new Map() };
  for (const [key, child] of Object.entries(root.properties ?? {})) {
    walk(walker, child, key, root.required?.includes(key) ?? false, undefined);
  }
  cached = walker.rows;
  return walker.rows;
}
