import { EXIT } from '../base/exit-codes.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { parseDurationText } from '../base/duration.js';
import { estimatedProbeMs, assertBudget, assertPrecision, assertProbeable, parseSlo } from '../capacity/plan.js';
import { measureNoise, MIN_PRECISION } from '../capacity/noise.js';
import { probeOverrides, scopeToHold } from '../capacity/probe.js';
import { DEFAULT_SETTLE_S } from '../capacity/decision.js';
import { makeCapacityDir, writeCapacityFiles } from '../capacity/report-write.js';
import { headline } from '../capacity/report-markdown.js';
import { runCapacity, type CapacitySettings } from '../capacity/run-capacity.js';
import { validateSettings } from '../capacity/search.js';
import { judgeReplay, replayRates, replayRun, REPLAY_DURATION_MS, type ReplayRun } from '../capacity/replay.js';
import { formatDuration } from '../capacity/format.js';
import { DEFAULT_STACK_WARM_UP_MS, stackWarmUpShape } from '../capacity/stack-warm-up.js';
import { assertFaultsInjectable } from '../drivers/fault/index.js';
import { loadChartJsSource } from '../report/write.js';
import { runScenario } from '../runner/run-scenario.js';
import { stackDown } from '../stack/stack-control.js';
import { readStackState } from '../stack/state.js';
import { resolveScenario } from '../scenario/loader.js';
import { OVERRIDE_FLAGS, overrideFor, type Override } from '../scenario/overrides.js';
import { peakRateEventsPerS } from '../scenario/load-shape.js';
import { expectPositionals, numberFlag, runCommand, type CommandSpec, type ParsedArgv } from './args.js';
import { log } from './run-cli.js';

/** Scenario overrides that make sense for a probe; --rate, --duration and --processors are the search's own. */
const PASSED_OVERRIDES = OVERRIDE_FLAGS.filter((f) => !['rate', 'duration', 'processors'].includes(f.name));

const SPEC: CommandSpec = {
  invocation: 'npm run capacity --',
  usage: '<scenario> [options]',
  summary:
    'The highest sustainable rate of the pipeline on this machine, which stage gives out first, scaling across processor instances and a sizing projection (docs/capacity.md). Each probe is a short real run at a constant rate on one kept-up stack; results/capacity/<timestamp>/ gets capacity.json, capacity.md, capacity.html and every probe\'s run.',
  flags: [
    { name: 'slo', value: 'GATE', description: 'an SLO every probe must meet, a gate expression (repeatable): --slo "p99(l3) < 5s"' },
    { name: 'precision', value: 'P%', description: 'stop bisecting when (fail − pass) / pass ≤ P (default 5%); refused when finer than the measured noise' },
    { name: 'budget', value: 'D', description: 'wall-clock budget of the whole search, e.g. 10m (default 15m)' },
    { name: 'instances', value: 'N,N,...', description: 'processor-instance counts to search, e.g. 1,2,4 (default: the scenario\'s)' },
    { name: 'target-peak', value: 'N', description: 'events/s to size for: the sizing projection and the fewest instances that sustain it' },
    { name: 'headroom', value: 'P%', description: 'headroom over the target peak in the projection (default 30%)' },
    { name: 'require', value: 'N', description: 'exit 1 unless some count sustains N events/s' },
    { name: 'start', value: 'N', description: 'first probe rate, events/s (default: the scenario\'s peak rate)' },
    { name: 'max-rate', value: 'N', description: 'highest rate probed (default 200000)' },
    { name: 'hold', value: 'D', description: 'hold period of a probe at its constant rate (default 30s)' },
    { name: 'warm-up', value: 'D', description: 'warm-up of a probe before the hold (default: the scenario\'s, at most 10s)' },
    { name: 'stack-warm-up', value: 'D', description: 'an unjudged run at the start rate before the first probe, inside the budget: a just-started broker is slow under its first minutes of load (default 1m; 0s skips it)' },
    { name: 'lag-slope', value: 'N', description: 'consumer-lag growth allowed, events/s per second (default max(50, 1% of the rate))' },
    { name: 'noise-floor', value: 'P%', description: 'skip the noise measurement and take P as the machine\'s noise (stated in the report); for machines whose noise is known' },
    { name: 'results-dir', value: 'DIR', description: 'where capacity/<timestamp>/ goes (default ./results)' },
    { name: 'replay', value: undefined, description: 'after the search, run the found rate and 1.3x it as plain 60 s runs of the scenario with its own gates: confirmed when the first passes and the second fails' },
    { name: 'keep-stack', value: undefined, description: 'leave a stack this search started running afterwards' },
    ...PASSED_OVERRIDES,
  ],
  footer: 'exit codes: 0 the search ran (found rate in the report), 1 --require not met, 2 bad input or a harness/stack error, 130 interrupted (partial report written).',
};

