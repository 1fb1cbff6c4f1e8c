import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { generatorConfigSchema } from '../workload/generator-config.js';
import { scheduleSchema } from '../workload/schedule.js';
import { crossFieldChecks, type Sections } from './cross-checks.js';
import { dedupeProblems, formatProblem, problemsFromIssues, unknownFieldProblem, type ScenarioProblem } from './problems.js';
import { SCENARIO_SECTIONS, scenarioSchema, type ParsedScenario, type Scenario } from './schema.js';

/**
 * Validation, k6 style: every problem at once, each as `path.to.field: reason`, before anything
 * starts. Each top-level section is parsed on its own so that cross-field rules can still run on
 * the sections that are fine; then the workload and load sections are also parsed with the
 * workload module's own schemas, which catches their cross-field rules and any drift between the
 * two definitions.
 */

export type ScenarioCheck =
  | { ok: true; scenario: Scenario; warnings: ScenarioProblem[] }
  | { ok: false; problems: ScenarioProblem[]; warnings: ScenarioProblem[] };

export interface ValidateOptions {
  /** Where the scenario came from, for the error message (`scenarios/smoke.ts`). */
  source?: string;
  /** The name the scenario must have (its file name, for scenarios found by name). */
  expectedName?: string;
}

/** Production replication, clamped to the cluster (same rule as src/contract/topology.ts). */
const PRODUCTION_REPLICATION_FACTOR = 3;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseSections(input: Record<string, unknown>): { sections: Sections; problems: ScenarioProblem[] } {
  const sections: Record<string, unknown> = {};
  const problems: ScenarioProblem[] = [];
  for (const key of SCENARIO_SECTIONS) {
    const parsed = scenarioSchema.shape[key].safeParse(input[key], { reportInput: true });
    if (parsed.success) sections[key] = parsed.data;
    else problems.push(...problemsFromIssues(parsed.error.issues, [key]));
  }
  for (const key of Object.keys(input)) {
    // `$schema` names the JSON Schema for editors (YAML/JSON files); it is not a setting.
    if (key !== '$schema' && !(SCENARIO_SECTIONS as string[]).includes(key)) problems.push(unknownFieldProblem([], key));
  }
  return { sections: sections as Sections, problems };
}

/** The workload module's own rules (fractions summing to ≤ 1, ...), on the parsed sections. */
function workloadModuleProblems(sections: Sections): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  if (sections.workload) {
    const parsed = generatorConfigSchema.safeParse({ ...sections.workload, generatorId: 'scenario' });
    if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, ['workload']));
  }
  if (sections.load) {
    const parsed = scheduleSchema.safeParse(sections.load);
    if (!parsed.success) problems.push(...problemsFromIssues(parsed.error.issues, ['load']));
  }
  return problems;
}

/** Problems grouped by top-level section in schema order (stable within a section). */
function inSchemaOrder(problems: ScenarioProblem[]): ScenarioProblem[] {
  const rank = (p: ScenarioProblem): number => {
    const index = (SCENARIO_SECTIONS as string[]).indexOf(p.path.split('.')[0] ?? '');
    return index < 0 ? SCENARIO_SECTIONS.length : index;
  };
  return problems.map((p, i) => ({ p, i })).sort((a, b) => rank(a.p) - rank(b.p) || a.i - b.i).map(({ p }) => p);
}

function resolve(parsed: ParsedScenario): Scenario {
  const replicationFactor = parsed.topology.replicationFactor ?? Math.min(PRODUCTION_REPLICATION_FACTOR, parsed.stack.brokers);
  return { ...parsed, topology: { ...parsed.topology, replicationFactor } };
}

/** Validates without throwing: every problem and warning, with paths. */
export function checkScenario(input: unknown, options: ValidateOptions = {}): ScenarioCheck {
  if (!isPlainObject(input)) {
    return { ok: false, problems: [{ path: '', message: 'expected an object: `export default defineScenario({ ... })`' }], warnings: [] };
  }
  const { sections, problems } = parseSections(input);
  problems.push(...workloadModuleProblems(sections));
  const cross = crossFieldChecks(sections);
  problems.push(...cross.errors);
  if (options.expectedName !== undefined && sections.name !== undefined && sections.name !== options.expectedName) {
    problems.push({ path: 'name', message: `"${sections.name}" does not match its file name "${options.expectedName}"` });
  }
  const unique = inSchemaOrder(dedupeProblems(problems));
  if (unique.length > 0) return { ok: false, problems: unique, warnings: cross.warnings };
  return { ok: true, scenario: resolve(sections as ParsedScenario), warnings: cross.warnings };
}

/**
 * Validates or throws StreamproofError(INVALID_SCENARIO) whose message lists every problem,
 * one `path: reason` per line.
 */
export function validateScenario(input: unknown, options: ValidateOptions = {}): { scenario: Scenario; warnings: ScenarioProblem[] } {
  const result = checkScenario(input, options);
  if (result.ok) return { scenario: result.scenario, warnings: result.warnings };
  const what = options.source ?? (isPlainObject(input) && typeof input.name === 'string' ? `"${input.name}"` : 'the scenario');
  const count = result.problems.length;
  throw new StreamproofError(
    ERROR_CODES.INVALID_SCENARIO,
    `scenario ${what} is invalid (${count} problem${count === 1 ? '' : 's'}):\n${result.problems.map((p) => `  ${formatProblem(p)}`).join('\n')}`,
    { hint: 'fix the listed fields in the scenario file, or the --set/--rate/--duration flags that changed them; `npm run scenario -- --help` lists every field' },
  );
}
