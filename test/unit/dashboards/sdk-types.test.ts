import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkAgainstSdkTypes } from '../../../src/dashboards/sdk-types.js';

const DASHBOARDS_DIR = fileURLToPath(new URL('../../../dashboards/', import.meta.url));
/** Just the parts of the dashboard JSON these tests mutate. */
interface LooseDashboard {
  graphTooltip?: unknown;
  schemaVersion?: unknown;
  panels: Array<{ type: string; options: Record<string, unknown>; targets: Array<Record<string, unknown>> }>;
}
const committed = (file: string) => JSON.parse(readFileSync(`${DASHBOARDS_DIR}${file}`, 'utf8')) as LooseDashboard;
const firstOfType = (d: LooseDashboard, type: string) => {
  const panel = d.panels.find((p) => p.type === type);
  if (!panel) throw new Error(`no ${type} panel`);
  return panel;
};

// Runs the TypeScript compiler over the JSON: a few seconds, hence one call per test.
describe('checkAgainstSdkTypes', () => {
  it('accepts the committed dashboards', async () => {
    expect(
      await checkAgainstSdkTypes([
        { name: 'overview.json', json: committed('overview.json') },
        { name: 'stage-drilldown.json', json: committed('stage-drilldown.json') },
      ]),
    ).toEqual([]);
  });

  it('rejects wrong enum values, unknown keys and missing required fields, naming file and line', async () => {
    const a = committed('overview.json');
    a.graphTooltip = 7; // enum 0 | 1 | 2
    firstOfType(a, 'stat').options.graphMode = 'sparkles'; // stat.Options enum
    const target = firstOfType(a, 'timeseries').targets[0] as Record<string, unknown>;
    target.exprr = target.expr; // unknown key in a Prometheus query
    // The compiler reports a missing property only when the rest of the object fits, so the
    // missing field gets a dashboard of its own.
    const b = committed('stage-drilldown.json');
    delete b.schemaVersion;
    const problems = await checkAgainstSdkTypes([
      { name: 'a.json', json: a },
      { name: 'b.json', json: b },
    ]);
    expect(problems).toHaveLength(4);
    expect(problems[0]).toBe("a.json:4: Type '7' is not assignable to type '0 | 1 | 2 | undefined'.");
    expect(problems[1]).toMatch(/^a\.json:\d+: Type '"sparkles"' is not assignable to type '"none" \| "line" \| "area"'\.$/);
    expect(problems[2]).toMatch(/^a\.json:\d+: Object literal may only specify known properties, and '"exprr"' does not exist/);
    expect(problems[3]).toMatch(/^b\.json:1: [^\n]+ is not assignable to type 'StrictDashboard'\.\n\s+Property 'schemaVersion' is missing/);
  });
});
