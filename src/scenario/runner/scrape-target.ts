import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackEndpoints } from '../../stack/endpoints.js';

/**
 * Registers a /metrics endpoint with the stack's Prometheus through its file_sd directory;
 * returns the function that removes it. A stack without Prometheus makes this a no-op.
 */
export async function registerScrapeTarget(endpoints: StackEndpoints, name: string, port: number): Promise<() => Promise<void>> {
  const dir = endpoints.prometheus?.targetsDir;
  if (!dir) return async () => undefined;
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const host = endpoints.prometheus?.targetHost ?? '127.0.0.1';
  await writeFile(`${file}.tmp`, JSON.stringify([{ targets: [`${host}:${port}`], labels: { target: name } }]));
  const { rename } = await import('node:fs/promises');
  await rename(`${file}.tmp`, file); // Prometheus watches the directory: never show it half a file
  return async () => {
    await rm(file, { force: true });
  };
}
