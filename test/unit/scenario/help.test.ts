import { describe, expect, it } from 'vitest';
import { scenarioFields } from '../../../src/scenario/fields.js';
import { renderFieldReference, renderHelp } from '../../../src/scenario/help.js';
import { OVERRIDE_FLAGS } from '../../../src/scenario/overrides.js';
import { SCENARIO_SECTIONS } from '../../../src/scenario/schema.js';

describe('scenarioFields', () => {
  const fields = scenarioFields();
  const byPath = new Map(fields.map((f) => [f.path, f]));

  it('gives every field a description', () => {
    expect(fields.filter((f) => f.description === '').map((f) => f.path)).toEqual([]);
  });

  it('reads types, defaults and requiredness from the schema', () => {
    expect(byPath.get('processor.windowMs')).toEqual({
      path: 'processor.windowMs',
      type: 'duration ≥ 1s',
      defaultText: '60s',
      required: false,
      description: 'tumbling event-time window length',
      kinds: undefined,
    });
    expect(byPath.get('processor.instances')).toMatchObject({ type: 'integer 1..8', defaultText: '2' });
    expect(byPath.get('stack.provider')).toMatchObject({ type: 'native | compose | external', defaultText: 'native' });
    expect(byPath.get('producer.lingerMs')).toMatchObject({ type: 'duration ≤ 10s', defaultText: '5ms' });
    expect(byPath.get('name')).toMatchObject({ required: true, defaultText: undefined });
    expect(byPath.get('thresholds')).toMatchObject({ type: 'gate[]', defaultText: '[]' });
  });

  it('merges union members: one row per field, naming the kinds that have it', () => {
    expect(byPath.get('load.phases[].kind')?.type).toBe('constant | ramp | step | spike');
    expect(byPath.get('load.phases[].durationMs')).toMatchObject({ kinds: undefined, required: true });
    expect(byPath.get('load.phases[].fromRateEventsPerS')?.kinds).toEqual(['ramp', 'step']);
    expect(byPath.get('faults[].broker')?.kinds).toEqual(['broker-kill', 'broker-pause', 'network']);
    expect(byPath.get('faults[].whileTransactionOpen')?.kinds).toEqual(['processor-kill']);
    expect(byPath.get('load.overlay[].phases')?.type).toBe('list (fields as load.phases[])');
    expect(fields.filter((f) => f.path.startsWith('load.overlay[].phases[]'))).toEqual([]);
  });
});

describe('renderHelp', () => {
  const help = renderHelp({ commandFlags: [{ name: 'list', value: undefined, description: 'list the scenarios' }] });

  it('lists every top-level field and every override flag', () => {
    for (const section of SCENARIO_SECTIONS) expect(help).toMatch(new RegExp(`^  ${section}  \\(`, 'm'));
    for (const flag of OVERRIDE_FLAGS) expect(help).toContain(`--${flag.name}`);
    expect(help).toContain('  --list            list the scenarios\n');
  });

  it('shows each field with its type, default and description', () => {
    expect(help).toContain('  processor.windowMs  (duration ≥ 1s; default 60s)\n      tumbling event-time window length');
    expect(help).toContain('  load.phases[].steps  (integer 2..10000; required; only for step)');
  });
});

describe('renderFieldReference', () => {
  it('is a markdown table with one row per field, pipes escaped', () => {
    const table = renderFieldReference().split('\n');
    expect(table[0]).toBe('| Field | Type | Default | Description |');
    expect(table).toHaveLength(scenarioFields().length + 2);
    expect(table).toContain(
      '| `stack.provider` | native \\| compose \\| external | `native` | where the services run: native processes on 127.0.0.1, docker compose, or an external cluster from the environment |',
    );
  });
});
