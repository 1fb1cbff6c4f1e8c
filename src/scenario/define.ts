import type { ScenarioInput } from './schema.js';

/**
 * Typed helper for scenario files: `export default defineScenario({ ... })`. It returns its
 * argument unchanged; the loader validates it (with CLI overrides applied first), so a scenario
 * file never runs logic of its own and stays plain data.
 */
export function defineScenario(input: ScenarioInput): ScenarioInput {
  return input;
}
