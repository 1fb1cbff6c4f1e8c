import type { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';

/** One line per zod issue, `path: message`, so a user sees every problem at once. */
export function formatIssues(issues: readonly z.core.$ZodIssue[], prefix = ''): string {
  return issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
      return `${path === '' ? '(root)' : path}: ${issue.message}`;
    })
    .join('; ');
}

/** Parses with a zod schema or throws INVALID_ARGUMENT naming every failing field. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown, what: string, hint: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `invalid ${what}: ${formatIssues(parsed.error.issues)}`, { hint });
}
