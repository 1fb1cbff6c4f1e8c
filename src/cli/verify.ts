import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { EXIT } from '../base/exit-codes.js';
import { loadStackEndpoints } from '../stack/state.js';
import { reverify, type DataOverrides } from '../verify/rerun.js';
import { describeVerdict } from '../verify/verdict.js';
import { log } from './run-cli.js';
import { expectPositionals, runCommand, type CommandSpec, type ParsedArgv } from './args.js';

const SPEC: CommandSpec = {
  invocation: 'npm run verify --',
  usage: '<run> [options]',
  summary: `Verifies a kept run again (run it with \`npm run scenario -- <name> --keep-data\`): <run> is a run
directory (results/<scenario>/<timestamp>/, or results/<scenario>/latest) or its result.json.
Reads the run's topics and bucket from its ledger.json (the ingest ledger the run wrote next to
result.json), proves I1, I2 and I3 (docs/verification.md) with the processor settings of the run's
scenario, and prints the verdict beside the one the run wrote. Without ledger.json it says which
checks it cannot make. Exit codes: 0 pass, 1 a violation, 2 bad input (no such run, another
result schema version, topics or bucket gone, topics that are not this pipeline's shape).`,
  flags: [
    { name: 'raw', value: 'TOPIC', description: "raw-events topic to read instead of the run's" },
    { name: 'processed', value: 'TOPIC', description: 'processed-events topic' },
    { name: 'late', value: 'TOPIC', description: 'late-events topic' },
    { name: 'dlq', value: 'TOPIC', description: 'DLQ topic' },
    { name: 'bucket', value: 'NAME', description: 'S3 bucket of the delivered results (checks I3 even if the run had no delivery)' },
    { name: 'prefix', value: 'PREFIX', description: "object prefix in the bucket (default: the run's, raw-data/)" },
    { name: 'values-only', description: 'the processor emits no fingerprints: decide I2 by recomputing the values' },
  ],
  footer: `examples:
  npm run verify -- results/smoke/latest
  npm run verify -- results/smoke/latest --processed my-flink-job.processed-events --values-only`,
};

interface VerifyArgs {
  run: string;
  overrides: DataOverrides;
  valuesOnly: boolean;
}

/** All of the command's argument handling: parsed argv → what to verify. */
function verifyArgs({ values, positionals }: ParsedArgv): VerifyArgs {
  expectPositionals(SPEC, positionals, 1, 1, 'one run (a run directory or its result.json)');
  const text = (name: string): string | undefined => {
    const value = values[name];
    return typeof value === 'string' ? value : undefined;
  };
  return {
    run: positionals[0] as string,
    overrides: { raw: text('raw'), processed: text('processed'), late: text('late'), dlq: text('dlq'), bucket: text('bucket'), prefix: text('prefix') },
    valuesOnly: values['values-only'] === true,
  };
}

async function verifyMain(parsed: ParsedArgv): Promise<number> {
  const args = verifyArgs(parsed);
  const endpoints = await loadStackEndpoints();
  const outcome = await reverify({ run: args.run, endpoints, overrides: args.overrides, valuesOnly: args.valuesOnly, log });
  for (const problem of outcome.shapeProblems) log(`error: ${problem}`);
  process.stdout.write(`${describeVerdict(outcome.report.verdict).join('\n')}\n`);
  for (const line of outcome.notChecked) process.stdout.write(`not checked: ${line}\n`);
  const own = outcome.runVerdict;
  const now = outcome.report.resultVerdict;
  const violations = (v: typeof now) => v.invariants.reduce((sum, inv) => sum + inv.violations, 0);
  process.stdout.write(
    own
      ? `the run's own verdict: ${own.pass ? 'PASS' : 'FAIL'} (${violations(own)} violations); now: ${now.pass ? 'PASS' : 'FAIL'} (${violations(now)})${own.pass === now.pass && violations(own) === violations(now) ? ' — the same' : ' — DIFFERENT'}\n`
      : `the run wrote no verdict (state ${outcome.result.state}); now: ${now.pass ? 'PASS' : 'FAIL'} (${violations(now)} violations)\n`,
  );
  if (outcome.shapeProblems.length > 0) {
    throw new StreamproofError(ERROR_CODES.TOPIC_MISMATCH, `${outcome.shapeProblems.length} topic(s) are not of this pipeline's shape`, { hint: 'check --raw/--processed/--late/--dlq: each must be the topic of that role (docs/contract.md, "Topics")' });
  }
  return now.pass ? EXIT.OK : EXIT.GATE_FAILED;
}

runCommand(SPEC, verifyMain);
