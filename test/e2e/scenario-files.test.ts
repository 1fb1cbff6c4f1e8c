import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStackEndpoints } from '../../src/stack/state.js';
import { describe, expect, it } from 'vitest';
import { onlyResultDir, runScenarioCli } from './scenario-cli.js';

/**
 * YAML and JSON scenarios through the real CLI: `--dry-run` validates and prints the resolved
 * scenario (no services); one real run of the YAML example against the running stack proves
 * the file drives the whole pipeline like a .ts scenario. And a TypeScript syntax error as the
 * user sees it (tsx compiles the file): once, with a code frame.
 */
describe('scenario files: YAML and JSON', () => {
  it('--dry-run resolves the YAML and the JSON example to the same scenario', async () => {
    const yaml = await runScenarioCli(['scenarios/examples/quick.yaml', '--dry-run'], { timeoutMs: 60_000 });
    const json = await runScenarioCli(['scenarios/examples/quick.json', '--dry-run'], { timeoutMs: 60_000 });
    expect(yaml.code, yaml.stderr).toBe(0);
    expect(json.code, json.stderr).toBe(0);
    const a = JSON.parse(yaml.stdout) as Record<string, unknown>;
    const b = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(a.name).toBe('quick');
    expect({ ...a, description: '' }).toEqual({ ...b, description: '' });
  });

  it('--dry-run with an override on a YAML file applies it and validates the result', async () => {
    const bad = await runScenarioCli(['scenarios/examples/quick.yaml', '--dry-run', '--set', 'processor.instances=0'], { timeoutMs: 60_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('processor.instances: must be ≥ 1, got 0');
    expect(bad.stderr).not.toMatch(/Too small|expected number to be/);
  });

  it('a TypeScript syntax error prints once, with file:line:column and a code frame', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sp-ts-syntax-'));
    const file = join(dir, 'bad.ts');
    await writeFile(file, "export default {\n  name: 'bad',\n  description: 'x'\n  load: {},\n};\n");
    const { code, stderr } = await runScenarioCli([file, '--dry-run'], { timeoutMs: 60_000 });
    expect(code).toBe(2);
    expect(stderr).toContain(`error [SP_INVALID_SCENARIO]: syntax error in ${file}:4:3: Expected "}" but found "load"`);
    expect(stderr).toContain('> 4 |   load: {},');
    expect(stderr.match(/but found "load"/g)).toHaveLength(1);
    expect(stderr).not.toContain('cause:');
  });

  it('the YAML example runs end to end against the stack and passes its correctness gates', async () => {
    const resultsDir = await mkdtemp(join(tmpdir(), 'sp-yaml-run-'));
    // On whatever stack is running (CI's has 3 brokers; the example asks for 1).
    const brokers = (await loadStackEndpoints()).kafka.brokers;
    const run = await runScenarioCli(['scenarios/examples/quick.yaml', '--brokers', String(brokers), '--results-dir', resultsDir], { timeoutMs: 240_000 });
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    const dir = await onlyResultDir(resultsDir, 'quick');
    const result = JSON.parse(await readFile(join(dir, 'result.json'), 'utf8')) as { state: string; counters: { lost: number; acked: number }; scenario: { name: string } };
    expect(result.state).toBe('completed');
    expect(result.counters.lost).toBe(0);
    expect(result.counters.acked).toBeGreaterThan(1_000);
  }, 300_000);
});
