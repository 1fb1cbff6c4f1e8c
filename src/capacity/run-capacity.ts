import { availableParallelism } from 'node:os';
import { EXIT } from '../base/exit-codes.js';
import { PRODUCTION_BUFFERING } from '../pipeline/delivery/buffering-model.js';
import type { RunResult } from '../report/result-schema.js';
import type { RunScenarioOutcome } from '../runner/run-scenario.js';
import type { Scenario } from '../scenario/schema.js';
import { decideProbe, defaultMaxLagSlope, DEFAULT_ON_TIME_SHARE, DEFAULT_SETTLE_S, type ProbeDecision } from './decision.js';
import { formatDuration, formatPct, formatRate } from './format.js';
import type { NoiseMeasurement } from './noise.js';
import type { ReplayCheck } from './replay.js';
import { HOLD_PHASE, SETTLE_FROM_FRACTION, earlyAbortGates, isOnTimeShareGate, onTimeShareGate, scopeToHold, type ProbeShape } from './probe.js';
import { findBottleneck, probeStages, type BottleneckFinding, type ProbeStages } from './stages.js';
import { fewestInstancesFor, scalingRows, type ScalingRow } from './scaling.js';
import { findingSoFar, nextStep, type ProbeRecord, type SearchFinding, type SearchSettings } from './search.js';
import { projectSizing, type SizingProjection } from './sizing.js';
import { stackWarmUpShape, summarizeStackWarmUp, type StackWarmUpOutcome } from './stack-warm-up.js';

/**
 * The capacity search over a real stack: for each processor-instance count, probes (short real
 * runs at a constant rate, src/capacity/probe.ts) chosen by the pure search (search.ts), judged
 * by decision.ts, within a time budget; then the bottleneck, the scaling across counts and the
 * sizing projection. The stack is kept up across probes (each probe runs with keepStack, as the
 * members of a --repeat set do); each probe provisions its own topics, like any run.
 * Every probe is recorded, also when the budget or Ctrl-C cuts the search short.
 */
export interface CapacitySettings {
  search: Omit<SearchSettings, 'startRate'> & { startRate: number };
  budgetMs: number;
  holdMs: number;
  warmUpMs: number;
  drainTimeoutMs: number;
  /** Length of the unjudged run at the start rate before the first probe (stack-warm-up.ts); 0: none. */
  stackWarmUpMs: number;
  instances: number[];
  slos: string[];
  targetPeak: number | null;
  headroom: number;
  require: number | null;
  /** Lag slope threshold; default 1 % of the rate per second, ≥ 50. */
  maxLagSlope: number | null;
  /** Initial per-probe estimate, replaced by the longest probe timed so far. */
  probeEstimateMs: number;
}

export interface ProbeOutcome {
  index: number;
  instances: number;
  rate: number;
  why: string;
  startedAt: string;
  durationMs: number;
  resultDir: string;
  state: RunResult['state'];
  sustainable: boolean;
  decision: ProbeDecision;
  stages: ProbeStages;
  gates: RunResult['gates'];
  /** result.bottleneck summary: the harness's own verdict on who was late. */
  harness: string | null;
  /** Delivery figures for the sizing projection: window results and their bytes per acked event. */
  delivery: { resultsPerEvent: number; bytesPerResult: number; gzipRatio: number | null } | null;
}

export interface CountSearch {
  instances: number;
  finding: SearchFinding;
  probes: ProbeOutcome[];
  bottleneck: BottleneckFinding;
}

export interface CapacityReport {
  kind: 'streamproof-capacity';
  schemaVersion: 1;
  scenario: string;
  startedAt: string;
  endedAt: string;
  state: 'completed' | 'incomplete' | 'failed';
  reason: string | null;
  settings: CapacitySettings & { onTimeShareMin: number; settleS: number; earlyAbortGates: string[] };
  noise: NoiseMeasurement;
  environment: RunResult['environment'] | null;
  searches: CountSearch[];
  scaling: ScalingRow[];
  fewestInstances: { load: number; instances: number | null } | null;
  sizing: SizingProjection | null;
  sizingSkipped: string | null;
  require: { rate: number; met: boolean } | null;
  /** The unjudged run before the first probe; null when --stack-warm-up 0s. */
  stackWarmUp: StackWarmUpOutcome | null;
  /** `--replay`: the found rate and 1.3 × it as plain runs with the scenario's gates; null when not asked or nothing was found. */
  replay: ReplayCheck | null;
  exitCode: number;
}

export interface CapacityDeps {
  /** Resolves the probe scenario (validated like any scenario). */
  resolveProbe: (shape: ProbeShape) => Promise<Scenario>;
  runProbe: (scenario: Scenario, resultsDir: string) => Promise<RunScenarioOutcome>;
  nowMs: () => number;
}

