import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsEndpoints } from '../../../src/base/endpoints.js';
import { loadStackEndpoints } from '../../../src/stack/state.js';
import { MotoProcess } from './moto-process.js';
import { checkCopies, runSinkThroughOutage } from './outage.js';
import { freshTarget, makeResults } from './support.js';

/**
 * Issue 5 fault test: the Firehose/S3 endpoint goes away while the sink runs, comes back, and
 * no record is lost; duplicates, if any, are all accounted for by the sink's ambiguous re-sends.
 * Runs against a private moto (its own port, its own PID) so the shared stack is untouched.
 */
describe('delivery sink through an endpoint outage (private moto)', () => {
  let moto: MotoProcess;
  let aws: AwsEndpoints;

  beforeAll(async () => {
    const stack = (await loadStackEndpoints()).aws;
    moto = await MotoProcess.launch();
    // Same region/behaviour as the stack, but pointed at the private server the test controls.
    aws = { ...stack, endpoint: moto.url, forcePathStyle: true, firehoseBehaviour: 'emulator-immediate' };
  });
  afterAll(async () => {
    await moto?.dispose();
  });

  it('moto stopped and restarted (state lost): the sink re-provisions, resumes, and loses nothing', async () => {
    const values = makeResults(900, 400);
    const result = await runSinkThroughOutage({
      aws,
      target: freshTarget('fault-restart'),
      control: moto.restartControl(),
      values,
      outageMs: 3_000,
      wipesState: true,
      requestTimeoutMs: 5_000,
    });
    const check = checkCopies(values, result);
    console.log(`restart: ${JSON.stringify({ ...check, failedCalls: result.failedCallsDuringOutage, recoveries: result.stats.streamRecoveries, duplicateRisk: result.stats.duplicateRiskRecords })}`);
    expect(check).toMatchObject({ missing: 0, unexpected: 0, unexplainedDuplicates: 0 });
    expect(check.duplicates).toBeLessThanOrEqual(result.stats.duplicateRiskRecords);
    expect(result.failedCallsDuringOutage).toBeGreaterThan(0);
    expect(result.stats.streamRecoveries).toBeGreaterThanOrEqual(1);
    expect(result.stats.recordsCommitted).toBe(values.length);
  });

  it('moto frozen mid-call (state kept): timeouts are re-sent, every duplicate is one the sink counted', async () => {
    const values = makeResults(900, 400);
    const result = await runSinkThroughOutage({
      aws,
      target: freshTarget('fault-freeze'),
      control: moto.freezeControl(),
      values,
      outageMs: 3_000,
      wipesState: false,
      requestTimeoutMs: 1_000,
    });
    const check = checkCopies(values, result);
    console.log(`freeze: ${JSON.stringify({ ...check, failedCalls: result.failedCallsDuringOutage, duplicateRisk: result.stats.duplicateRiskRecords })}`);
    expect(check).toMatchObject({ missing: 0, unexpected: 0, unexplainedDuplicates: 0 });
    expect(check.duplicates).toBeLessThanOrEqual(result.stats.duplicateRiskRecords);
    expect(result.failedCallsDuringOutage).toBeGreaterThan(0);
    expect(result.stats.recordsCommitted).toBe(values.length);
  });
});
