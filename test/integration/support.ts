import { randomBytes } from 'node:crypto';
import { withKafkaAdmin } from '../../src/kafka/admin.js';
import type { StackEndpoints } from '../../src/base/endpoints.js';
import { loadStackEndpoints } from '../../src/stack/state.js';
import { buildTopology, type Topology } from '../../src/contract/topology.js';

/**
 * Shared by integration tests: they run against the real stack started by `.ci/run` (or by
 * `npm run stack -- up`), each on a fresh topology (a unique topic-name prefix) that it deletes
 * when done.
 */
export async function endpoints(): Promise<StackEndpoints> {
  return loadStackEndpoints();
}

export function freshPrefix(name: string): string {
  return `it-${name}-${randomBytes(3).toString('hex')}-`;
}

export function freshTopology(name: string, brokers: number, partitions = 12): Topology {
  return buildTopology({ brokers, partitions, prefix: freshPrefix(name) });
}

export async function deleteTopics(stack: StackEndpoints, names: string[]): Promise<void> {
  await withKafkaAdmin(stack.kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics(names.filter((n) => existing.has(n)));
  });
}
