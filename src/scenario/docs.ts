import { fileURLToPath } from 'node:url';
import { markdownTable } from '../report/format.js';
import { renderFieldReference, renderFlagReference } from './help.js';
import { listScenarios, resolveScenario, SCENARIOS_DIR } from './loader.js';

/**
 * docs/scenarios.md is prose written by hand plus generated sections between markers:
 *
 *   <!-- generated:NAME -->
 *   ...
 *   <!-- /generated:NAME -->
 *
 * `npm run docs:scenarios` rewrites the sections; a unit test regenerates them and fails when
 * the committed file differs, so the docs cannot drift from the schema.
 */

export const SCENARIOS_DOC = fileURLToPath(new URL('../../docs/scenarios.md', import.meta.url));
export const SCENARIO_JSON_SCHEMA = fileURLToPath(new URL('../../docs/scenario.schema.json', import.meta.url));

export type DocSections = Record<string, string>;

/** The shipped scenarios: name, description and the one-line summary of what it runs. */
export async function renderScenarioTable(dir = SCENARIOS_DIR): Promise<string> {
  const rows: string[][] = [];
  for (const listing of await listScenarios(dir)) {
    const { summary } = await resolveScenario(listing.name, [], dir);
    rows.push([`\`${listing.name}\``, listing.description, summary.slice(listing.name.length + 2)]);
  }
  return markdownTable(['Scenario', 'Purpose', 'What it runs'], rows);
}

export async function renderDocSections(dir = SCENARIOS_DIR): Promise<DocSections> {
  return {
    scenarios: await renderScenarioTable(dir),
    flags: renderFlagReference(),
    fields: renderFieldReference(),
  };
}

const SECTION = /<!-- generated:([a-z-]+) -->\n[\s\S]*?<!-- \/generated:\1 -->/g;

/** Replaces every generated section found in `markdown`; a section the file lacks is not added. */
export function syncGeneratedSections(markdown: string, sections: DocSections): string {
  return markdown.replace(SECTION, (whole, name: string) => {
    const body = sections[name];
    return body === undefined ? whole : `<!-- generated:${name} -->\n${body}\n<!-- /generated:${name} -->`;
  });
}

/** Names of the generated sections present in `markdown`. */
export function generatedSectionNames(markdown: string): string[] {
  return [...markdown.matchAll(SECTION)].map((m) => m[1]!);
}
