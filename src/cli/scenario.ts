import { EXIT } from '../base/exit-codes.js';
import { log, runCli } from './run-cli.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { overallOutcome } from '../report/outcome.js';
import { renderTerminalSummary } from '../report/terminal-summary.js';
import { formatProblem } from '../scenario/problems.js';
import { renderHelp } from '../scenario/help.js';
import { listScenarios, renderScenarioList, resolveScenario } from '../scenario/loader.js';
import { parseScenarioArgs, type FlagSpec } from '../scenario/overrides.js';
import { assertFaultsInjectable } from '../drivers/fault/index.js';
import { runRepeated } from '../runner/repeat.js';
import { runScenario } from '../runner/run-scenario.js';
import { faultPlanForRun } from '../runner/faults.js';
import { MAX_REPEAT } from '../report/run-set.js';

const COMMAND_FLAGS: FlagSpec[] = [
  { name: 'list', value: undefined, description: 'list the shipped scenarios with their descriptions' },
  { name: 'help', short: 'h', value: undefined, description: 'this help (also -h)' },
  { name: 'dry-run', value: undefined, description: 'validate and print the resolved scenario, start nothing' },
  { name: 'keep-stack', value: undefined, description: 'leave a stack this run started running afterwards' },
  { name: 'keep-data', value: undefined, description: "keep the run's topics, bucket and delivery stream" },
  { name: 'results-dir', value: 'DIR', description: 'where results/<scenario>/<timestamp>/ go (default ./results)' },
  {
    name: 'repeat',
    value: 'N',
    description: `run the scenario N times (1..${MAX_REPEAT}) one after another and store the set in results/<scenario>/<timestamp>-set/ (what compare and baselines use); exit code: the worst run's`,
  },
];

/** --repeat N: an integer 1..MAX_REPEAT, or undefined when not given. */
function parseRepeat(raw: string | true | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const text = raw === true ? '' : raw.trim();
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(value) || value < 1 || value > MAX_REPEAT) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--repeat ${raw === true ? '' : raw} is not a whole number of runs from 1 to ${MAX_REPEAT}`, {
      hint: 'e.g. `npm run scenario -- smoke --repeat 5` (a set of 5 runs; compare needs 3 or more a side for a confidence interval)',
    });
  }
  return value;
}

const USAGE = 'usage: npm run scenario -- <name | path/to/scenario.ts|.yaml|.json> [flags]';

runCli(async () => {
  const { positionals, overrides, flags } = parseScenarioArgs(process.argv.slice(2), COMMAND_FLAGS);
  if (flags.help) {
    process.stdout.write(renderHelp({ commandFlags: COMMAND_FLAGS, usage: USAGE }));
    return EXIT.OK;
  }
  if (flags.list) {
    process.stdout.write(renderScenarioList(await listScenarios()));
    return EXIT.OK;
  }
  const name = positionals[0];
  if (!name || positionals.length > 1) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, name ? `one scenario at a time, got ${positionals.join(', ')}` : 'which scenario?', {
      hint: 'e.g. `npm run scenario -- smoke`; `npm run scenario -- --list` lists them',
    });
  }
  // Everything is validated here, before anything starts.
  const repeat = parseRepeat(flags.repeat);
  const resolved = await resolveScenario(name, overrides);
  for (const warning of resolved.warnings) log(`warning: ${typeof warning === 'string' ? warning : formatProblem(warning)}`);
  for (const note of resolved.notes) log(note);
  log(resolved.summary);
  assertFaultsInjectable(resolved.scenario.faults);
  // The plan is printed before anything starts (and with --dry-run): a chaos seed shows what it draws.
  for (const fault of faultPlanForRun(resolved.scenario, resolved.scenario.stack.brokers)) log(`fault plan: ${fault.label}`);
  if (flags['dry-run']) {
    process.stdout.write(`${JSON.stringify(resolved.scenario, null, 2)}\n`);
    return EXIT.OK;
  }

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) {
      log('\ninterrupted: stopping the load, writing partial results, stopping every process started (Ctrl-C again to force)');
      controller.abort(new StreamproofError(ERROR_CODES.INTERRUPTED, 'interrupted by the user'));
    } else {
      process.exit(EXIT.INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const runOptions = {
    scenario: resolved.scenario,
    keepStack: Boolean(flags['keep-stack']),
    keepData: Boolean(flags['keep-data']),
    ...(typeof flags['results-dir'] === 'string' ? { resultsDir: flags['results-dir'] } : {}),
    signal: controller.signal,
    log,
  };
  if (repeat !== undefined) {
    const set = await runRepeated({ ...runOptions, count: repeat });
    process.stdout.write(`\nset of ${set.written.set.runs.length} of ${repeat} runs${set.written.set.state === 'incomplete' ? ` (stopped early: ${set.written.set.reason})` : ''}\n`);
    for (const member of set.members) {
      const outcome = overallOutcome(member.result);
      process.stdout.write(`  ${outcome.status.padEnd(10)} ${member.written.dir}\n`);
    }
    process.stdout.write(`set: ${set.written.dir}\n  ${set.written.setJson}\n  ${set.written.summaryMd}\nexit ${set.exitCode} (the worst run)\n`);
    return set.exitCode;
  }
  const { result, written } = await runScenario(runOptions);
  process.stdout.write(renderTerminalSummary(result, written));
  return overallOutcome(result).exitCode;
});
