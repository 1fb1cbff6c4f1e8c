import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generatedSectionNames, renderDocSections, SCENARIOS_DOC, syncGeneratedSections } from '../../../src/scenario/docs.js';

describe('docs/scenarios.md', () => {
  it('has every generated section, in sync with the schema and the shipped scenarios', async () => {
    const committed = readFileSync(SCENARIOS_DOC, 'utf8');
    const sections = await renderDocSections();
    expect(generatedSectionNames(committed).sort()).toEqual(Object.keys(sections).sort());
    // On failure: run `npm run docs:scenarios` and commit the result.
    expect(syncGeneratedSections(committed, sections)).toBe(committed);
  });
});

describe('syncGeneratedSections', () => {
  it('replaces only the marked sections it knows', () => {
    const markdown = 'intro\n<!-- generated:a -->\nold\n<!-- /generated:a -->\nmiddle\n<!-- generated:b -->\nkeep\n<!-- /generated:b -->\n';
    expect(syncGeneratedSections(markdown, { a: 'new\nlines' })).toBe(
      'intro\n<!-- generated:a -->\nnew\nlines\n<!-- /generated:a -->\nmiddle\n<!-- generated:b -->\nkeep\n<!-- /generated:b -->\n',
    );
    expect(generatedSectionNames(markdown)).toEqual(['a', 'b']);
  });
});
