import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { EXIT } from '../base/exit-codes.js';
import { TOPICS } from '../contract/topology.js';
import { FLINK_MANIFEST_DEFAULTS, flinkDeployment } from '../drivers/processor/flink-manifest.js';
import { ensureJvmProcessors } from '../stack/native/jvm-processors.js';
import { loadStackEndpoints } from '../stack/state.js';

/**
 * `npm run processor -- manifest --kind flink [options]`: prints the seed's FlinkDeployment for
 * the built job jar (built first if needed) with a run's topics, for `processor.kind=external`:
 * deploy it with the prefix the run printed, and the harness verifies what the job writes.
 */
const HELP = `npm run processor -- manifest --kind flink [options]

Prints (JSON, for kubectl apply -f -) the FlinkDeployment of the seed's job for the built jar.

  --kind flink            the only kind with a cluster manifest
  --prefix P              the run's topic prefix (printed by a run with processor.kind=external); default none
  --bootstrap H:P,...     Kafka bootstrap servers as the cluster sees them; default: the running stack's
  --group G               consumer group / transactional id prefix; default <prefix>flink
  --parallelism N         default ${FLINK_MANIFEST_DEFAULTS.parallelism}
  --task-managers N       default ${FLINK_MANIFEST_DEFAULTS.taskManagers}
  --slots N               task slots per task manager; default ${FLINK_MANIFEST_DEFAULTS.slotsPerTaskManager}
  --memory M --cpu C      per pod; default ${FLINK_MANIFEST_DEFAULTS.memory} / ${FLINK_MANIFEST_DEFAULTS.cpu}
  --window-ms --out-of-orderness-ms --allowed-lateness-ms --idle-timeout-ms --checkpoint-interval-ms
                          the contract's windowing; defaults 60000 / 5000 / 0 / 10000 / 1000
  --image I               default ${FLINK_MANIFEST_DEFAULTS.image} (copy the jar to /opt/flink/usrlib/ in it)
  --name N                metadata.name; default streamproof-analytics
`;

function positiveInt(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--${flag} must be an integer ≥ ${min}, got "${value}"`, { hint: `e.g. --${flag} ${fallback}` });
  }
  return n;
}

export async function runProcessorManifest(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      kind: { type: 'string' },
      prefix: { type: 'string', default: '' },
      bootstrap: { type: 'string' },
      group: { type: 'string' },
      parallelism: { type: 'string' },
      'task-managers': { type: 'string' },
      slots: { type: 'string' },
      memory: { type: 'string', default: FLINK_MANIFEST_DEFAULTS.memory },
      cpu: { type: 'string' },
      'window-ms': { type: 'string' },
      'out-of-orderness-ms': { type: 'string' },
      'allowed-lateness-ms': { type: 'string' },
      'idle-timeout-ms': { type: 'string' },
      'checkpoint-interval-ms': { type: 'string' },
      image: { type: 'string', default: FLINK_MANIFEST_DEFAULTS.image },
      name: { type: 'string', default: 'streamproof-analytics' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.OK;
  }
  if (values.kind !== 'flink') {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `manifest --kind ${values.kind ?? '(missing)'}: only flink has a cluster manifest`, {
      hint: 'npm run processor -- manifest --kind flink (kafka-streams runs as plain JVMs: see docs/processors-jvm.md)',
    });
  }
  const parallelism = positiveInt('parallelism', values.parallelism, FLINK_MANIFEST_DEFAULTS.parallelism);
  const taskManagers = positiveInt('task-managers', values['task-managers'], FLINK_MANIFEST_DEFAULTS.taskManagers);
  const slots = positiveInt('slots', values.slots, FLINK_MANIFEST_DEFAULTS.slotsPerTaskManager);
  if (parallelism > taskManagers * slots) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--parallelism ${parallelism} exceeds the ${taskManagers * slots} task slots (--task-managers ${taskManagers} × --slots ${slots})`, {
      hint: 'raise --task-managers or --slots, or lower --parallelism',
    });
  }
  const bootstrap = values.bootstrap ?? (await loadStackEndpoints().catch(() => null))?.kafka.bootstrapServers.join(',');
  if (!bootstrap) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, 'no Kafka bootstrap servers: no stack is running and --bootstrap is not given', { hint: '--bootstrap broker-1:9092,broker-2:9092' });
  }
  const build = await ensureJvmProcessors((line) => process.stderr.write(`${line}\n`));
  const sha256 = createHash('sha256').update(await readFile(build.flinkJobJar)).digest('hex');
  const prefix = values.prefix ?? '';
  const manifest = flinkDeployment({
    name: values.name ?? 'streamproof-analytics',
    image: values.image ?? FLINK_MANIFEST_DEFAULTS.image,
    jarUri: FLINK_MANIFEST_DEFAULTS.jarUri,
    builtJar: { path: build.flinkJobJar, sha256 },
    job: {
      bootstrapServers: bootstrap,
      topics: { raw: `${prefix}${TOPICS.raw}`, processed: `${prefix}${TOPICS.processed}`, late: `${prefix}${TOPICS.late}`, dlq: `${prefix}${TOPICS.dlq}` },
      applicationId: values.group ?? `${prefix}flink`,
      windowing: {
        windowMs: positiveInt('window-ms', values['window-ms'], 60_000),
        outOfOrdernessMs: positiveInt('out-of-orderness-ms', values['out-of-orderness-ms'], 5_000, 0),
        allowedLatenessMs: positiveInt('allowed-lateness-ms', values['allowed-lateness-ms'], 0, 0),
        idleTimeoutMs: positiveInt('idle-timeout-ms', values['idle-timeout-ms'], 10_000),
      },
      parallelism,
      slots,
      taskManagers,
      checkpointIntervalMs: positiveInt('checkpoint-interval-ms', values['checkpoint-interval-ms'], 1_000),
    },
    taskManagers,
    slotsPerTaskManager: slots,
    memory: values.memory ?? FLINK_MANIFEST_DEFAULTS.memory,
    cpu: positiveInt('cpu', values.cpu, FLINK_MANIFEST_DEFAULTS.cpu),
    checkpointsDir: FLINK_MANIFEST_DEFAULTS.checkpointsDir,
  });
  process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
  process.stderr.write(`job jar: ${build.flinkJobJar} (sha256 ${sha256}); put it in the image at ${FLINK_MANIFEST_DEFAULTS.jarUri.replace('local://', '')}\n`);
  return EXIT.OK;
}
