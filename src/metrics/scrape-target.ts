import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Registers a /metrics endpoint with Prometheus through a file_sd directory (the stack's
 * Prometheus watches it and scrapes every second); returns the function that removes it.
 */
export async function writeScrapeTarget(dir: string, host: string, name: string, port: number): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  await writeFile(`${file}.tmp`, JSON.stringify([{ targets: [`${host}:${port}`], labels: { target: name } }]));
  await rename(`${file}.tmp`, file); // Prometheus watches the directory: never show it half a file
  return async () => {
    await rm(file, { force: true });
  };
}
