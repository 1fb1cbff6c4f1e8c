import { parseGeneratorConfig, type GeneratorConfig, type GeneratorConfigInput } from './generator-config.js';
import { createGeneratorFromPools, type EventGenerator } from './generator-core.js';
import { buildPoolData } from './pool-data.js';

/**
 * The event generator (generator-core.ts has the whole of it): createGenerator draws the faker
 * pools for the config's seed itself. Load workers use createGeneratorFromPools with pool data
 * the sending thread built, so faker never loads on their thread.
 */
export * from './generator-core.js';

export function createGenerator(input: GeneratorConfigInput | GeneratorConfig): EventGenerator {
  const config = parseGeneratorConfig(input);
  return createGeneratorFromPools(config, buildPoolData(config.seed));
}