export interface CapacityRun {
  base: Scenario;
  settings: CapacitySettings;
  noise: NoiseMeasurement;
  probesDir: string;
  /** Where the stack warm-up's run goes (default: probesDir). */
  stackWarmUpDir?: string;
  signal: AbortSignal;
  log: (line: string) => void;
  /** Called after every probe with the report so far (the CLI rewrites the files: a kill leaves them current). */
  onProgress?: (report: CapacityReport) => Promise<void>;
}

function deliveryFigures(result: RunResult): ProbeOutcome['delivery'] {
  const modelled = result.delivery.modelled as { records?: number; rawBytes?: number; gzipRatio?: number } | null;
  const acked = result.counters.acked ?? 0;
  if (!modelled || !modelled.records || !modelled.rawBytes || acked <= 0) return null;
  return { resultsPerEvent: modelled.records / acked, bytesPerResult: modelled.rawBytes / modelled.records, gzipRatio: modelled.gzipRatio ?? null };
}

export async function runCapacity(run: CapacityRun, deps: CapacityDeps): Promise<CapacityReport> {
  const { base, settings } = run;
  const startedAtMs = deps.nowMs();
  const deadlineMs = startedAtMs + settings.budgetMs;
  const onTimeShareMin = onTimeShareGate(base.thresholds) ?? DEFAULT_ON_TIME_SHARE;
  // As written in the report: the per-probe figures (N, 2 × T) depend on the rate.
  const abortGates = earlyAbortGates(onTimeShareMin, settings.slos, 1, 1000).map((g) => g.replace(/^sentLate <= \d+/, `sentLate <= the settle phase's events (a ramp from ${SETTLE_FROM_FRACTION} × rate to rate over ${DEFAULT_SETTLE_S} s) + (1 − on-time gate) × rate × (hold − ${DEFAULT_SETTLE_S} s)`));
  const searches: CountSearch[] = [];
  let estimateMs = settings.probeEstimateMs;
  let state: CapacityReport['state'] = 'completed';
  let reason: string | null = null;
  let environment: RunResult['environment'] | null = null;
  let index = 0;
  let stackWarmUp: StackWarmUpOutcome | null = null;

  const report = (endedAtMs: number): CapacityReport => assemble(run, { searches, state, reason, environment, stackWarmUp, startedAtMs, endedAtMs, onTimeShareMin, abortGates });

  // Inside the budget: the deadline was set before it.
  if (settings.stackWarmUpMs > 0 && !run.signal.aborted) {
    const rate = settings.search.startRate;
    const instances = settings.instances[0]!;
    run.log(`capacity: stack warm-up — ${formatDuration(settings.stackWarmUpMs)} at ${formatRate(rate)}, ${instances} instance(s), not judged: a just-started broker JVM is slow under its first minutes of load`);
    const t0 = deps.nowMs();
    const scenario = await deps.resolveProbe(stackWarmUpShape(rate, settings.stackWarmUpMs, settings.warmUpMs, settings.drainTimeoutMs, instances));
    const outcome = await deps.runProbe(scenario, run.stackWarmUpDir ?? run.probesDir);
    const result = outcome.result;
    environment ??= result.environment;
    stackWarmUp = summarizeStackWarmUp(result, { rate, holdMs: settings.stackWarmUpMs, instances, startedAt: new Date(t0).toISOString(), durationMs: deps.nowMs() - t0, resultDir: outcome.written.dir });
    run.log(`capacity: stack warm-up: ${stackWarmUp.summary} [${formatDuration(stackWarmUp.durationMs)}]`);
    if (result.state === 'incomplete' || run.signal.aborted) {
      state = 'incomplete';
      reason = 'interrupted (Ctrl-C) during the stack warm-up: no probe ran';
    } else if (result.state === 'failed') {
      state = 'failed';
      reason = `the stack warm-up failed (harness or stack error): ${result.reason}`;
    }
  }

  outer: for (let c = 0; state === 'completed' && c < settings.instances.length; c += 1) {
    const instances = settings.instances[c]!;
    const sliceEndMs = deps.nowMs() + (deadlineMs - deps.nowMs()) / (settings.instances.length - c);
    const records: ProbeRecord[] = [];
    const probes: ProbeOutcome[] = [];
    const search: CountSearch = { instances, probes, finding: findingSoFar(settings.search, [], 'not started'), bottleneck: findBottleneck([], null) };
    searches.push(search);
    run.log(`capacity: searching with ${instances} processor instance(s), ${formatDuration(sliceEndMs - deps.nowMs())} of the budget`);
    for (;;) {
      const step = nextStep(settings.search, records);
      if (step.kind === 'done') {
        search.finding = step.found;
        break;
      }
      if (run.signal.aborted) {
        state = 'incomplete';
        reason = 'interrupted (Ctrl-C): the probes done so far are reported';
        search.finding = findingSoFar(settings.search, records, reason);
        break outer;
      }
      if (deps.nowMs() + estimateMs > sliceEndMs) {
        search.finding = findingSoFar(settings.search, records, `the budget ran out (a probe takes about ${formatDuration(estimateMs)}, ${formatDuration(Math.max(0, sliceEndMs - deps.nowMs()))} left for ${instances} instance(s))`);
        break;
      }
      index += 1;
      const rate = step.rate;
      run.log(`capacity: probe ${index} — ${instances} instance(s) at ${formatRate(rate)} (${step.why})`);
      // The scenario's own onTimeShare gate is judged by the on-time criterion instead (over the hold, decision.ts);
      // its latency gates and the SLOs over the hold too, after the settle phase (probe.ts).
      const thresholds = [...base.thresholds.filter((t) => !isOnTimeShareGate(t)), ...settings.slos].map(scopeToHold);
      thresholds.push(...earlyAbortGates(onTimeShareMin, settings.slos, rate, settings.holdMs, DEFAULT_SETTLE_S));
      const shape: ProbeShape = { rate, holdMs: settings.holdMs, settleMs: DEFAULT_SETTLE_S * 1000, warmUpMs: settings.warmUpMs, drainTimeoutMs: settings.drainTimeoutMs, instances, thresholds };
      const probeStart = deps.nowMs();
      const scenario = await deps.resolveProbe(shape);
      const outcome = await deps.runProbe(scenario, run.probesDir);
      const durationMs = deps.nowMs() - probeStart;
      estimateMs = Math.max(estimateMs, durationMs);
      const result = outcome.result;
      environment ??= result.environment;
      // The hold phase begins after the settle phase: nothing more of it to skip.
      const decision = decideProbe(result, { onTimeShareMin, maxLagSlope: settings.maxLagSlope ?? defaultMaxLagSlope(rate), settleS: 0, holdPhase: HOLD_PHASE });
      const stages = probeStages(result, decision, HOLD_PHASE);
      const probe: ProbeOutcome = {
        index,
        instances,
        rate,
        why: step.why,
        startedAt: new Date(probeStart).toISOString(),
        durationMs,
        resultDir: outcome.written.dir,
        state: result.state,
        sustainable: decision.sustainable,
        decision,
        stages,
        gates: result.gates,
        harness: result.bottleneck?.summary ?? null,
        delivery: deliveryFigures(result),
      };
      probes.push(probe);
      const figures = [
        `on-time ${formatPct(decision.onTimeShare, 2)}`,
        `lag slope ${decision.lagSlopeEventsPerS2 === null ? '—' : decision.lagSlopeEventsPerS2.toFixed(1)} ev/s²`,
        ...(stages.p99Ms.l3_window !== undefined ? [`p99(l3) ${Math.round(stages.p99Ms.l3_window)} ms`] : []),
        `achieved ${formatRate(stages.achievedEventsPerS)}`,
      ].join(', ');
      const left = formatDuration(Math.max(0, deadlineMs - deps.nowMs()));
      run.log(`capacity: probe ${index} — ${formatRate(rate)}: ${decision.sustainable ? 'SUSTAINABLE' : decision.summary.toUpperCase().slice(0, 1) + decision.summary.slice(1)} (${figures}) [${formatDuration(durationMs)}, ${left} of the budget left]`);
      if (decision.inconclusive) {
        state = result.state === 'incomplete' ? 'incomplete' : 'failed';
        reason = result.state === 'incomplete' ? 'interrupted (Ctrl-C) during a probe: the probes done so far are reported' : `probe ${index} failed (harness or stack error): ${result.state === 'failed' ? result.reason : ''}`;
        search.finding = findingSoFar(settings.search, records, reason);
        search.bottleneck = findBottleneck(probes.filter((p) => !p.decision.inconclusive), search.finding.foundRate);
        break outer;
      }
      records.push({ rate, sustainable: decision.sustainable });
      search.finding = findingSoFar(settings.search, records, 'in progress');
      search.bottleneck = findBottleneck(probes, search.finding.foundRate);
      // A snapshot, not the answer: marked incomplete until the final report replaces it, so a
      // search killed outright (not Ctrl-C) leaves files that say what they are.
      await run.onProgress?.({ ...report(deps.nowMs()), state: 'incomplete', reason: `search in progress: written after probe ${index}; the final report replaces it`, exitCode: EXIT.INTERRUPTED });
    }
    search.bottleneck = findBottleneck(probes.filter((p) => !p.decision.inconclusive), search.finding.foundRate);
    run.log(`capacity: ${instances} instance(s): ${formatRate(search.finding.foundRate)} (${search.finding.reason}); ${search.bottleneck.summary}`);
  }
  return report(deps.nowMs());
}

