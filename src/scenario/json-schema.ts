import { z } from 'zod';
import { scenarioSchema } from './schema.js';

/**
 * The scenario schema as JSON Schema (draft 2020-12), emitted by zod from the one schema, for
 * editor completion in YAML and JSON scenario files (docs/scenarios.md, "YAML and JSON files").
 * It describes the input side (durations as text or ms, defaults optional). Rules written as
 * code (cross-field checks, the threshold grammar) are not in it: the CLI still checks those.
 */
export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    title: 'streamproof scenario',
    // Files may name their schema; the loader ignores this one key.
    properties: { $schema: { type: 'string', description: 'path or URL of this JSON Schema, for editors' }, ...properties },
  };
}

/** The committed file's text: stable key order, trailing newline. */
export function renderScenarioJsonSchema(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
