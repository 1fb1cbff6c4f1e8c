import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { provisionDelivery, type ProvisionResult } from '../aws/provision.js';
import { withKafkaAdmin } from '../kafka/admin.js';
import type { StackEndpoints } from '../base/endpoints.js';
import { requireState } from './stack-control.js';
import { buildTopology, checkExistingTopic, type Topology } from '../contract/topology.js';

/**
 * Provisions a topology on a running stack. Idempotent: existing topics that match are left
 * alone; one that differs (e.g. partition count) is an error naming every difference, because
 * silently running against a different layout would make the numbers meaningless.
 */
export interface ProvisionReport {
  created: string[];
  existing: string[];
  warnings: string[];
  delivery: 'created' | 'existing' | 'skipped';
  /** As the delivery stream describes itself (buffering hints, compression). */
  deliveryDetails?: ProvisionResult;
}

export async function provisionTopology(
  endpoints: StackEndpoints,
  topology: Topology,
  options: { delivery?: boolean } = {},
): Promise<ProvisionReport> {
  const report: ProvisionReport = { created: [], existing: [], warnings: [...topology.warnings], delivery: 'skipped' };
  await withKafkaAdmin(endpoints.kafka, async (admin) => {
    const mismatches: string[] = [];
    for (const spec of topology.topics) {
      const existing = await admin.describeTopic(spec.name, Object.keys(spec.configs));
      const check = checkExistingTopic(spec, existing);
      if (check.kind === 'mismatch') mismatches.push(`${spec.name} ${check.problems.join(', ')}`);
      else if (check.kind === 'ok') report.existing.push(spec.name);
      else {
        const outcome = await admin.createTopic(spec);
        // Every later step (producers, the processor's group, the verifier) needs the topic in
        // every broker's metadata, not just the controller's.
        const described = await admin.waitForTopic(spec.name, Object.keys(spec.configs));
        if (outcome === 'created') report.created.push(spec.name);
        else {
          const recheck = checkExistingTopic(spec, described);
          if (recheck.kind === 'mismatch') mismatches.push(`${spec.name} ${recheck.problems.join(', ')}`);
          else report.existing.push(spec.name);
        }
      }
    }
    if (mismatches.length) {
      throw new StreamproofError(ERROR_CODES.TOPIC_MISMATCH, `existing topic${mismatches.length > 1 ? 's differ' : ' differs'} from the scenario: ${mismatches.join('; ')}`, {
        hint: 'delete the topic (or `npm run stack -- down` for a fresh stack), or change the scenario\'s topology to match',
      });
    }
  });
  if (options.delivery !== false) {
    const result = await provisionDelivery(endpoints.aws, { bucket: topology.delivery.bucket, streamName: topology.delivery.streamName });
    report.delivery = result.streamCreated || result.bucketCreated ? 'created' : 'existing';
    report.deliveryDetails = result;
  }
  return report;
}

export async function provisionForCli(log: (line: string) => void): Promise<void> {
  const state = await requireState();
  const topology = buildTopology({ brokers: state.endpoints.kafka.brokers });
  for (const warning of topology.warnings) log(`warning: ${warning}`);
  const report = await provisionTopology(state.endpoints, topology);
  log(`topics created: ${report.created.join(', ') || 'none'}; already present: ${report.existing.join(', ') || 'none'}; delivery stream: ${report.delivery}`);
}
