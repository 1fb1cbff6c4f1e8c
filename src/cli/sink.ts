import { parseArgs } from 'node:util';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { DELIVERY_GROUP_ID, startDeliverySink } from '../pipeline/delivery/run-sink.js';
import type { DeliveryStats } from '../pipeline/delivery/stats.js';
import { loadStackEndpoints } from '../stack/state.js';
import { buildTopology } from '../contract/topology.js';
import { EXIT } from '../base/exit-codes.js';
import { log, runCli } from './run-cli.js';

const HELP = `usage: npm run sink -- [options]

Runs the delivery sink on its own: reads processed-events (read_committed, its own consumer
group) and puts every result to the Firehose delivery stream, committing offsets only after
Firehose accepted the whole batch (at-least-once). Stops on Ctrl-C, or with --drain once
everything written so far is delivered.

options:
  --group ID          consumer group (default ${DELIVERY_GROUP_ID})
  --prefix P          topic/bucket name prefix of the topology (default none)
  --drain             deliver what is in processed-events now, then exit
  --drain-timeout-s N give up draining after N seconds (default 300)
  --every-s N         print progress every N seconds (default 10)
`;

function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--${name} ${raw} is not a positive number`, { hint: `e.g. --${name} ${fallback}` });
  }
  return n;
}

function progressLine(stats: DeliveryStats): string {
  const meanPutMs = stats.calls > 0 ? (stats.totalPutLatencyMs / stats.calls).toFixed(1) : '-';
  return `delivered ${stats.recordsCommitted} (put ${stats.recordsPut}, failed ${stats.recordsFailed}, retried ${stats.recordsRetried}, dlq ${stats.recordsDeadLettered}, duplicate risk ${stats.duplicateRiskRecords}); ${stats.calls} calls, mean put ${meanPutMs} ms, stream recoveries ${stats.streamRecoveries}`;
}

runCli(async () => {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      group: { type: 'string' },
      prefix: { type: 'string' },
      drain: { type: 'boolean' },
      'drain-timeout-s': { type: 'string' },
      'every-s': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.OK;
  }
  const drainTimeoutMs = positiveNumber('drain-timeout-s', values['drain-timeout-s'], 300) * 1000;
  const everyMs = positiveNumber('every-s', values['every-s'], 10) * 1000;
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
