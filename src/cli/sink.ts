import { DELIVERY_GROUP_ID, startDeliverySink } from '../pipeline/delivery/run-sink.js';
import type { DeliveryStats } from '../pipeline/delivery/stats.js';
import { loadStackEndpoints } from '../stack/state.js';
import { buildTopology } from '../contract/topology.js';
import { EXIT } from '../base/exit-codes.js';
import { log } from './run-cli.js';
import { expectPositionals, numberFlag, runCommand, type CommandSpec } from './args.js';

const SPEC: CommandSpec = {
  invocation: 'npm run sink --',
  usage: '[options]',
  summary: `Runs the delivery sink on its own: reads processed-events (read_committed, its own consumer
group) and puts every result to the Firehose delivery stream, committing offsets only after
Firehose accepted the whole batch (at-least-once). Stops on Ctrl-C, or with --drain once
everything written so far is delivered.`,
  flags: [
    { name: 'group', value: 'ID', description: `consumer group (default ${DELIVERY_GROUP_ID})` },
    { name: 'prefix', value: 'P', description: 'topic/bucket name prefix of the topology (default none)' },
    { name: 'drain', description: 'deliver what is in processed-events now, then exit' },
    { name: 'drain-timeout-s', value: 'N', description: 'give up draining after N seconds (default 300)' },
    { name: 'every-s', value: 'N', description: 'print progress every N seconds (default 10)' },
  ],
};

function progressLine(stats: DeliveryStats): string {
  const meanPutMs = stats.calls > 0 ? (stats.totalPutLatencyMs / stats.calls).toFixed(1) : '-';
  return `delivered ${stats.recordsCommitted} (put ${stats.recordsPut}, failed ${stats.recordsFailed}, retried ${stats.recordsRetried}, dlq ${stats.recordsDeadLettered}, duplicate risk ${stats.duplicateRiskRecords}); ${stats.calls} calls, mean put ${meanPutMs} ms, stream recoveries ${stats.streamRecoveries}`;
}

runCommand(SPEC, async ({ values: raw, positionals }) => {
  expectPositionals(SPEC, positionals, 0, 0, 'no positional arguments');
  const values = raw as { group?: string; prefix?: string; drain?: true };
  const drainTimeoutMs = numberFlag(raw, 'drain-timeout-s', { min: 0.001, fallback: 300 })! * 1000;
  const everyMs = numberFlag(raw, 'every-s', { min: 0.001, fallback: 10 })! * 1000;
  const endpoints = await loadStackEndpoints();
  const topology = buildTopology({ brokers: endpoints.kafka.brokers, ...(values.prefix ? { prefix: values.prefix } : {}) });
  const controller = new AbortController();
  let interrupted = false;
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted: stopping (the batch in flight stays uncommitted and is read again next time)…');
    controller.abort();
  });

  const sink = await startDeliverySink({ endpoints, topology, groupId: values.group ?? DELIVERY_GROUP_ID, signal: controller.signal });
  log(`delivering ${topology.names.processed} → Firehose stream ${sink.target.streamName} → s3://${sink.target.bucket}/${topology.delivery.prefix} (group ${sink.groupId})`);
  const progress = setInterval(() => log(progressLine(sink.stats())), everyMs);
  try {
    // Runs until Ctrl-C, or until drained; a fatal delivery error ends it too (stop() rethrows it).
    if (values.drain) await sink.drain({ timeoutMs: drainTimeoutMs }).catch((error: unknown) => {
      if (!interrupted) throw error;
    });
    else await sink.ended;
  } finally {
    clearInterval(progress);
    const stats = await sink.stop();
    log(progressLine(stats));
  }
  return interrupted ? EXIT.INTERRUPTED : EXIT.OK;
});