function percentFlag(values: ParsedArgv['values'], name: string, fallback: number, min: number, max: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const text = raw === true ? '' : raw.trim();
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text);
  const value = m ? Number(m[1]) / 100 : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--${name} ${text} is not a percentage from ${min * 100}% to ${max * 100}%`, { hint: `e.g. --${name} ${fallback * 100}%` });
  }
  return value;
}

function durationFlag(values: ParsedArgv['values'], name: string, fallback: number, minMs: number): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const ms = raw === true ? undefined : parseDurationText(raw.trim());
  if (ms === undefined || ms < minMs) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--${name} ${raw === true ? '' : raw} is not a duration of at least ${minMs / 1000}s`, { hint: `a duration with a unit, e.g. --${name} 30s or 10m` });
  }
  return ms;
}

function instancesFlag(values: ParsedArgv['values'], fallback: number): number[] {
  const raw = values.instances;
  if (raw === undefined) return [fallback];
  const parts = raw === true ? [] : raw.split(',').map((p) => p.trim());
  const counts = parts.map(Number);
  if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 1 || n > 64) || new Set(counts).size !== counts.length) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `--instances ${raw === true ? '' : raw} is not a list of distinct whole numbers 1..64`, { hint: 'e.g. --instances 1,2,4' });
  }
  return counts.sort((a, b) => a - b);
}

