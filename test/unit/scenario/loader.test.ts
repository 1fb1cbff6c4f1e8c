import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/base/errors.js';
import { findScenarioFile, listScenarios, renderScenarioList, resolveScenario, scenarioNames, SCENARIOS_DIR } from '../../../src/scenario/loader.js';
import { parseScenarioArgs } from '../../../src/scenario/overrides.js';
import { scheduleDurationMs } from '../../../src/scenario/load-shape.js';
import { checkScenario } from '../../../src/scenario/validate.js';
import { formatProblem } from '../../../src/scenario/problems.js';

const SHIPPED = ['broker-failure', 'broker-hang', 'chaos', 'delivery-outage', 'http-ingest', 'late-data', 'network-degradation', 'peak-load', 'processor-crash', 'rebalance', 'smoke', 'spike', 'steady-state'];

const dir = mkdtempSync(join(tmpdir(), 'streamproof-scenarios-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeScenario(file: string, body: string): string {
  const path = join(dir, file);
  writeFileSync(path, body);
  return path;
}

const tiny = (name: string) =>
  `export default { name: '${name}', description: 'tiny ${name}', load: { phases: [{ kind: 'constant', rateEventsPerS: 10, durationMs: '1m' }] } };\n`;

writeScenario('alpha.ts', tiny('alpha'));
writeScenario('beta.ts', tiny('not-beta'));
writeScenario('gamma.ts', 'export const nothing = 1;\n');

describe('shipped scenarios', () => {
  it('are exactly the documented ones', async () => {
    expect(await scenarioNames()).toEqual(SHIPPED);
  });

  it.each(SHIPPED)('%s validates with no problems and no warnings', async (name) => {
    const { file } = await findScenarioFile(name);
    const input = ((await import(file)) as { default: unknown }).default;
    const result = checkScenario(input, { expectedName: name });
    expect(result.ok ? [] : result.problems.map(formatProblem)).toEqual([]);
    expect(result.warnings.map(formatProblem)).toEqual([]);
  });

  it('smoke fits in a minute including the drain', async () => {
    const { scenario } = await resolveScenario('smoke');
    expect(scheduleDurationMs(scenario.load) + scenario.run.drainTimeoutMs).toBeLessThanOrEqual(60_000);
    expect(scenario.workload.lateFraction).toBeGreaterThan(0);
    expect(scenario.workload.malformedFraction).toBeGreaterThan(0);
  });

  it('peak-load peaks at 10× its baseline and gates on loss, duplication and lag recovery', async () => {
    const { scenario } = await resolveScenario('peak-load');
    const phases = 'phases' in scenario.load ? scenario.load.phases : [];
    const first = phases[0]!;
    expect(first.kind === 'constant' && first.rateEventsPerS).toBe(2_000);
    expect(phases.some((p) => p.kind === 'constant' && p.rateEventsPerS === 20_000)).toBe(true);
    expect(scenario.thresholds).toEqual(expect.arrayContaining(['lost == 0', 'duplicated == 0', 'lagRecoveryS <= 60']));
  });

  it('lists every shipped scenario with its description', async () => {
    const listings = await listScenarios();
    expect(listings.map((l) => l.name)).toEqual(SHIPPED);
    expect(listings.every((l) => l.description.length > 20 && !l.description.startsWith('('))).toBe(true);
  });
});

describe('resolveScenario', () => {
  it('finds by name, applies overrides, validates and summarises', async () => {
    const resolved = await resolveScenario('alpha', parseScenarioArgs(['--rate', '20', '--brokers', '1']).overrides, dir);
    expect(resolved.file).toBe(join(dir, 'alpha.ts'));
    expect(resolved.summary).toBe(
      'alpha: 1 broker (native), 20 ev/s for 1m (1m, peak 20 ev/s); kafka ingest, 2 processors, 1m windows, delivery on, 0 gates, seed 1',
    );
    expect(resolved.notes).toEqual(['--rate 20: every rate ×2 (peak 10 → 20 events/s)', '--brokers 1']);
    expect(resolved.warnings.map(formatProblem)).toEqual([
      'processor.windowMs: no window can close while the 1m load runs (window 1m + out-of-orderness 5s); results depend on the drain',
    ]);
  });

  it('finds by path, without the file-name rule', async () => {
    const resolved = await resolveScenario(join(dir, 'beta.ts'));
    expect(resolved.scenario.name).toBe('not-beta');
  });

  it('holds a scenario found by name to its file name', async () => {
    await expect(resolveScenario('beta', [], dir)).rejects.toThrowError(/name: "not-beta" does not match its file name "beta"/);
  });

  it('names the overrides when they made the scenario invalid', async () => {
    await expect(resolveScenario('alpha', parseScenarioArgs(['--processors', '0']).overrides, dir)).rejects.toThrowError(
      /alpha\.ts \(with --processors 0\) is invalid \(1 problem\):\n {2}processor\.instances: must be ≥ 1, got 0/,
    );
  });

  it('explains an unknown name with the available ones', async () => {
    await expect(resolveScenario('delta', [], dir)).rejects.toThrowError(
      expect.objectContaining({ code: ERROR_CODES.INVALID_ARGUMENT, message: expect.stringMatching(/no scenario named "delta"/), hint: 'available: alpha, beta, gamma' }),
    );
  });

  it('explains a missing file and a missing default export', async () => {
    await expect(resolveScenario(join(dir, 'nope.ts'))).rejects.toThrowError(expect.objectContaining({ code: ERROR_CODES.INVALID_ARGUMENT }));
    await expect(resolveScenario('gamma', [], dir)).rejects.toThrowError(expect.objectContaining({ code: ERROR_CODES.INVALID_SCENARIO, message: expect.stringMatching(/has no default export/) }));
  });
});

describe('listScenarios', () => {
  it('lists names and descriptions, and says when a file cannot be used', async () => {
    const listings = await listScenarios(dir);
    expect(listings.map(({ name, description }) => ({ name, description }))).toEqual([
      { name: 'alpha', description: 'tiny alpha' },
      { name: 'beta', description: 'tiny not-beta' },
      { name: 'gamma', description: expect.stringMatching(/^\(cannot load: scenario file .* has no default export\)$/) },
    ]);
    expect(renderScenarioList(listings.slice(0, 2))).toBe('  alpha  tiny alpha\n  beta   tiny not-beta');
  });

  it('defaults to the repository’s scenarios folder', () => {
    expect(SCENARIOS_DIR.endsWith('/scenarios/')).toBe(true);
  });
});
