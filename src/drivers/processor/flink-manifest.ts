import type { WindowSettings } from '../registry.js';
import type { JvmJobConfig } from './jvm-config.js';

/**
 * The seed's FlinkDeployment (Flink Kubernetes Operator, flink.apache.org/v1beta1) for the built
 * job jar, with a run's topics: what `npm run processor -- manifest --kind flink` prints for the
 * `external` kind (the user deploys it; the harness verifies what it writes). Resources are the
 * production deployment's: 3 task managers × 2 slots, parallelism 2, 2048m / 1 CPU per pod.
 * Pure: the CLI supplies the jar, the topics and the cluster.
 */
export interface FlinkManifestInput {
  name: string;
  image: string;
  /** Where the job jar sits inside the image (the jarURI). */
  jarUri: string;
  /** The built jar on this machine and its sha256, recorded as annotations so the deployment names what was built. */
  builtJar: { path: string; sha256: string };
  job: Omit<JvmJobConfig, 'instance' | 'stateDir' | 'windowing'> & { windowing: WindowSettings };
  taskManagers: number;
  slotsPerTaskManager: number;
  memory: string;
  cpu: number;
  checkpointsDir: string;
}

export const FLINK_MANIFEST_DEFAULTS = {
  image: 'flink:2.2-java17',
  jarUri: 'local:///opt/flink/usrlib/flink-processor-job.jar',
  taskManagers: 3,
  slotsPerTaskManager: 2,
  parallelism: 2,
  memory: '2048m',
  cpu: 1,
  checkpointsDir: 'file:///flink-data/checkpoints',
} as const;

export function flinkDeployment(input: FlinkManifestInput): Record<string, unknown> {
  const jobArgument = JSON.stringify({ ...input.job, windowing: { ...input.job.windowing, maxEventTimeAheadMs: null }, instance: 0, stateDir: '/tmp' });
  return {
    apiVersion: 'flink.apache.org/v1beta1',
    kind: 'FlinkDeployment',
    metadata: {
      name: input.name,
      annotations: { 'streamproof.dev/job-jar': input.builtJar.path, 'streamproof.dev/job-jar-sha256': input.builtJar.sha256 },
    },
    spec: {
      image: input.image,
      flinkVersion: 'v2_2',
      serviceAccount: 'flink',
      flinkConfiguration: {
        'taskmanager.numberOfTaskSlots': String(input.slotsPerTaskManager),
        'execution.checkpointing.interval': `${input.job.checkpointIntervalMs} ms`,
        'execution.checkpointing.mode': 'EXACTLY_ONCE',
        'execution.checkpointing.dir': input.checkpointsDir,
        'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION',
      },
      jobManager: { replicas: 1, resource: { memory: input.memory, cpu: input.cpu } },
      taskManager: { replicas: input.taskManagers, resource: { memory: input.memory, cpu: input.cpu } },
      job: {
        jarURI: input.jarUri,
        entryClass: 'dev.streamproof.flink.ClusterMain',
        args: [jobArgument],
        parallelism: input.job.parallelism,
        upgradeMode: 'last-state',
        state: 'running',
      },
    },
  };
}
