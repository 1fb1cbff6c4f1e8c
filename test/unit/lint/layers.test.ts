import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The layer rules of eslint.config.js, exercised on fixture files linted as if they stood in
 * src/: an upward import and a verifier import of the pipeline must fail, a downward one pass.
 */
const eslint = new ESLint({ cwd: process.cwd() });

async function lintAs(fixture: string, pretendPath: string): Promise<string[]> {
  const text = await readFile(join('test/fixtures/lint', fixture), 'utf8');
  const [result] = await eslint.lintText(text, { filePath: pretendPath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('layer rules', () => {
  it('refuse an import from an adapter up into the runner', async () => {
    const messages = await lintAs('upward-import.ts', 'src/kafka/upward-import.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('src/kafka/ is adapters, src/runner/ is harness, above it');
  });

  it('refuse the verifier importing the pipeline it checks', async () => {
    const messages = await lintAs('verifier-shares-processor.ts', 'src/verify/verifier-shares-processor.ts');
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('src/verify/ may not import src/pipeline/');
  });

  it('refuse the same import from the pipeline into the harness', async () => {
    const messages = await lintAs('upward-import.ts', 'src/pipeline/upward-import.ts');
    expect(messages[0]).toContain('src/pipeline/ is stages, src/runner/ is harness');
  });

  it('let the harness import adapters and the base', async () => {
    expect(await lintAs('downward-import.ts', 'src/runner/downward-import.ts')).toEqual([]);
  });

  it('place every folder of src/ in a layer below the CLI, and no file loose in src/', async () => {
    const entries = await readdir('src', { withFileTypes: true });
    expect(entries.filter((e) => e.isFile()).map((e) => e.name)).toEqual([]);
    const unlayered: string[] = [];
    for (const folder of entries.filter((e) => e.isDirectory() && e.name !== 'cli').map((e) => e.name)) {
      const [result] = await eslint.lintText("import { run } from '../cli/run-cli.js';\nexport const x = run;\n", { filePath: `src/${folder}/probe.ts` });
      if (!(result?.messages ?? []).some((m) => m.ruleId === 'no-restricted-imports')) unlayered.push(folder);
    }
    expect(unlayered).toEqual([]);
  });
});
