import { readFile, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { parseResult, readResult, type RunResult } from './result-schema.js';

/**
 * A set of runs: the same scenario run N times one after another (`npm run scenario -- <name>
 * --repeat N`), stored as results/<scenario>/<timestamp>-set/ with set.json, summary.md and a
 * copy of every member's result.json under runs/<i>/, so a set directory is self-contained
 * and can be committed as a baseline (results/baselines/<scenario>/). Format: docs/results.md.
 */
export const SET_SCHEMA_VERSION = 1;
export const SET_FILE = 'set.json';
export const MAX_REPEAT = 50;

const runStateSchema = z.enum(['completed', 'incomplete', 'failed', 'aborted']);

export const setMemberSchema = z
  .object({
    /** 1-based position in the set. */
    index: z.int().min(1),
    /** The member's result.json, relative to the set directory (a copy: `runs/1/result.json`). */
    path: z.string().min(1),
    runId: z.string().min(1),
    state: runStateSchema,
    startedAt: z.string(),
    /** overallOutcome's exit code for that run (0 pass, 1 fail/aborted, 2 failed, 130 interrupted). */
    exitCode: z.int(),
    /** Where the run wrote its own directory (summary.md, report.html), relative to the set directory; informational. */
    source: z.string().nullable(),
  })
  .strict();

export const setFileSchema = z
  .object({
    schemaVersion: z.literal(SET_SCHEMA_VERSION),
    kind: z.literal('streamproof-set'),
    scenario: z.string().min(1),
    createdAt: z.string(),
    endedAt: z.string(),
    requestedRuns: z.int().min(1).max(MAX_REPEAT),
    /** `completed`: every requested run ended; `incomplete`: stopped early (Ctrl-C, a harness error). */
    state: z.enum(['completed', 'incomplete']),
    reason: z.string().optional(),
    /** Worst member exit code (or 130 if interrupted): the exit code of `npm run scenario -- --repeat`. */
    exitCode: z.int(),
    runs: z.array(setMemberSchema),
    /** Runs made by the set but not in it: the one Ctrl-C interrupted (state incomplete). */
    excluded: z.array(setMemberSchema.omit({ path: true, index: true }).strict()),
  })
  .strict();

export type RunSetFile = z.infer<typeof setFileSchema>;
export type SetMember = z.infer<typeof setMemberSchema>;

/** One side of a comparison: the runs read, and where from. */
export interface RunSide {
  path: string;
  kind: 'run' | 'set';
  set: RunSetFile | null;
  runs: RunResult[];
}

function invalid(message: string, hint?: string, cause?: unknown): StreamproofError {
  return new StreamproofError(ERROR_CODES.INVALID_RESULT, message, { ...(hint ? { hint } : {}), ...(cause ? { cause } : {}) });
}

export function parseSetFile(value: unknown, source = 'set.json'): RunSetFile {
  const parsed = setFileSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`).join('; ');
    throw invalid(`${source} is not a valid set file: ${issues}`, 'see "Sets of runs" in docs/results.md', parsed.error);
  }
  return parsed.data;
}

const looksLikeSet = (value: unknown): boolean => typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'streamproof-set';

async function readSetAt(setPath: string, value: unknown): Promise<RunSide> {
  const set = parseSetFile(value, setPath);
  const dir = dirname(setPath);
  const runs: RunResult[] = [];
  for (const member of set.runs) {
    if (isAbsolute(member.path) || relative(dir, resolve(dir, member.path)).startsWith('..')) {
      throw invalid(`${setPath}: run ${member.index} path "${member.path}" leaves the set directory`, 'a set must be self-contained: member paths are relative, inside it');
    }
    const result = await readResult(join(dir, member.path));
    if (result.runId !== member.runId || result.scenario.name !== set.scenario) {
      throw invalid(`${setPath}: run ${member.index} (${member.path}) is run ${result.runId} of "${result.scenario.name}", but set.json lists run ${member.runId} of "${set.scenario}"`);
    }
    runs.push(result);
  }
  return { path: setPath, kind: 'set', set, runs };
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw invalid(`cannot read result file ${path}: ${(error as Error).message}`, 'pass a result.json, a run directory or a set directory (with set.json)', error);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw invalid(`${path} is not JSON: ${(error as Error).message}`, 'the file may be truncated; re-run the scenario to produce it again', error);
  }
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isFile(), () => false);
}

/**
 * Reads one side of a comparison: a result.json (a set of 1), a run directory (its
 * result.json), a set directory (its set.json) or a set.json file.
 */
export async function readRunSide(path: string): Promise<RunSide> {
  const info = await stat(path).catch(() => null);
  if (info?.isDirectory()) {
    const setPath = join(path, SET_FILE);
    if (await isFile(setPath)) return readSetAt(setPath, await readJson(setPath));
    const resultPath = join(path, 'result.json');
    if (await isFile(resultPath)) return { path: resultPath, kind: 'run', set: null, runs: [await readResult(resultPath)] };
    throw invalid(`${path} holds neither ${SET_FILE} nor result.json`, 'pass a run directory (results/<scenario>/<timestamp>/) or a set directory (results/<scenario>/<timestamp>-set/)');
  }
  const value = await readJson(path);
  if (looksLikeSet(value)) return readSetAt(path, value);
  return { path, kind: 'run', set: null, runs: [parseResult(value, path)] };
}
