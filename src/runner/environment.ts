import { readFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import type { Environment } from '../report/result-schema.js';
import type { StackEndpoints } from '../base/endpoints.js';
import { runCommandSync } from '../process/run-sync.js';
import { KAFKA_VERSION, repoRoot } from '../stack/native/install.js';

/**
 * The environment fingerprint written into every result: what a reader needs to judge whether
 * two runs are comparable (versions, CPU, commit, seed, provider, Firehose behaviour).
 */
function git(args: string[]): string | null {
  const result = runCommandSync('git', args, { cwd: repoRoot, timeoutMs: 5_000 });
  return result.ok ? result.stdout.trim() : null;
}

export function environmentFingerprint(endpoints: StackEndpoints, seed: number | string): Environment {
  const pkg = JSON.parse(readFileSync(`${repoRoot}/package.json`, 'utf8')) as { version: string };
  const commit = git(['rev-parse', 'HEAD']);
  const status = commit ? git(['status', '--porcelain', '--untracked-files=no']) : null;
  return {
    node: process.version,
    os: `${type()} ${release()}`,
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cpus: Math.max(1, cpus().length),
    memoryBytes: totalmem(),
    gitCommit: commit,
    gitDirty: status === null ? null : status.length > 0,
    streamproofVersion: pkg.version,
    kafkaVersion: endpoints.provider === 'external' ? null : KAFKA_VERSION,
    provider: endpoints.provider,
    brokers: endpoints.kafka.brokers,
    seed,
    firehoseBehaviour: endpoints.aws.firehoseBehaviour,
  };
}
