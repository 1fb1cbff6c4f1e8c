import { readFile, writeFile } from 'node:fs/promises';
import { EXIT } from '../base/exit-codes.js';
import { formatError } from '../base/errors.js';
import { renderDocSections, SCENARIO_JSON_SCHEMA, SCENARIOS_DOC, syncGeneratedSections } from './docs.js';
import { renderScenarioJsonSchema } from './json-schema.js';

/** `npm run docs:scenarios`: regenerates docs/scenario.schema.json and the generated sections of docs/scenarios.md in place. */

async function writeJsonSchema(): Promise<void> {
  const before = await readFile(SCENARIO_JSON_SCHEMA, 'utf8').catch(() => '');
  const after = renderScenarioJsonSchema();
  if (after === before) console.log(`${SCENARIO_JSON_SCHEMA} is up to date`);
  else {
    await writeFile(SCENARIO_JSON_SCHEMA, after);
    console.log(`updated ${SCENARIO_JSON_SCHEMA}`);
  }
}

async function main(): Promise<void> {
  await writeJsonSchema();
  const before = await readFile(SCENARIOS_DOC, 'utf8');
  const after = syncGeneratedSections(before, await renderDocSections());
  if (after === before) {
    console.log(`${SCENARIOS_DOC} is up to date`);
    return;
  }
  await writeFile(SCENARIOS_DOC, after);
  console.log(`updated ${SCENARIOS_DOC}`);
}

main().catch((error: unknown) => {
  console.error(formatError(error));
  process.exitCode = EXIT.HARNESS_ERROR;
});
