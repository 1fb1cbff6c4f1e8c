import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { didYouMean } from '../base/suggest.js';
import { codeFrame } from './code-frame.js';
import { DATA_EXTENSIONS, parseScenarioData } from './data-file.js';
import { describeScenario } from './describe.js';
import { applyOverrides, type Override } from './overrides.js';
import type { ScenarioProblem } from './problems.js';
import type { Scenario } from './schema.js';
import { validateScenario } from './validate.js';

export { describeScenario } from './describe.js';

/**
 * Finds scenario files (by name in scenarios/, or by path), loads their default export, applies
 * CLI overrides and validates: `resolveScenario` is the one call the runner makes before anything
 * starts.
 */

export const SCENARIOS_DIR = fileURLToPath(new URL('../../scenarios/', import.meta.url));

const CODE_EXTENSIONS = ['.ts', '.js', '.mjs'];
const EXTENSIONS = [...CODE_EXTENSIONS, ...DATA_EXTENSIONS];

export interface ScenarioListing {
  name: string;
  description: string;
  file: string;
}

export interface ResolvedScenario {
  scenario: Scenario;
  /** Non-fatal findings (`path: message`), to print before the run. */
  warnings: ScenarioProblem[];
  /** What each CLI override did, in order. */
  notes: string[];
  /** Absolute path of the scenario file. */
  file: string;
  /** describeScenario(scenario): the line to print before the run. */
  summary: string;
}

function looksLikePath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || nameOrPath.includes('\\') || EXTENSIONS.includes(extname(nameOrPath));
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Scenario names shipped in `dir`, sorted. */
export async function scenarioNames(dir = SCENARIOS_DIR): Promise<string[]> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return [];
  }
  return entries
    .filter((f) => EXTENSIONS.includes(extname(f)) && !f.endsWith('.d.ts'))
    .map((f) => basename(f, extname(f)))
    .sort();
}

/** The file for a scenario name (in `dir`) or path (relative to the working directory). */
export async function findScenarioFile(nameOrPath: string, dir = SCENARIOS_DIR): Promise<{ file: string; byName: boolean }> {
  if (looksLikePath(nameOrPath)) {
    const file = isAbsolute(nameOrPath) ? nameOrPath : resolve(nameOrPath);
    if (await isFile(file)) return { file, byName: false };
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `scenario file ${nameOrPath} does not exist`, {
      hint: 'pass a scenario name (see `npm run scenario -- --list`), the path of a .ts file exporting defineScenario(...), or a .yaml/.json scenario',
    });
  }
  for (const ext of EXTENSIONS) {
    const file = join(dir, `${nameOrPath}${ext}`);
    if (await isFile(file)) return { file, byName: true };
  }
  const names = await scenarioNames(dir);
  const suggestion = didYouMean(nameOrPath, names);
  throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `no scenario named "${nameOrPath}" in ${relative(process.cwd(), dir) || dir}${suggestion ? `; ${suggestion}` : ''}`, {
    hint: names.length > 0 ? `available: ${names.join(', ')}` : 'add a file scenarios/<name>.ts, .yaml or .json',
  });
}

/**
 * A TypeScript syntax error as a message and a code frame, or undefined for any other error.
 * tsx passes esbuild's error on as text only: `Transform failed with 1 error:\n<file>:<line>:<col>: ERROR: <text>`.
 */
async function syntaxErrorOf(error: unknown, file: string): Promise<StreamproofError | undefined> {
  const message = error instanceof Error ? error.message : '';
  const found = /^(.+?):(\d+):(\d+): ERROR: (.+)$/m.exec(message);
  if (found === null) return undefined;
  const line = Number(found[2]);
  const column = Number(found[3]) + 1;
  const source = await readFile(file, 'utf8').catch(() => '');
  return new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `syntax error in ${file}:${line}:${column}: ${found[4]}\n${codeFrame(source, line, column)}`, {
    hint: 'fix the TypeScript syntax; the file must `export default defineScenario({ ... })`',
  });
}

/** Reads a scenario file: a YAML/JSON file's data, or a code file's default export; unvalidated. */
export async function loadScenarioInput(file: string): Promise<unknown> {
  if (DATA_EXTENSIONS.includes(extname(file))) {
    const data = parseScenarioData(await readFile(file, 'utf8'), file);
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `scenario file ${file} holds ${data === null || data === undefined ? 'nothing' : Array.isArray(data) ? 'a list' : `a ${typeof data}`}, not a scenario object`, {
        hint: 'write the scenario as one mapping at the top: name, description, load, ... (docs/scenarios.md)',
      });
    }
    return data;
  }
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    const syntax = await syntaxErrorOf(error, file);
    if (syntax) throw syntax;
    // The message is already in ours: no cause, so it prints once.
    throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `cannot load scenario file ${file}: ${(error as Error).message}`, {
      hint: 'the file must run as TypeScript and `export default defineScenario({ ... })`',
    });
  }
  if (module.default === undefined) {
    throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `scenario file ${file} has no default export`, {
      hint: 'end it with `export default defineScenario({ ... })`',
    });
  }
  return module.default;
}

/**
 * Loads, applies overrides (left to right), validates. Throws INVALID_SCENARIO listing every
 * problem, or INVALID_ARGUMENT for an unknown scenario or a malformed override.
 */
export async function resolveScenario(nameOrPath: string, overrides: readonly Override[] = [], dir = SCENARIOS_DIR): Promise<ResolvedScenario> {
  const { file, byName } = await findScenarioFile(nameOrPath, dir);
  const raw = await loadScenarioInput(file);
  const { input, notes } = applyOverrides(raw, overrides);
  const source = relative(process.cwd(), file) || file;
  const { scenario, warnings } = validateScenario(input, {
    source: overrides.length > 0 ? `${source} (with ${overrides.map((o) => o.flag).join(' ')})` : source,
    ...(byName ? { expectedName: basename(file, extname(file)) } : {}),
  });
  return { scenario, warnings, notes, file, summary: describeScenario(scenario) };
}

/** Name and one-line description of every scenario in `dir`; a file that fails to load says so. */
export async function listScenarios(dir = SCENARIOS_DIR): Promise<ScenarioListing[]> {
  const listings: ScenarioListing[] = [];
  for (const name of await scenarioNames(dir)) {
    const { file } = await findScenarioFile(name, dir);
    try {
      const input = (await loadScenarioInput(file)) as { description?: unknown };
      const description = typeof input.description === 'string' ? input.description : '(no description)';
      listings.push({ name, description, file });
    } catch (error) {
      listings.push({ name, description: `(cannot load: ${(error as Error).message})`, file });
    }
  }
  return listings;
}

/** `--list` output: names aligned, one scenario per line. */
export function renderScenarioList(listings: readonly ScenarioListing[]): string {
  const width = Math.max(0, ...listings.map((l) => l.name.length));
  return listings.map((l) => `  ${l.name.padEnd(width)}  ${l.description}`).join('\n');
}