interface AssembleState {
  searches: CountSearch[];
  state: CapacityReport['state'];
  reason: string | null;
  environment: RunResult['environment'] | null;
  stackWarmUp: StackWarmUpOutcome | null;
  startedAtMs: number;
  endedAtMs: number;
  onTimeShareMin: number;
  abortGates: string[];
}

function assemble(run: CapacityRun, s: AssembleState): CapacityReport {
  const { base, settings } = run;
  const counts = s.searches.map((x) => ({ instances: x.instances, rate: x.finding.foundRate }));
  const scaling = scalingRows(counts);
  const load = settings.require ?? settings.targetPeak;
  const fewestInstances = load !== null ? { load, instances: fewestInstancesFor(counts, load) } : null;
  const best = Math.max(0, ...counts.map((c) => c.rate ?? 0));
  const require = settings.require !== null ? { rate: settings.require, met: best >= settings.require } : null;
  const { sizing, sizingSkipped } = sizingFor(run, s.searches);
  const exitCode = s.state === 'failed' ? EXIT.HARNESS_ERROR : s.state === 'incomplete' ? EXIT.INTERRUPTED : require && !require.met ? EXIT.GATE_FAILED : EXIT.OK;
  return {
    kind: 'streamproof-capacity',
    schemaVersion: 1,
    scenario: base.name,
    startedAt: new Date(s.startedAtMs).toISOString(),
    endedAt: new Date(s.endedAtMs).toISOString(),
    state: s.state,
    reason: s.reason,
    settings: { ...settings, onTimeShareMin: s.onTimeShareMin, settleS: DEFAULT_SETTLE_S, earlyAbortGates: s.abortGates },
    noise: run.noise,
    environment: s.environment,
    searches: s.searches,
    scaling,
    fewestInstances,
    sizing,
    sizingSkipped,
    require,
    stackWarmUp: s.stackWarmUp,
    replay: null,
    exitCode,
  };
}

