import { EXIT } from '../base/exit-codes.js';
import { overallOutcome } from '../report/outcome.js';
import { writeSetFiles, type SetMemberInput, type WrittenSet } from '../report/set-write.js';
import { stackDown } from '../stack/stack-control.js';
import { readStackState } from '../stack/state.js';
import { runScenario, type RunScenarioOptions, type RunScenarioOutcome } from './run-scenario.js';

/**
 * A set of runs: the scenario run `count` times one after another, each a normal run with its
 * own result directory, then stored as a set (src/report/set-write.ts). The stack is reused:
 * every member runs with keepStack, and a stack the set itself started is stopped once at the
 * end unless --keep-stack. Ctrl-C (the signal) stops the set; the interrupted run keeps its own
 * incomplete result but is left out of the set, and the runs that ended are still written as
 * one. A harness error (exit 2) also stops the set: the next run would likely meet the same.
 */
export interface RepeatOptions extends RunScenarioOptions {
  count: number;
}

export interface RepeatOutcome {
  members: RunScenarioOutcome[];
  written: WrittenSet;
  /** Worst member exit code; 130 when interrupted. */
  exitCode: number;
}

/** Seams for tests: run one member, and see or stop the stack. */
export interface RepeatDeps {
  runOne: (options: RunScenarioOptions) => Promise<RunScenarioOutcome>;
  stackIsUp: () => Promise<boolean>;
  stopStack: (log: (line: string) => void) => Promise<void>;
  now: () => Date;
}

const DEFAULT_DEPS: RepeatDeps = {
  runOne: runScenario,
  stackIsUp: async () => (await readStackState()) !== null,
  stopStack: (log) => stackDown(log),
  now: () => new Date(),
};

export async function runRepeated(options: RepeatOptions, deps: RepeatDeps = DEFAULT_DEPS): Promise<RepeatOutcome> {
  const { count, ...runOptions } = options;
  const createdAt = deps.now();
  const external = options.scenario.stack.provider === 'external';
  const stackWasUp = external || (await deps.stackIsUp());
  const members: SetMemberInput[] = [];
  const excluded: SetMemberInput[] = [];
  const outcomes: RunScenarioOutcome[] = [];
  let stoppedEarly: string | undefined;
  let exitCode: number = EXIT.OK;
  let thrown: unknown = null;
  let i = 0;
  try {
    for (i = 1; i <= count; i += 1) {
      if (options.signal.aborted) {
        stoppedEarly = `interrupted before run ${i} of ${count}`;
        exitCode = Math.max(exitCode, EXIT.INTERRUPTED);
        break;
      }
      options.log(`set: run ${i} of ${count}`);
      const outcome = await deps.runOne({ ...runOptions, keepStack: true });
      outcomes.push(outcome);
      const overall = overallOutcome(outcome.result);
      const memberExit = overall.exitCode;
      options.log(`set: run ${i} of ${count}: ${overall.headline}`);
      exitCode = Math.max(exitCode, memberExit);
      const member = { result: outcome.result, dir: outcome.written.dir, exitCode: memberExit };
      if (outcome.result.state === 'incomplete') {
        excluded.push(member);
        stoppedEarly = `run ${i} of ${count} was interrupted`;
        break;
      }
      members.push(member);
      if (memberExit === EXIT.HARNESS_ERROR && i < count) {
        stoppedEarly = `run ${i} of ${count} failed (harness or stack error)`;
        break;
      }
    }
  } catch (error) {
    // The runner writes its own result whatever happens, so this is rare (e.g. a full disk):
    // still write the set of what ended, then report the error (exit 2).
    thrown = error;
    stoppedEarly = `run ${i} of ${count} threw: ${(error as Error).message ?? String(error)}`;
    exitCode = Math.max(exitCode, EXIT.HARNESS_ERROR);
  } finally {
    if (!stackWasUp && !options.keepStack && (await deps.stackIsUp())) {
      options.log('set: stopping the stack this set started');
      await deps.stopStack(options.log);
    }
  }
  const written = await writeSetFiles(
    {
      scenario: options.scenario.name,
      createdAt,
      endedAt: deps.now(),
      requestedRuns: count,
      members,
      excluded,
      ...(stoppedEarly !== undefined ? { stoppedEarly } : {}),
      exitCode,
    },
    options.resultsDir ? { resultsDir: options.resultsDir } : {},
  );
  if (thrown !== null) {
    options.log(`set: ${members.length} run(s) written to ${written.dir} before the error`);
    throw thrown;
  }
  return { members: outcomes, written, exitCode };
}
