import { deleteDelivery } from '../aws/teardown.js';
import { withKafkaAdmin } from '../kafka/admin.js';
import type { StackEndpoints } from '../base/endpoints.js';
import type { Topology } from '../contract/topology.js';

/** Removes a run's topics, bucket and delivery stream (unless --keep-data). */
export async function cleanupRunData(endpoints: StackEndpoints, topology: Topology, delivery: boolean): Promise<void> {
  await withKafkaAdmin(endpoints.kafka, async (admin) => {
    const existing = new Set(await admin.listTopics());
    await admin.deleteTopics(topology.topics.map((t) => t.name).filter((n) => existing.has(n)));
  });
  if (delivery) await deleteDelivery(endpoints.aws, topology.delivery);
}
