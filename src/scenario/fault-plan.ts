import { formatDurationMs } from '../base/duration.js';
import { createRandom } from '../workload/random.js';
import type { ScenarioProblem } from './problems.js';
import type { FaultSpec, InjectableFault, InjectableFaultKind } from './schema-faults.js';

/**
 * The fault plan: every occurrence the run will inject, as concrete times from the start of the
 * load and concrete targets — `everyMs` expanded, phase-relative times resolved, chaos drawn from
 * its seed. Pure, so the same scenario always gives the same plan (printed before the run,
 * kept in result.json), and checked before anything starts: a target that will not exist, two
 * faults overlapping on one target, a fault outside the load are each reported with their
 * field path.
 */
export interface PlannedFault {
  /** Index in `faults` of the entry this occurrence comes from. */
  source: number;
  /** 0-based occurrence of that entry (repeats, chaos draws). */
  occurrence: number;
  kind: InjectableFaultKind;
  /** What is broken: `broker-1`, `processor-0`, `processor-2` (an added one), `delivery`, `brokers` (all). */
  target: string;
  /** From the start of the load. */
  startMs: number;
  endMs: number;
  /** The entry's settings with its target resolved (what the injector reads). */
  spec: InjectableFault;
  /** One line: `broker-kill broker-1 at 40s for 15s`. */
  label: string;
}

export interface PlanPhase {
  name: string;
  startMs: number;
  endMs: number;
}

export interface FaultPlanInput {
  faults: readonly FaultSpec[];
  loadMs: number;
  phases: readonly PlanPhase[];
  brokers: number;
  /** Processor instances the run starts (processor.instances). */
  instances: number;
  /** raw-events partitions: an added instance beyond them would sit idle. */
  partitions: number;
  /** Kinds chaos may draw when it names none: the registered ones. */
  injectableKinds: readonly InjectableFaultKind[];
}

export interface FaultPlan {
  faults: PlannedFault[];
  problems: ScenarioProblem[];
}

/** Which targets an occurrence touches: a network fault on every broker touches each of them. */
function targetsOf(fault: PlannedFault, brokers: number): string[] {
  return fault.target === 'brokers' ? Array.from({ length: brokers }, (_, i) => `broker-${i + 1}`) : [fault.target];
}

function describeTarget(spec: InjectableFault, instances: number): string {
  switch (spec.kind) {
    case 'broker-kill':
    case 'broker-pause':
      return `broker-${spec.broker}`;
    case 'network':
      return spec.broker === undefined ? 'brokers' : `broker-${spec.broker}`;
    case 'processor-kill':
      return `processor-${spec.instance}`;
    case 'processor-scale':
      return spec.change === 'add' ? `processor-${instances}` : `processor-${spec.instance ?? instances - 1}`;
    case 'delivery-outage':
      return 'delivery';
  }
}

export function faultLabel(kind: string, target: string, startMs: number, durationMs: number, change?: string): string {
  return `${kind}${change ? ` ${change}` : ''} ${target} at ${formatDurationMs(startMs)} for ${formatDurationMs(durationMs)}`;
}

/** Target checks of one entry (broker, instance, scale limits); paths under `at`. */
function targetProblems(spec: InjectableFault, at: string, input: FaultPlanInput): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const { brokers, instances, partitions } = input;
  if ((spec.kind === 'broker-kill' || spec.kind === 'broker-pause' || spec.kind === 'network') && spec.broker !== undefined && spec.broker > brokers) {
    problems.push({ path: `${at}.broker`, message: `broker ${spec.broker} does not exist (the stack has ${brokers}, numbered 1..${brokers})` });
  }
  if (spec.kind === 'processor-kill' && spec.instance >= instances) {
    problems.push({ path: `${at}.instance`, message: `instance ${spec.instance} does not exist (processor.instances is ${instances}, numbered from 0)` });
  }
  if (spec.kind === 'processor-scale') {
    if (spec.change === 'add' && spec.instance !== undefined) {
      problems.push({ path: `${at}.instance`, message: 'an added instance takes the next index; `instance` applies to `change: remove` only' });
    }
    if (spec.change === 'add' && instances + 1 > partitions) {
      problems.push({ path: `${at}.change`, message: `an added instance would be number ${instances + 1} of ${partitions} raw-events partitions: it would get no partition and sit idle (no rebalance to test)` });
    }
    if (spec.change === 'remove' && spec.instance !== undefined && spec.instance >= instances) {
      problems.push({ path: `${at}.instance`, message: `instance ${spec.instance} does not exist (processor.instances is ${instances}, numbered from 0)` });
    }
    if (spec.change === 'remove' && instances === 1) {
      problems.push({ path: `${at}.change`, message: 'removing the only instance stops processing altogether, not a rebalance: run 2 or more instances, or use processor-kill' });
    }
  }
  if (spec.kind === 'network') {
    if (spec.toxic === 'latency' && spec.latencyMs === undefined) problems.push({ path: `${at}.latencyMs`, message: 'toxic latency needs latencyMs (the added delay)' });
    if (spec.toxic === 'bandwidth' && spec.rateKbps === undefined) problems.push({ path: `${at}.rateKbps`, message: 'toxic bandwidth needs rateKbps' });
  }
  return problems;
}

