import { describe, expect, it } from 'vitest';
import { FLINK_MANIFEST_DEFAULTS, flinkDeployment } from '../../../src/drivers/processor/flink-manifest.js';

/**
 * The printed FlinkDeployment against the fields of the operator's CRD (flink.apache.org/v1beta1,
 * flinkdeployments.flink.apache.org) that the seed's deployment uses: every field it writes is
 * one the CRD declares, with the CRD's type or enum, and it names the built jar and the run's topics.
 */
const SPEC_FIELDS = ['image', 'flinkVersion', 'serviceAccount', 'flinkConfiguration', 'jobManager', 'taskManager', 'job'];
const JOB_FIELDS = ['jarURI', 'entryClass', 'args', 'parallelism', 'upgradeMode', 'state'];
const UPGRADE_MODES = ['last-state', 'savepoint', 'stateless'];
const JOB_STATES = ['running', 'suspended'];

function manifest() {
  return flinkDeployment({
    name: 'streamproof-analytics',
    image: FLINK_MANIFEST_DEFAULTS.image,
    jarUri: FLINK_MANIFEST_DEFAULTS.jarUri,
    builtJar: { path: '/cache/jvm-processors-abc/flink/flink-processor-job.jar', sha256: 'f'.repeat(64) },
    job: {
      bootstrapServers: 'kafka:9092',
      topics: { raw: 'p.raw-events', processed: 'p.processed-events', late: 'p.late-events', dlq: 'p.dlq-events' },
      applicationId: 'p.flink',
      windowing: { windowMs: 60_000, outOfOrdernessMs: 5_000, allowedLatenessMs: 0, idleTimeoutMs: 10_000 },
      parallelism: 2,
      slots: 2,
      taskManagers: 3,
      checkpointIntervalMs: 1_000,
    },
    taskManagers: 3,
    slotsPerTaskManager: 2,
    memory: '2048m',
    cpu: 1,
    checkpointsDir: FLINK_MANIFEST_DEFAULTS.checkpointsDir,
  }) as { apiVersion: string; kind: string; metadata: { name: string; annotations: Record<string, string> }; spec: Record<string, unknown> };
}

describe('flinkDeployment', () => {
  it("is a FlinkDeployment whose fields are the CRD's, with the seed's resources", () => {
    const m = manifest();
    expect(m.apiVersion).toBe('flink.apache.org/v1beta1');
    expect(m.kind).toBe('FlinkDeployment');
    expect(m.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/); // a DNS-1123 name
    for (const field of Object.keys(m.spec)) expect(SPEC_FIELDS).toContain(field);
    const spec = m.spec as {
      flinkConfiguration: Record<string, unknown>;
      jobManager: { replicas: number; resource: { memory: string; cpu: number } };
      taskManager: { replicas: number; resource: { memory: string; cpu: number } };
      job: Record<string, unknown>;
    };
    // flinkConfiguration: additionalProperties of type string.
    for (const value of Object.values(spec.flinkConfiguration)) expect(typeof value).toBe('string');
    expect(spec.flinkConfiguration['taskmanager.numberOfTaskSlots']).toBe('2');
    expect(spec.taskManager).toEqual({ replicas: 3, resource: { memory: '2048m', cpu: 1 } });
    expect(spec.jobManager.resource).toEqual({ memory: '2048m', cpu: 1 });
    for (const field of Object.keys(spec.job)) expect(JOB_FIELDS).toContain(field);
    expect(UPGRADE_MODES).toContain(spec.job.upgradeMode);
    expect(JOB_STATES).toContain(spec.job.state);
    expect(Number.isInteger(spec.job.parallelism)).toBe(true);
    expect(spec.job.parallelism).toBe(2);
  });

  it('names the built jar and hands the job its topics in its one argument', () => {
    const m = manifest();
    const job = m.spec.job as { jarURI: string; entryClass: string; args: string[] };
    expect(job.jarURI).toBe('local:///opt/flink/usrlib/flink-processor-job.jar');
    expect(job.entryClass).toBe('dev.streamproof.flink.ClusterMain');
    expect(m.metadata.annotations['streamproof.dev/job-jar']).toContain('flink-processor-job.jar');
    expect(job.args).toHaveLength(1);
    const config = JSON.parse(job.args[0]!) as { topics: Record<string, string>; applicationId: string };
    expect(config.topics).toEqual({ raw: 'p.raw-events', processed: 'p.processed-events', late: 'p.late-events', dlq: 'p.dlq-events' });
    expect(config.applicationId).toBe('p.flink');
  });
});
