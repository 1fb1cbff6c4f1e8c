import { ERROR_CODES, StreamproofError } from '../base/errors.js';

/**
 * `--set path=value`: dotted paths into the scenario input (`processor.instances`,
 * `load.phases.0.rateEventsPerS`, `load.phases[0].durationMs`), `path[]=v` appends to a list,
 * and a JSON `null` removes the field so its default applies again.
 */

/** A path segment: a field name, an array index, or APPEND (`[]`, add to the end). */
export type PathSegment = string | number;
export const APPEND = -1;

const FIELD = /^[A-Za-z_][A-Za-z0-9_-]*$/;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);

function badPath(path: string, why: string): StreamproofError {
  return new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--set ${path}: ${why}`, {
    hint: 'write --set section.field=value, e.g. --set processor.instances=3 or --set load.phases.0.durationMs=30s (`--help` lists the fields)',
  });
}

export function parsePath(path: string): PathSegment[] {
  const segments: PathSegment[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d*\])*)$/.exec(part);
    if (!match) throw badPath(path, `"${part}" is not a field name or index`);
    const [, head = '', brackets = ''] = match;
    if (head !== '') {
      if (/^\d+$/.test(head)) segments.push(Number(head));
      else if (FIELD.test(head) && !FORBIDDEN.has(head)) segments.push(head);
      else throw badPath(path, `"${head}" is not a field name`);
    } else if (brackets === '') {
      throw badPath(path, 'empty path segment');
    }
    for (const index of brackets.match(/\[\d*\]/g) ?? []) {
      segments.push(index === '[]' ? APPEND : Number(index.slice(1, -1)));
    }
  }
  if (segments.slice(0, -1).includes(APPEND)) throw badPath(path, '`[]` (append) may only end a path');
  return segments;
}

/** `3` → 3, `true` → true, `[1,2]` → array, `{"a":1}` → object, anything else → the text itself. */
export function parseSetValue(text: string): unknown {
  if (text.trim() === '') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** Sets (or, for `null`, deletes) the value at `segments` inside `root`, creating containers on the way. */
export function setAtPath(root: Record<string, unknown>, segments: readonly PathSegment[], value: unknown, pathText: string): void {
  let node: Container = root;
  for (let i = 0; i < segments.length; i += 1) {
    const segment = segments[i]!;
    const last = i === segments.length - 1;
    if (Array.isArray(node) !== (typeof segment === 'number')) {
      const where = segments.slice(0, i).join('.') || '(root)';
      throw badPath(pathText, `${where} is ${Array.isArray(node) ? 'a list: use a numeric index' : 'not a list: use a field name'}`);
    }
    if (Array.isArray(node)) {
      const index = segment === APPEND ? node.length : (segment as number);
      if (index > node.length) throw badPath(pathText, `index ${index} is past the end of a list of ${node.length}`);
      if (last) {
        if (value === null) node.splice(index, 1);
        else node[index] = value;
        return;
      }
      node = descend(node, index, segments[i + 1]!, pathText, segments.slice(0, i + 1));
    } else {
      const key = segment as string;
      if (last) {
        if (value === null) delete node[key];
        else node[key] = value;
        return;
      }
      node = descend(node, key, segments[i + 1]!, pathText, segments.slice(0, i + 1));
    }
  }
}

function descend(node: Container, key: string | number, next: PathSegment, pathText: string, at: readonly PathSegment[]): Container {
  const record = node as Record<string | number, unknown>;
  const child = record[key];
  if (child === undefined) {
    const created: Container = typeof next === 'number' ? [] : {};
    record[key] = created;
    return created;
  }
  if (!isContainer(child)) throw badPath(pathText, `${at.join('.')} is ${JSON.stringify(child)}, not a section or list`);
  return child;
}