/** Where the entry's clock starts and where its repeats must end; null with a problem if its phase is unknown. */
function anchor(spec: { phase?: string | undefined }, at: string, input: FaultPlanInput, problems: ScenarioProblem[]): { fromMs: number; untilMs: number } | null {
  if (spec.phase === undefined) return { fromMs: 0, untilMs: input.loadMs };
  const phase = input.phases.find((p) => p.name === spec.phase);
  if (!phase) {
    problems.push({ path: `${at}.phase`, message: `no phase "${spec.phase}" in the load (phases: ${[...new Set(input.phases.map((p) => p.name))].join(', ') || 'none'})` });
    return null;
  }
  return { fromMs: phase.startMs, untilMs: phase.endMs };
}

/** Start times of an entry's occurrences: the first, then every `everyMs` while they fit before `untilMs`. */
function occurrenceStarts(firstMs: number, durationMs: number, everyMs: number | undefined, times: number | undefined, untilMs: number): number[] {
  const starts = [firstMs];
  if (everyMs === undefined) return starts;
  const limit = times ?? Number.POSITIVE_INFINITY;
  for (let t = firstMs + everyMs; starts.length < limit && t + durationMs <= untilMs; t += everyMs) starts.push(t);
  return starts;
}

/** Timing checks shared by faults and chaos: inside the load, heals before it ends, every > duration. */
function timingProblems(spec: { atMs: number; durationMs: number; everyMs?: number | undefined; times?: number | undefined }, at: string, firstMs: number, loadMs: number): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  if (firstMs >= loadMs) {
    problems.push({ path: `${at}.atMs`, message: `strikes at ${formatDurationMs(firstMs)} of the load, at or after its end (${formatDurationMs(loadMs)}): the fault would never fire` });
  } else if (firstMs + spec.durationMs > loadMs) {
    problems.push({
      path: `${at}.durationMs`,
      message: `healed at ${formatDurationMs(firstMs + spec.durationMs)}, after the load ends (${formatDurationMs(loadMs)}): recovery could not be seen; shorten it or strike earlier`,
    });
  }
  if (spec.everyMs !== undefined && spec.everyMs <= spec.durationMs) {
    problems.push({ path: `${at}.everyMs`, message: `${formatDurationMs(spec.everyMs)} is not longer than durationMs (${formatDurationMs(spec.durationMs)}): each occurrence must be healed before the next` });
  }
  if (spec.times !== undefined && spec.everyMs === undefined) problems.push({ path: `${at}.times`, message: 'times counts repeats: it needs everyMs' });
  return problems;
}

/**
 * What chaos draws from when it lists no kinds: every registered kind but `network`, which
 * needs a stack started with Toxiproxy in front of its brokers; list it to draw it.
 */
export function chaosDefaultKinds(registered: readonly InjectableFaultKind[]): InjectableFaultKind[] {
  return registered.filter((kind) => kind !== 'network');
}

/** Kinds a chaos draw can use on this run, with why a kind is left out. */
function drawableKinds(kinds: readonly InjectableFaultKind[], input: FaultPlanInput): InjectableFaultKind[] {
  return kinds.filter((kind) => {
    if ((kind === 'broker-kill' || kind === 'broker-pause') && input.brokers < 2) return false; // an outage, not a failover
    if (kind === 'processor-scale' && input.instances < 2 && input.instances + 1 > input.partitions) return false;
    return true;
  });
}

