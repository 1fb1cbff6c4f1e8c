import { readFile, writeFile } from 'node:fs/promises';
import { EXIT } from '../base/exit-codes.js';
import { formatError } from '../base/errors.js';
import { renderDocSections, SCENARIOS_DOC, syncGeneratedSections } from './docs.js';

/** `npm run docs:scenarios`: regenerates the generated sections of docs/scenarios.md in place. */

async function main(): Promise<void> {
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
