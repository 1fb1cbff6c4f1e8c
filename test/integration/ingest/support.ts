import type { StackEndpoints } from '../../../src/base/endpoints.js';
import { provisionTopology } from '../../../src/stack/provision.js';
import type { Topology } from '../../../src/contract/topology.js';
import { freshTopology } from '../support.js';

/**
 * Ingest tests need only raw-events: provision just that topic of a fresh topology (RF 3,
 * min.insync.replicas 2 on the 3-broker stack), so the shared cluster is not loaded with the
 * other four topics' partitions.
 */
export async function freshRawTopic(stack: StackEndpoints, name: string): Promise<{ topology: Topology; topic: string }> {
  const full = freshTopology(name, stack.kafka.brokers);
  const topology: Topology = { ...full, topics: full.topics.filter((t) => t.name === full.names.raw) };
  await provisionTopology(stack, topology, { delivery: false });
  return { topology, topic: full.names.raw };
}

/** The value of one un-labelled-extra series in Prometheus text (default labels ignored). */
export function metricValue(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}