function drawSpec(kind: InjectableFaultKind, base: { atMs: number; durationMs: number }, random: ReturnType<typeof createRandom>, input: FaultPlanInput): InjectableFault {
  switch (kind) {
    case 'broker-kill':
    case 'broker-pause':
      return { kind, ...base, broker: 1 + random.nextInt(input.brokers) };
    case 'processor-kill':
      return { kind, ...base, instance: random.nextInt(input.instances), whileTransactionOpen: false };
    case 'processor-scale': {
      const canAdd = input.instances + 1 <= input.partitions;
      const canRemove = input.instances >= 2;
      const add = canAdd && (!canRemove || random.nextInt(2) === 0);
      return add ? { kind, ...base, change: 'add' } : { kind, ...base, change: 'remove', instance: random.nextInt(input.instances) };
    }
    case 'delivery-outage':
      return { kind, ...base };
    case 'network':
      return { kind, ...base, broker: 1 + random.nextInt(input.brokers), toxic: 'latency', latencyMs: 200, jitterMs: 50 };
  }
}

export function planFaults(input: FaultPlanInput): FaultPlan {
  const problems: ScenarioProblem[] = [];
  const faults: PlannedFault[] = [];
  input.faults.forEach((spec, source) => {
    const at = `faults.${source}`;
    const window = anchor(spec, at, input, problems);
    if (!window) return;
    const firstMs = window.fromMs + spec.atMs;
    const timing = timingProblems(spec, at, firstMs, input.loadMs);
    problems.push(...timing);
    const targeting = spec.kind === 'chaos' ? [] : targetProblems(spec, at, input);
    problems.push(...targeting);
    if (timing.some((p) => p.path.endsWith('.atMs') || p.path.endsWith('.everyMs')) || targeting.length > 0) return;
    const starts = occurrenceStarts(firstMs, spec.durationMs, spec.everyMs, spec.times, Math.min(window.untilMs, input.loadMs));
    if (spec.kind === 'chaos') {
      const kinds = drawableKinds(spec.kinds ?? chaosDefaultKinds(input.injectableKinds), input);
      if (kinds.length === 0) {
        problems.push({ path: `${at}.kinds`, message: `none of ${(spec.kinds ?? chaosDefaultKinds(input.injectableKinds)).join(', ') || 'the registered kinds'} can be drawn on this run (1 broker, 1 instance ...)` });
        return;
      }
      const random = createRandom(`chaos:${String(spec.seed)}`);
      starts.forEach((startMs, occurrence) => {
        const kind = kinds[random.nextInt(kinds.length)]!;
        const drawn = drawSpec(kind, { atMs: startMs, durationMs: spec.durationMs }, random, input);
        const target = describeTarget(drawn, input.instances);
        faults.push({ source, occurrence, kind, target, startMs, endMs: startMs + spec.durationMs, spec: drawn, label: faultLabel(kind, target, startMs, spec.durationMs, drawn.kind === 'processor-scale' ? drawn.change : undefined) });
      });
      return;
    }
    const resolved: InjectableFault = spec.kind === 'processor-scale' && spec.change === 'remove' ? { ...spec, instance: spec.instance ?? input.instances - 1 } : spec;
    const target = describeTarget(resolved, input.instances);
    starts.forEach((startMs, occurrence) => {
      faults.push({ source, occurrence, kind: spec.kind, target, startMs, endMs: startMs + spec.durationMs, spec: resolved, label: faultLabel(spec.kind, target, startMs, spec.durationMs, spec.kind === 'processor-scale' ? spec.change : undefined) });
    });
  });
  faults.sort((a, b) => a.startMs - b.startMs || a.source - b.source);
  problems.push(...overlapProblems(faults, input.brokers));
  return { faults, problems };
}

/** Two occurrences on one target whose windows intersect: the second would act on a target already broken. */
function overlapProblems(faults: readonly PlannedFault[], brokers: number): ScenarioProblem[] {
  const problems: ScenarioProblem[] = [];
  const reported = new Set<string>();
  for (let i = 0; i < faults.length; i += 1) {
    for (let j = i + 1; j < faults.length; j += 1) {
      const [a, b] = [faults[i]!, faults[j]!];
      if (b.startMs >= a.endMs) continue;
      const shared = targetsOf(a, brokers).find((t) => targetsOf(b, brokers).includes(t));
      if (!shared) continue;
      const key = `${a.source}/${b.source}`;
      if (reported.has(key)) continue;
      reported.add(key);
      const which = a.source === b.source ? `two occurrences of faults.${a.source} (chaos draws or repeats)` : `faults.${a.source}`;
      problems.push({
        path: `faults.${b.source}`,
        message: `overlaps ${which} on ${shared}: ${a.label} is still active at ${formatDurationMs(b.startMs)}; move one, or target another ${shared.startsWith('broker') ? 'broker' : 'instance'}`,
      });
    }
  }
  return problems;
}
