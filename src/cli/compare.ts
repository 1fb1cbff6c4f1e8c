import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { renderCompareMarkdown } from '../report/compare-markdown.js';
import { compareSets, parseTolerances, type TolerancesInput } from '../report/compare.js';
import { readRunSide } from '../report/run-set.js';
import { writeFileAtomic } from '../report/write.js';
import { EXIT } from '../base/exit-codes.js';
import { log, runCli } from './run-cli.js';

const HELP = `usage: npm run compare -- <baseline> <current> [options]

Each side is a result.json, a run directory, or a set directory (results/<scenario>/<timestamp>-set/,
from \`npm run scenario -- <name> --repeat N\`); a single run is a set of 1. Per figure: the
medians of both sides, their change, a 95% bootstrap interval of the difference of medians, and
a verdict: regressed / improved only when the interval excludes 0 AND the change is beyond the
tolerance; with fewer than 3 runs on a side, the tolerance alone (labelled "tolerance only").
Prints a markdown table (for a PR comment). Exit codes: 0 no regression, 1 regression, 2 bad
input (missing or invalid file, different scenarios, a run that did not complete).

options:
  --tolerances FILE    JSON tolerances (keys and defaults: docs/gates.md, "Compare tolerances")
  --markdown FILE      also write the markdown to FILE
  --latency-pct N      latency regresses above +N% ...           (default 20)
  --noise-floor-ms N   ... and above +N ms absolute              (default 5)
  --rate-pct N         achieved rate regresses below -N%         (default 5)
  -h, --help           this text

examples:
  npm run compare -- results/baselines/smoke/ results/smoke/latest-set/ --markdown compare.md
  npm run compare -- results/baselines/smoke/runs/1/result.json results/smoke/latest/result.json
`;

function parseNumberFlag(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--${name} ${raw} is not a non-negative number`, { hint: 'npm run compare -- --help' });
  }
  return value;
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

const OPTIONS = {
  tolerances: { type: 'string' },
  markdown: { type: 'string' },
  'latency-pct': { type: 'string' },
  'noise-floor-ms': { type: 'string' },
  'rate-pct': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function parseCliArgs(argv: string[]) {
  try {
    return parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  } catch (error) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, (error as Error).message, { hint: 'npm run compare -- --help' });
  }
}

/** Returns the exit code; errors propagate to runCli (exit 2). */
async function compareMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseCliArgs(argv);
  if (values.help) {
    process.stdout.write(HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 2) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `expected 2 results or sets (baseline, current), got ${positionals.length}`, {
      hint: 'npm run compare -- <baseline> <current>: each a result.json, a run directory or a set directory (see --help)',
    });
  }
  const fromFile = values.tolerances === undefined ? {} : await readTolerancesFile(values.tolerances);
  const input: TolerancesInput = { ...fromFile };
  const latencyPct = parseNumberFlag('latency-pct', values['latency-pct']);
  const noiseFloorMs = parseNumberFlag('noise-floor-ms', values['noise-floor-ms']);
  const ratePct = parseNumberFlag('rate-pct', values['rate-pct']);
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

runCli(() => compareMain(process.argv.slice(2)));
