import type { z } from 'zod';
import { didYouMean } from '../base/suggest.js';
import { scenarioFields } from './fields.js';

/** One thing wrong with a scenario: where (dotted path, as `--set` takes it) and why. */
export interface ScenarioProblem {
  path: string;
  message: string;
}

export function formatProblem(problem: ScenarioProblem): string {
  return `${problem.path === '' ? '(root)' : problem.path}: ${problem.message}`;
}

export function joinPath(parts: ReadonlyArray<PropertyKey>): string {
  return parts.map(String).join('.');
}

/** `load.phases.2.rateEventsPerS` → `load.phases[].rateEventsPerS` (the field reference's spelling). */
function fieldPathOf(path: string): string {
  return path.replace(/\.\d+(?=\.|$)/g, '[]');
}

/** The field names allowed directly under `parentPath` (a concrete path, indices allowed). */
export function validFieldsUnder(parentPath: string): string[] {
  const parent = fieldPathOf(parentPath);
  const prefix = parent === '' ? '' : `${parent}.`;
  const prefixes = [prefix, `${parent}[].`];
  const names = new Set<string>();
  for (const field of scenarioFields()) {
    const p = prefixes.find((candidate) => field.path.startsWith(candidate));
    if (p === undefined) continue;
    const rest = field.path.slice(p.length);
    if (rest !== '' && !rest.includes('.') && !rest.includes('[')) names.add(rest);
  }
  return [...names];
}

/** The kinds a field of a union belongs to (`ingest.connections` → ['http']), if it is kind-specific. */
function kindsOfField(parentPath: string, key: string): string[] | undefined {
  const parent = fieldPathOf(parentPath);
  const paths = [`${parent === '' ? '' : `${parent}.`}${key}`, `${parent}[].${key}`];
  return scenarioFields().find((f) => paths.includes(f.path))?.kinds;
}

export function unknownFieldProblem(parentParts: ReadonlyArray<PropertyKey>, key: string): ScenarioProblem {
  const parentPath = joinPath(parentParts);
  const valid = validFieldsUnder(parentPath);
  // A field of another kind of this section (`connections` under ingest kind kafka): say whose it
  // is, instead of "did you mean" the very same name.
  const kinds = valid.includes(key) ? kindsOfField(parentPath, key) : undefined;
  if (kinds) {
    const list = kinds.join(', ');
    return { path: joinPath([...parentParts, key]), message: `applies only to kind ${list}, not to the kind set here; remove it, or set kind to ${kinds.length > 1 ? `one of ${list}` : list}` };
  }
  const suggestion = didYouMean(key, valid.filter((name) => name !== key));
  const message = suggestion ? `unknown field; ${suggestion}` : `unknown field; valid fields here: ${valid.join(', ') || '(none)'}`;
  return { path: joinPath([...parentParts, key]), message };
}

const show = (value: unknown): string => (typeof value === 'string' ? `"${value}"` : value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value));

/** `"nativ" is not one of native, compose; did you mean "native"?` */
function notOneOf(what: string, given: unknown, options: readonly unknown[]): string {
  const names = options.filter((o) => o !== undefined && o !== null).map(String);
  const suggestion = typeof given === 'string' ? didYouMean(given, names) : undefined;
  return `${what}${show(given)} is not one of ${names.join(', ')}${suggestion ? `; ${suggestion}` : ''}`;
}

function bound(issue: { origin?: string; inclusive?: boolean }, value: number | bigint, below: boolean): string {
  const v = Number(value);
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `${below ? 'at least' : 'at most'} ${v} item${v === 1 ? '' : 's'}`;
    case 'string':
      return `${below ? 'at least' : 'at most'} ${v} character${v === 1 ? '' : 's'}`;
    default:
      return `${below ? (issue.inclusive === false ? '>' : '≥') : issue.inclusive === false ? '<' : '≤'} ${v}`;
  }
}

/** zod's own default texts ("Too small: expected number to be >=1"): replaced, never shown. */
const ZOD_DEFAULT = /^(Invalid input|Too small|Too big|Invalid option|Invalid discriminator|Invalid string|Invalid number|Unrecognized key)/;

/**
 * One issue in words a scenario author reads: what the value was and what is allowed, with a
 * "did you mean" for a misspelt option or kind. Messages the schema wrote itself are kept.
 * Parse with `reportInput: true` so zod keeps the input.
 */
export function readableMessage(issue: z.core.$ZodIssue): string {
  const input = 'input' in issue ? issue.input : undefined;
  const custom = !ZOD_DEFAULT.test(issue.message);
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return `required (expected ${issue.expected})`;
      return `expected ${issue.expected}, got ${Array.isArray(input) ? 'an array' : typeof input} ${show(input)}`;
    case 'invalid_value':
      return notOneOf('', input, issue.values);
    case 'invalid_union': {
      const withDiscriminator = issue as typeof issue & { discriminator?: string; options?: unknown[] };
      if (withDiscriminator.discriminator !== undefined) {
        const given = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[withDiscriminator.discriminator] : undefined;
        const options = withDiscriminator.options ?? [];
        if (given === undefined) return `required: ${withDiscriminator.discriminator} (one of ${options.filter((o) => o != null).join(', ')})`;
        return notOneOf(`${withDiscriminator.discriminator} `, given, options);
      }
      if (input === undefined) return `required (${custom ? issue.message : 'see --help for the accepted forms'})`;
      return custom ? issue.message : `${show(input)} matches none of the accepted forms (see --help for this field)`;
    }
    case 'too_small':
      return custom ? issue.message : `must be ${bound(issue, issue.minimum, true)}, got ${show(input)}`;
    case 'too_big':
      return custom ? issue.message : `must be ${bound(issue, issue.maximum, false)}, got ${show(input)}`;
    case 'not_multiple_of':
      return custom ? issue.message : `must be a multiple of ${String(issue.divisor)}, got ${show(input)}`;
    default:
      return custom ? issue.message : `${issue.message.replace(/^Invalid input: /, '')}${input === undefined ? '' : `, got ${show(input)}`}`;
  }
}

/** zod issues → problems, with the messages a scenario author needs (not zod's internals). */
export function problemsFromIssues(issues: readonly z.core.$ZodIssue[], prefix: ReadonlyArray<PropertyKey> = []): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  for (const issue of issues) {
    const parts = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) problems.push(unknownFieldProblem(parts, key));
      continue;
    }
    problems.push({ path: joinPath(parts), message: readableMessage(issue) });
  }
  return problems;
}

/** Same path and message once only: two checks may notice the same thing. */
export function dedupeProblems(problems: readonly ScenarioProblem[]): ScenarioProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
