import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteDelivery } from '../../src/aws/teardown.js';
import { LEDGER_FILE_NAME, decodeLedgerFile } from '../../src/base/ledger-file.js';
import { readResult } from '../../src/report/result-schema.js';
import { loadStackEndpoints } from '../../src/stack/state.js';
import { deleteTopics } from '../integration/support.js';
import { onlyResultDir, runScenarioCli } from './scenario-cli.js';

/**
 * `npm run verify` on a kept smoke run (`--keep-data`): the same verdict as the run's own; with
 * ledger.json removed it names the checks it can no longer make; pointed at a topic of the wrong
 * shape, or at one that is gone, it exits 2 with an error saying so.
 */

function runVerifyCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/verify.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const CORRECTNESS_GATES = ['lost == 0', 'duplicated == 0', 'violations == 0', 's3Missing == 0', 'late > 0', 'dlq > 0'];
const resultsDir = await mkdtemp(join(tmpdir(), 'streamproof-reverify-'));
let runDir = '';
let data: ReturnType<typeof decodeLedgerFile>['data'] | null = null;

beforeAll(async () => {
  const stack = await loadStackEndpoints();
  const smoke = await runScenarioCli(['smoke', '--keep-data', '--brokers', String(stack.kafka.brokers), '--set', `thresholds=${JSON.stringify(CORRECTNESS_GATES)}`, '--results-dir', resultsDir], { timeoutMs: 240_000 });
  if (smoke.code !== 0) throw new Error(`smoke --keep-data failed (${smoke.code}):\n${smoke.stderr.slice(-2000)}`);
  runDir = await onlyResultDir(resultsDir, 'smoke');
  data = decodeLedgerFile(await readFile(join(runDir, LEDGER_FILE_NAME), 'utf8'), 'ledger.json').data;
}, 260_000);

afterAll(async () => {
  if (!data) return;
  const stack = await loadStackEndpoints();
  await deleteTopics(stack, [data.raw, data.processed, data.late, data.dlq]).catch(() => undefined);
  await deleteDelivery(stack.aws, { bucket: data.bucket, streamName: data.bucket.replace('streamproof-analytics-', 'streamproof-delivery-') }).catch(() => undefined);
});

describe('npm run verify -- <kept run>', () => {
  it('gives the same verdict as the run itself, every check made', async () => {
    const own = (await readResult(join(runDir, 'result.json'))).verdict;
    expect(own?.pass).toBe(true);
    const verified = await runVerifyCli([runDir]);
    expect(verified.stdout).toContain('verdict: PASS');
    expect(verified.stdout).toContain("the run's own verdict: PASS (0 violations); now: PASS (0) — the same");
    expect(verified.stdout).not.toContain('not checked');
    expect(verified.code).toBe(0);
  }, 120_000);

  it('without ledger.json says exactly which checks it can no longer make', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'streamproof-noledger-'));
    await copyFile(join(runDir, 'result.json'), join(copy, 'result.json'));
    const verified = await runVerifyCli([copy]);
    expect(verified.stdout).toContain('not checked: I1 lost, neverSent, refusedPresent, unackedPresent: no ledger.json');
    expect(verified.stdout).toContain('verdict: PASS');
    expect(verified.code).toBe(0);
    await rm(copy, { recursive: true, force: true });
  }, 120_000);

  it('a topic of another shape (raw-events given as processed-events) → exit 2, naming it', async () => {
    const verified = await runVerifyCli([runDir, '--processed', data!.raw]);
    expect(verified.stderr).toContain(`error: ${data!.raw}: none of its`);
    expect(verified.stderr).toContain('SP_TOPIC_MISMATCH');
    expect(verified.code).toBe(2);
  }, 120_000);

  it('a topic that is gone → exit 2 with how to keep it', async () => {
    const verified = await runVerifyCli([runDir, '--dlq', `${data!.dlq}-gone`]);
    expect(verified.stderr).toContain('SP_RUN_DATA_GONE');
    expect(verified.stderr).toContain('--keep-data');
    expect(verified.code).toBe(2);
  }, 60_000);

  it('a result of another schema version → exit 2 naming the version it needs', async () => {
    const copy = await mkdtemp(join(tmpdir(), 'streamproof-version-'));
    const result = JSON.parse(await readFile(join(runDir, 'result.json'), 'utf8')) as Record<string, unknown>;
    await import('node:fs/promises').then((fs) => fs.writeFile(join(copy, 'result.json'), JSON.stringify({ ...result, schemaVersion: 99 })));
    const verified = await runVerifyCli([copy]);
    expect(verified.stderr).toMatch(/schemaVersion is 99, this streamproof reads version 1/);
    expect(verified.code).toBe(2);
    await rm(copy, { recursive: true, force: true });
  }, 60_000);
});
