import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import { parseResult, readResult } from '../../../src/report/result-schema.js';
import { completedResultFixture, failedResultFixture, incompleteResultFixture } from '../../fixtures/report/result-fixture.js';

function message(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(StreamproofError);
    expect((error as StreamproofError).code).toBe(ERROR_CODES.INVALID_RESULT);
    return (error as StreamproofError).message;
  }
  throw new Error('did not throw');
}

describe('parseResult', () => {
  it('accepts each state of the union and round-trips through JSON', () => {
    for (const result of [completedResultFixture(), incompleteResultFixture(), failedResultFixture()]) {
      expect(parseResult(JSON.parse(JSON.stringify(result)))).toEqual(result);
    }
  });

  it('time-series rows may carry on-time and late sends per second, and files written before them stay valid', () => {
    const older = completedResultFixture();
    expect(older.timeSeries.length).toBeGreaterThan(0);
    for (const row of older.timeSeries) expect(row).not.toHaveProperty('onTimeEventsPerS');
    expect(parseResult(JSON.parse(JSON.stringify(older)))).toEqual(older);
    const newer = { ...older, timeSeries: older.timeSeries.map((row) => ({ ...row, onTimeEventsPerS: 95, lateEventsPerS: 5 })) };
    expect(parseResult(JSON.parse(JSON.stringify(newer)))).toEqual(newer);
    const bad = { ...older, timeSeries: older.timeSeries.map((row) => ({ ...row, lateEventsPerS: -1 })) };
    expect(message(() => parseResult(bad))).toContain('timeSeries.0.lateEventsPerS');
  });

  it('names the offending field', () => {
    const bad = JSON.parse(JSON.stringify(completedResultFixture()));
    bad.stages.l1_produce.p99Ms = '12';
    expect(message(() => parseResult(bad, 'x.json'))).toBe('x.json is not a valid result: stages.l1_produce.p99Ms: Invalid input: expected number, received string');
  });

  it('a completed result must carry a verdict; a failed one must not', () => {
    const { verdict: _v, ...noVerdict } = completedResultFixture();
    expect(message(() => parseResult(noVerdict))).toContain('verdict: Invalid input: expected object, received undefined');
    const failed = { ...failedResultFixture(), verdict: completedResultFixture().verdict };
    expect(message(() => parseResult(failed))).toContain('verdict: Invalid input: expected null');
  });

  it('rejects an unknown state, unknown keys and unsafe scenario names', () => {
    expect(message(() => parseResult({ ...completedResultFixture(), state: 'paused' }))).toBe("result is not a valid result: state: Invalid discriminator value. Expected 'completed' | 'incomplete' | 'failed' | 'aborted'");
    expect(message(() => parseResult({ ...completedResultFixture(), extra: 1 }))).toContain('Unrecognized key: "extra"');
    expect(message(() => parseResult({ ...completedResultFixture(), scenario: { name: '../etc', resolved: {} } }))).toContain('scenario.name:');
  });

  it('resources are optional (older files stay valid) and strict when present', () => {
    const { resources: _r, ...old } = completedResultFixture();
    expect(parseResult(JSON.parse(JSON.stringify(old))).resources).toBeUndefined();
    const bad = JSON.parse(JSON.stringify(completedResultFixture()));
    bad.resources.roles.brokers.cpuSeconds = -1;
    expect(message(() => parseResult(bad))).toContain('resources.roles.brokers.cpuSeconds:');
    const unknownRole = JSON.parse(JSON.stringify(completedResultFixture()));
    unknownRole.resources.roles.grafana = unknownRole.resources.roles.moto;
    expect(message(() => parseResult(unknownRole))).toContain('resources.roles');
  });

  it('says which schemaVersion it found', () => {
    expect(message(() => parseResult({ ...completedResultFixture(), schemaVersion: 2 }, 'r.json'))).toBe('r.json: schemaVersion is 2, this streamproof reads version 1');
    const { schemaVersion: _s, ...none } = completedResultFixture();
    expect(message(() => parseResult(none, 'r.json'))).toBe('r.json: schemaVersion is missing, this streamproof reads version 1');
  });
});

describe('readResult', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'streamproof-result-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads a valid file', async () => {
    const file = join(dir, 'ok.json');
    await writeFile(file, JSON.stringify(completedResultFixture()));
    expect((await readResult(file)).runId).toBe('fixture-run-0001');
  });

  it('names the file when it is missing or not JSON', async () => {
    const truncated = join(dir, 'truncated.json');
    await writeFile(truncated, '{"schemaVersion": 1, "state"');
    await expect(readResult(truncated)).rejects.toThrow(`${truncated} is not JSON:`);
    await expect(readResult(join(dir, 'nope.json'))).rejects.toThrow(`cannot read result file ${join(dir, 'nope.json')}: ENOENT`);
  });
});