runCommand(SPEC, async ({ positionals, values, occurrences }) => {
  expectPositionals(SPEC, positionals, 1, 1, 'one scenario (a name or a path)');
  const name = positionals[0]!;
  const overrides: Override[] = occurrences.filter((o) => PASSED_OVERRIDES.includes(o.flag)).map((o) => overrideFor(o.flag.name, o.value as string));
  // Everything is checked here, before the first probe.
  const { scenario: base } = await resolveScenario(name, overrides);
  const slos = occurrences.filter((o) => o.flag.name === 'slo').map((o) => parseSlo(o.value as string));
  assertProbeable(base, slos);
  assertFaultsInjectable(base.faults);
  const precision = percentFlag(values, 'precision', 0.05, 0.001, 0.5);
  const budgetMs = durationFlag(values, 'budget', 15 * 60_000, 1_000);
  const holdMs = durationFlag(values, 'hold', 30_000, 10_000);
  const warmUpMs = durationFlag(values, 'warm-up', Math.min(base.run.warmUpMs, 10_000), 0);
  const drainTimeoutMs = Math.min(base.run.drainTimeoutMs, 30_000);
  const instances = instancesFlag(values, base.processor.instances);
  const targetPeak = numberFlag(values, 'target-peak', { min: 1, example: '50000' }) ?? null;
  const requireRate = numberFlag(values, 'require', { min: 1, example: '5000' }) ?? null;
  const maxRate = numberFlag(values, 'max-rate', { min: 2, fallback: 200_000 })!;
  const startRate = numberFlag(values, 'start', { min: 1, example: '1000' }) ?? Math.max(1, Math.round(peakRateEventsPerS(base.load)));
  const lagSlope = numberFlag(values, 'lag-slope', { min: 0, example: '100' }) ?? null;
  const headroom = percentFlag(values, 'headroom', 0.3, 0, 10);
  const search = { startRate, growth: 2, precision, minRate: Math.max(1, Math.round(startRate / 64)), maxRate, maxProbesPerRate: 3 };
  const problems = validateSettings(search);
  if (problems.length > 0) throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `search settings: ${problems.join('; ')}`, { hint: 'adjust --start / --max-rate / --precision' });
  const stackWarmUpMs = durationFlag(values, 'stack-warm-up', DEFAULT_STACK_WARM_UP_MS, 0);
  const probeMs = estimatedProbeMs(base, holdMs, warmUpMs, drainTimeoutMs);
  assertBudget(budgetMs, probeMs, instances.length, stackWarmUpMs > 0 ? estimatedProbeMs(base, stackWarmUpMs, warmUpMs, drainTimeoutMs) : 0);
  // Every probe shape validates like a scenario (instances ≤ partitions, thresholds ...) now, not mid-search.
  const resolveProbe = async (shape: Parameters<typeof probeOverrides>[0]) => (await resolveScenario(name, [...overrides, ...probeOverrides(shape)])).scenario;
  for (const n of instances) await resolveProbe({ rate: startRate, holdMs, settleMs: DEFAULT_SETTLE_S * 1000, warmUpMs, drainTimeoutMs, instances: n, thresholds: [...base.thresholds, ...slos].map(scopeToHold) });
  if (stackWarmUpMs > 0) await resolveProbe(stackWarmUpShape(startRate, stackWarmUpMs, warmUpMs, drainTimeoutMs, instances[0]!));
  const chartJs = await loadChartJsSource();

  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = () => {
    interrupts += 1;
    if (interrupts === 1) {
      log('\ninterrupted: stopping the probe, writing the partial capacity report, stopping every process started (Ctrl-C again to force)');
      controller.abort(new StreamproofError(ERROR_CODES.INTERRUPTED, 'interrupted by the user'));
    } else {
      process.exit(EXIT.INTERRUPTED);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let noise;
  if (values['noise-floor'] !== undefined) {
    const given = percentFlag(values, 'noise-floor', MIN_PRECISION, 0, 1);
    noise = { workPerSlice: [], noise: given, floor: Math.max(MIN_PRECISION, given), method: `given with --noise-floor ${(given * 100).toFixed(1)}%, not measured; the finest precision allowed is max(${MIN_PRECISION * 100} %, it)` };
  } else {
    log(`capacity: measuring the machine's noise (5 s of CPU-bound slices, before the first probe)`);
    noise = await measureNoise(undefined, undefined, controller.signal);
    log(`capacity: noise ${(noise.noise * 100).toFixed(1)} % → precision floor ${(noise.floor * 100).toFixed(1)} %`);
  }
  if (controller.signal.aborted) return EXIT.INTERRUPTED;
  assertPrecision(precision, noise.floor, noise.method);
  const external = base.stack.provider === 'external';
  const stackWasUp = external || (await readStackState()) !== null;
  const resultsDir = typeof values['results-dir'] === 'string' ? values['results-dir'] : 'results';
  const files = await makeCapacityDir(resultsDir, new Date());
  log(`capacity: ${files.dir}`);
  const settings: CapacitySettings = { search, budgetMs, holdMs, warmUpMs, drainTimeoutMs, stackWarmUpMs, instances, slos, targetPeak, headroom, require: requireRate, maxLagSlope: lagSlope, probeEstimateMs: probeMs };
  let report;
  try {
    report = await runCapacity(
      { base, settings, noise, probesDir: files.probesDir, stackWarmUpDir: files.stackWarmUpDir, signal: controller.signal, log, onProgress: (r) => writeCapacityFiles(files, r, chartJs) },
      {
        resolveProbe,
        runProbe: async (scenario, dir) => runScenario({ scenario, keepStack: true, keepData: false, resultsDir: dir, signal: controller.signal, log }),
        nowMs: () => Date.now(),
      },
    );
    const best = report.searches.filter((x) => x.finding.foundRate !== null).sort((a, b) => b.finding.foundRate! - a.finding.foundRate!)[0];
    if (values.replay && report.state === 'completed' && best) {
      const runs: ReplayRun[] = [];
      for (const { label, rate } of replayRates(best.finding.foundRate!)) {
        if (controller.signal.aborted) break;
        log(`capacity: replay — ${label === 'found' ? 'the found rate' : '1.3 × the found rate'}, ${rate} events/s as a plain ${formatDuration(REPLAY_DURATION_MS)} run of ${base.name} (${best.instances} instance(s)), its own gates`);
        const replayOverrides = [...overrides, overrideFor('rate', String(rate)), overrideFor('duration', `${REPLAY_DURATION_MS / 1000}s`), overrideFor('processors', String(best.instances))];
        const { scenario } = await resolveScenario(name, replayOverrides);
        const outcome = await runScenario({ scenario, keepStack: true, keepData: false, resultsDir: files.replayDir, signal: controller.signal, log });
        const run = replayRun(label, rate, outcome.written.dir, outcome.result);
        runs.push(run);
        log(`capacity: replay at ${rate} events/s: ${run.pass ? 'PASS' : `FAIL (${run.failedGates.join('; ') || run.state})`}`);
      }
      report.replay = judgeReplay(best.instances, best.finding.foundRate!, runs);
      log(`capacity: replay ${report.replay.summary}`);
    }
  } finally {
    if (!stackWasUp && !values['keep-stack'] && (await readStackState()) !== null) {
      log('capacity: stopping the stack this search started');
      await stackDown(log);
    }
  }
  await writeCapacityFiles(files, report, chartJs);
  process.stdout.write(`\ncapacity: ${headline(report)}\n`);
  for (const s of report.searches) process.stdout.write(`  ${s.instances} instance(s): ${s.bottleneck.summary}\n`);
  process.stdout.write(`  ${files.json}\n  ${files.md}\n  ${files.html}\nexit ${report.exitCode}\n`);
  return report.exitCode;
});
