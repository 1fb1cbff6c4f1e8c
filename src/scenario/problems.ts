import type { z } from 'zod';
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

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j]!;
      row[j] = Math.min(above + 1, row[j - 1]! + 1, diagonal + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
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

export function unknownFieldProblem(parentParts: ReadonlyArray<PropertyKey>, key: string): ScenarioProblem {
  const parentPath = joinPath(parentParts);
  const valid = validFieldsUnder(parentPath);
  const close = valid.filter((name) => editDistance(name, key) <= Math.max(1, Math.floor(name.length / 4)));
  const message =
    close.length > 0 ? `unknown field; did you mean ${close.map((c) => `"${c}"`).join(' or ')}?` : `unknown field; valid fields here: ${valid.join(', ') || '(none)'}`;
  return { path: joinPath([...parentParts, key]), message };
}

/** A missing field says "required" (parse with `reportInput: true` so zod keeps the input). */
function readableMessage(issue: z.core.$ZodIssue): string {
  const absent = 'input' in issue && issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union');
  if (!absent) return issue.message;
  const expected = /^Invalid input: (expected .+), received undefined$/.exec(issue.message);
  return `required (${expected ? expected[1] : issue.message})`;
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
