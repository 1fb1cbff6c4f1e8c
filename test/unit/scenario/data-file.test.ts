import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/base/errors.js';
import { codeFrame } from '../../../src/scenario/code-frame.js';
import { parseScenarioData } from '../../../src/scenario/data-file.js';
import { SCENARIO_JSON_SCHEMA } from '../../../src/scenario/docs.js';
import { renderScenarioJsonSchema, scenarioJsonSchema } from '../../../src/scenario/json-schema.js';
import { loadScenarioInput, resolveScenario } from '../../../src/scenario/loader.js';
import { SCENARIO_SECTIONS } from '../../../src/scenario/schema.js';

async function caught(promise: Promise<unknown>): Promise<{ code: string; message: string; hint?: string; cause?: unknown }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected a rejection');
}

async function tempFile(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sp-scenario-file-'));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('codeFrame', () => {
  it('numbers the lines around the error and puts a caret under the column', () => {
    expect(codeFrame('a\nb\nccc\nd\ne\nf', 3, 2, 1)).toBe(['  2 | b', '> 3 | ccc', '    |  ^', '  4 | d'].join('\n'));
  });
});

describe('YAML and JSON scenario files', () => {
  it('the YAML and the JSON example resolve to the same scenario (the same schema and defaults as .ts)', async () => {
    const yaml = await resolveScenario('scenarios/examples/quick.yaml');
    const json = await resolveScenario('scenarios/examples/quick.json');
    expect({ ...yaml.scenario, description: '' }).toEqual({ ...json.scenario, description: '' });
    expect((yaml.scenario.load as { phases: unknown[] }).phases[0]).toMatchObject({ kind: 'constant', rateEventsPerS: 200, durationMs: 10_000 });
    // Defaults filled in by the schema, as for a TypeScript scenario.
    expect(yaml.scenario.producer.acks).toBeDefined();
  });

  it('a YAML field error gets the same path, message and suggestion as a .ts one', async () => {
    const file = await tempFile('s.yaml', 'name: s\ndescription: d\nload:\n  phases:\n    - kind: constnt\n      rateEventsPerS: 10\n      durationMs: 5s\n');
    const error = await caught(resolveScenario(file));
    expect(error.code).toBe(ERROR_CODES.INVALID_SCENARIO);
    expect(error.message).toContain('load.phases.0.kind: kind "constnt" is not one of constant, ramp, step, spike; did you mean "constant"?');
  });

  it('a YAML syntax error names file, line and column and shows a code frame', async () => {
    const file = await tempFile('bad.yaml', 'name: s\nload:\n  phases:\n    - kind: constant\n     durationMs: 5s\n');
    const error = await caught(loadScenarioInput(file));
    expect(error.code).toBe(ERROR_CODES.INVALID_SCENARIO);
    expect(error.message).toMatch(new RegExp(`^syntax error in ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+: `));
    expect(error.message).toContain('> 5 |      durationMs: 5s');
  });

  it('a JSON syntax error too', () => {
    expect(() => parseScenarioData('{"name": "s",, "x": 1}', 'x.json')).toThrowError(/^syntax error in x\.json:1:\d+: [^\n]+\n> 1 \| \{"name": "s",, "x": 1\}\n +\| +\^/);
  });

  it('a file holding a list is not a scenario', async () => {
    const file = await tempFile('list.json', '[1, 2]');
    expect((await caught(loadScenarioInput(file))).message).toMatch(/holds a list, not a scenario object/);
  });
  // The TypeScript syntax error (compiled by tsx, not by vitest's compiler) is tested through the CLI: test/e2e/scenario-files.test.ts.
});

describe('docs/scenario.schema.json', () => {
  it('is the JSON Schema zod emits from the scenario schema, committed', async () => {
    // On failure: run `npm run docs:scenarios` and commit the result.
    expect(await readFile(SCENARIO_JSON_SCHEMA, 'utf8')).toBe(renderScenarioJsonSchema());
  });
  it('covers every section and allows the $schema key', () => {
    const schema = scenarioJsonSchema() as { properties: Record<string, unknown>; required?: string[]; additionalProperties?: unknown };
    for (const section of SCENARIO_SECTIONS) expect(schema.properties).toHaveProperty(section);
    expect(schema.properties).toHaveProperty('$schema');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'description', 'load']));
  });
});
