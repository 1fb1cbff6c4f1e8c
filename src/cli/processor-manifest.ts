import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { EXIT } from '../base/exit-codes.js';
import { TOPICS } from '../contract/topology.js';
import { FLINK_MANIFEST_DEFAULTS, flinkDeployment } from '../drivers/processor/flink-manifest.js';
import { ensureJvmProcessors } from '../stack/native/jvm-processors.js';
import { loadStackEndpoints } from '../stack/state.js';
import { expectPositionals, runCommand, type CommandSpec, type ParsedArgv } from './args.js';

/**
 * `npm run processor -- manifest --kind flink [options]`: prints the seed's FlinkDeployment for
 * the built job jar (built first if needed) with a run's topics, for `processor.kind=external`:
 * deploy it with the prefix the run printed, and the harness verifies what the job writes.
 */
const SPEC: CommandSpec = {
  invocation: 'npm run processor -- manifest',
  usage: '--kind flink [options]',
  summary: 'Prints (JSON, for kubectl apply -f -) the FlinkDeployment of the seed\'s job for the built jar.',
  flags: [
    { name: 'kind', value: 'KIND', description: 'flink: the only kind with a cluster manifest' },
    { name: 'prefix', value: 'P', description: "the run's topic prefix (printed by a run with processor.kind=external); default none" },
    { name: 'bootstrap', value: 'H:P,...', description: "Kafka bootstrap servers as the cluster sees them; default: the running stack's" },
    { name: 'group', value: 'G', description: 'consumer group / transactional id prefix; default <prefix>flink' },
    { name: 'parallelism', value: 'N', description: `default ${FLINK_MANIFEST_DEFAULTS.parallelism}` },
    { name: 'task-managers', value: 'N', description: `default ${FLINK_MANIFEST_DEFAULTS.taskManagers}` },
    { name: 'slots', value: 'N', description: `task slots per task manager; default ${FLINK_MANIFEST_DEFAULTS.slotsPerTaskManager}` },
    { name: 'memory', value: 'M', description: `per pod; default ${FLINK_MANIFEST_DEFAULTS.memory}` },
    { name: 'cpu', value: 'C', description: `per pod; default ${FLINK_MANIFEST_DEFAULTS.cpu}` },
    { name: 'window-ms', value: 'MS', description: "the contract's window; default 60000" },
    { name: 'out-of-orderness-ms', value: 'MS', description: 'default 5000' },
    { name: 'allowed-lateness-ms', value: 'MS', description: 'default 0' },
    { name: 'idle-timeout-ms', value: 'MS', description: 'default 10000' },
    { name: 'checkpoint-interval-ms', value: 'MS', description: 'default 1000' },
    { name: 'image', value: 'I', description: `default ${FLINK_MANIFEST_DEFAULTS.image} (copy the jar to /opt/flink/usrlib/ in it)` },
    { name: 'name', value: 'N', description: 'metadata.name; default streamproof-analytics' },
  ],
};

function positiveInt(flag: string, value: string | undefined, fallback: number, min = 1): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < min) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--${flag} must be an integer ≥ ${min}, got "${value}"`, { hint: `e.g. --${flag} ${fallback}` });
  }
  return n;
}

export function runProcessorManifest(argv: readonly string[]): void {
  runCommand(SPEC, (parsed) => printManifest(parsed), argv);
}

async function printManifest({ values: parsed, positionals }: ParsedArgv): Promise<number> {
  expectPositionals(SPEC, positionals, 0, 0, 'no positional arguments (every setting is a --flag)');
  // Every flag here takes a value, so each is a string when given.
  const values = parsed as Record<string, string | undefined>;
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
