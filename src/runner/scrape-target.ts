import { writeScrapeTarget } from '../metrics/scrape-target.js';
import type { StackEndpoints } from '../base/endpoints.js';

/** Registers the runner's /metrics with the stack's Prometheus; a stack without one makes this a no-op. */
export async function registerScrapeTarget(endpoints: StackEndpoints, name: string, port: number): Promise<() => Promise<void>> {
  const dir = endpoints.prometheus?.targetsDir;
  if (!dir) return async () => undefined;
  return writeScrapeTarget(dir, endpoints.prometheus?.targetHost ?? '127.0.0.1', name, port);
}
