import { mkdir } from 'node:fs/promises';
import { basename, join, relative } from 'node:path';
import { parseResult, type RunResult } from './result-schema.js';
import { parseSetFile, SET_FILE, SET_SCHEMA_VERSION, type RunSetFile } from './run-set.js';
import { renderSetSummaryMarkdown } from './set-summary.js';
import { makeRunDir, pointLatest, resultDirName, writeFileAtomic } from './write.js';

/**
 * Writes a set: results/<scenario>/<timestamp>-set/{set.json, summary.md, runs/<i>/result.json}
 * (copies of the members, so the directory is self-contained) and points
 * results/<scenario>/latest-set at it.
 */
export interface SetMemberInput {
  result: RunResult;
  /** The run's own directory (results/<scenario>/<timestamp>/). */
  dir: string;
  exitCode: number;
}

export interface WriteSetInput {
  scenario: string;
  createdAt: Date;
  endedAt: Date;
  requestedRuns: number;
  members: SetMemberInput[];
  /** Runs made but left out of the set: the one an interrupt cut short. */
  excluded: SetMemberInput[];
  /** Why the set stopped before requestedRuns; undefined when it ran them all. */
  stoppedEarly?: string;
  exitCode: number;
}

export interface WrittenSet {
  dir: string;
  setJson: string;
  summaryMd: string;
  latest: string | null;
  set: RunSetFile;
}

export async function writeSetFiles(input: WriteSetInput, options: { resultsDir?: string } = {}): Promise<WrittenSet> {
  const scenarioDir = join(options.resultsDir ?? 'results', input.scenario);
  const dir = await makeRunDir(scenarioDir, `${resultDirName(input.createdAt.toISOString())}-set`);
  const runs: RunSetFile['runs'] = [];
  for (const [i, member] of input.members.entries()) {
    const index = i + 1;
    const valid = parseResult(member.result, `result of run ${member.result.runId}`);
    const path = `runs/${index}/result.json`;
    await mkdir(join(dir, 'runs', String(index)), { recursive: true });
    await writeFileAtomic(join(dir, path), `${JSON.stringify(valid, null, 2)}\n`);
    runs.push({ index, path, runId: valid.runId, state: valid.state, startedAt: valid.startedAt, exitCode: member.exitCode, source: relative(dir, member.dir) });
  }
  const set = parseSetFile(
    {
      schemaVersion: SET_SCHEMA_VERSION,
      kind: 'streamproof-set',
      scenario: input.scenario,
      createdAt: input.createdAt.toISOString(),
      endedAt: input.endedAt.toISOString(),
      requestedRuns: input.requestedRuns,
      state: input.stoppedEarly === undefined ? 'completed' : 'incomplete',
      ...(input.stoppedEarly !== undefined ? { reason: input.stoppedEarly } : {}),
      exitCode: input.exitCode,
      runs,
      excluded: input.excluded.map((e) => ({ runId: e.result.runId, state: e.result.state, startedAt: e.result.startedAt, exitCode: e.exitCode, source: relative(dir, e.dir) })),
    },
    'the set being written',
  );
  const setJson = join(dir, SET_FILE);
  await writeFileAtomic(setJson, `${JSON.stringify(set, null, 2)}\n`);
  const summaryMd = join(dir, 'summary.md');
  await writeFileAtomic(summaryMd, renderSetSummaryMarkdown(set, input.members.map((m) => m.result)));
  const latest = await pointLatest(scenarioDir, basename(dir), 'latest-set');
  return { dir, setJson, summaryMd, latest, set };
}