function sizingFor(run: CapacityRun, searches: readonly CountSearch[]): { sizing: SizingProjection | null; sizingSkipped: string | null } {
  const { base, settings } = run;
  if (settings.targetPeak === null) return { sizing: null, sizingSkipped: 'no --target-peak given' };
  const found = searches.filter((x) => x.finding.foundRate !== null);
  if (found.length === 0) return { sizing: null, sizingSkipped: 'no sustainable rate was found: nothing to project from' };
  // Project from the count with the highest found rate; per instance, the most pessimistic count.
  const top = found.reduce((a, b) => (b.finding.foundRate! > a.finding.foundRate! ? b : a));
  const perInstanceRate = Math.min(...found.map((x) => x.finding.foundRate! / x.instances));
  const atFound = top.probes.filter((p) => p.rate === top.finding.foundRate && p.sustainable);
  const probe = atFound[atFound.length - 1] ?? null;
  const cores = probe ? (probe.stages.coresByRole.brokers ?? 0) + (probe.stages.coresByRole.processors ?? 0) : 0;
  const delivery = [...top.probes].reverse().find((p) => p.sustainable && p.delivery !== null)?.delivery ?? null;
  const flinkSlots = base.processor.kind === 'flink' ? (base.processor as unknown as { slotsPerTaskManager: number }).slotsPerTaskManager : 2;
  const sizing = projectSizing({
    targetPeak: settings.targetPeak,
    headroom: settings.headroom,
    measured: {
      foundRate: top.finding.foundRate!,
      partitions: base.topology.rawEventsPartitions,
      brokers: base.stack.brokers,
      replicationFactor: base.topology.replicationFactor,
      perInstanceRate,
      pipelineCores: cores > 0 ? cores : null,
      machineCores: probe?.stages.machineCores ?? availableParallelism(),
      resultsPerEvent: delivery?.resultsPerEvent ?? null,
      bytesPerResult: delivery?.bytesPerResult ?? null,
      gzipRatio: delivery?.gzipRatio ?? null,
    },
    flinkSlotsPerTaskManager: flinkSlots,
    buffering: { ...PRODUCTION_BUFFERING },
  });
  if (top.bottleneck.harnessBound) sizing.assumptions.unshift(`the found rate ${formatRate(top.finding.foundRate)} was bound by the load generator, not the pipeline: every count below is pessimistic by however much more the pipeline could have taken`);
  return { sizing, sizingSkipped: null };
}
