import { readFile } from 'node:fs/promises';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { renderCompareMarkdown } from '../report/compare-markdown.js';
import { compareSets, parseTolerances, type TolerancesInput } from '../report/compare.js';
import { readRunSide } from '../report/run-set.js';
import { writeFileAtomic } from '../report/write.js';
import { EXIT } from '../base/exit-codes.js';
import { log } from './run-cli.js';
import { expectPositionals, numberFlag, runCommand, type CommandSpec, type ParsedArgv } from './args.js';

const SPEC: CommandSpec = {
  invocation: 'npm run compare --',
  usage: '<baseline> <current> [options]',
  summary: `Each side is a result.json, a run directory, or a set directory (results/<scenario>/<timestamp>-set/,
from \`npm run scenario -- <name> --repeat N\`); a single run is a set of 1. Per figure: the
medians of both sides, their change, a 95% bootstrap interval of the difference of medians, and
a verdict: regressed / improved only when the interval excludes 0 AND the change is beyond the
tolerance; with fewer than 3 runs on a side, the tolerance alone (labelled "tolerance only").
Prints a markdown table (for a PR comment). Exit codes: 0 no regression, 1 regression, 2 bad
input (missing or invalid file, different scenarios, a run that did not complete).`,
  flags: [
    { name: 'tolerances', value: 'FILE', description: 'JSON tolerances (keys and defaults: docs/gates.md, "Compare tolerances")' },
    { name: 'markdown', value: 'FILE', description: 'also write the markdown to FILE' },
    { name: 'latency-pct', value: 'N', description: 'latency regresses above +N% ...           (default 20)' },
    { name: 'noise-floor-ms', value: 'N', description: '... and above +N ms absolute              (default 5)' },
    { name: 'rate-pct', value: 'N', description: 'achieved rate regresses below -N%         (default 5)' },
  ],
  footer: `examples:
  npm run compare -- results/baselines/smoke/ results/smoke/latest-set/ --markdown compare.md
  npm run compare -- results/baselines/smoke/runs/1/result.json results/smoke/latest/result.json`,
};

function parseNumberFlag(values: ParsedArgv['values'], name: string): number | undefined {
  return numberFlag(values, name, { min: 0, example: '10' });
}

async function readTolerancesFile(path: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `cannot read tolerances ${path}: ${(error as Error).message}`, {
      hint: 'pass a JSON file, e.g. {"latency": {"maxIncreasePct": 30}}',
      cause: error,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `tolerances ${path} must hold a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Returns the exit code; errors propagate to runCli (exit 2). */
async function compareMain({ values: flags, positionals }: ParsedArgv): Promise<number> {
  const values = flags as Record<string, string | undefined>;
  expectPositionals(SPEC, positionals, 2, 2, '2 results or sets (baseline, current), each a result.json, a run directory or a set directory');
  const fromFile = values.tolerances === undefined ? {} : await readTolerancesFile(values.tolerances);
  const input: TolerancesInput = { ...fromFile };
  const latencyPct = parseNumberFlag(flags, 'latency-pct');
  const noiseFloorMs = parseNumberFlag(flags, 'noise-floor-ms');
  const ratePct = parseNumberFlag(flags, 'rate-pct');
  // Flags win over the file, key by key.
  if (latencyPct !== undefined || noiseFloorMs !== undefined) {
    input.latency = { ...(input.latency ?? {}), ...(latencyPct !== undefined && { maxIncreasePct: latencyPct }), ...(noiseFloorMs !== undefined && { noiseFloorMs }) };
  }
  if (ratePct !== undefined) input.achievedRate = { ...(input.achievedRate ?? {}), maxDecreasePct: ratePct };
  const tolerances = parseTolerances(input, values.tolerances ?? 'tolerances');

  const [baselinePath, currentPath] = positionals as [string, string];
  const [baseline, current] = await Promise.all([readRunSide(baselinePath), readRunSide(currentPath)]);
  for (const side of [baseline, current]) log(`${side === baseline ? 'baseline' : 'current'}: ${side.kind === 'set' ? `set of ${side.runs.length} run(s)` : 'single run'} from ${side.path}`);
  const comparison = compareSets(baseline.runs, current.runs, tolerances);
  for (const side of [baseline, current]) {
    if (side.set?.state === 'incomplete') {
      comparison.warnings.push(`the ${side === baseline ? 'baseline' : 'current'} set stopped early (${side.set.reason ?? 'no reason recorded'}): ${side.set.runs.length} of ${side.set.requestedRuns} runs`);
    }
  }
  const markdown = renderCompareMarkdown(comparison, tolerances);
  process.stdout.write(markdown);
  if (values.markdown !== undefined) {
    await writeFileAtomic(values.markdown, markdown);
    log(`markdown written to ${values.markdown}`);
  }
  if (comparison.regressed) {
    log(`regression against ${baselinePath}: exit ${EXIT.GATE_FAILED}`);
    return EXIT.GATE_FAILED;
  }
  return EXIT.OK;
}

runCommand(SPEC, compareMain);
