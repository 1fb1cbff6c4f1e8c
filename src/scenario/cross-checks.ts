import { isStreamproofError } from '../base/errors.js';
import { INGEST_DRIVERS } from '../drivers/ingest/index.js';
import { PROCESSOR_DRIVERS } from '../drivers/processor/index.js';
import { driverFor } from '../drivers/registry.js';
import { parseGate, type Gate } from '../report/gates.js';
import { formatDurationMs } from '../base/duration.js';
import { scheduleDurationMs } from './load-shape.js';
import { compileSchedule } from '../workload/schedule-compile.js';
import { didYouMean } from '../base/suggest.js';
import type { ScenarioProblem } from './problems.js';
import type { ParsedScenario } from './schema.js';
import { checkFaults, FAULT_FIGURE_COUNTERS } from './fault-checks.js';

/**
 * Rules that relate fields of different sections. Each runs only when the sections it reads
 * parsed on their own, so a scenario with a broken `load` still gets its processor checked:
 * the author sees every problem in one go.
 */

export type Sections = Partial<ParsedScenario>;

export interface CrossCheckResult {
  errors: ScenarioProblem[];
  warnings: ScenarioProblem[];
}

/** Brokers the native provider can start (docs/stack.md: KRaft with static voters). */
export const NATIVE_BROKER_COUNTS = [1, 3] as const;
/** Brokers docker-compose.yml defines. */
export const COMPOSE_BROKER_COUNT = 3;

function gatesOf(thresholds: ParsedScenario['thresholds']): Array<{ index: number; gate: Gate }> {
  const gates: Array<{ index: number; gate: Gate }> = [];
  thresholds.forEach((threshold, index) => {
    try {
      gates.push({ index, gate: parseGate(threshold) });
    } catch (error) {
      if (!isStreamproofError(error)) throw error; // already reported by the schema
    }
  });
  return gates;
}

function stageOf(gate: Gate): string | undefined {
  return gate.metric.kind === 'percentile' || gate.metric.kind === 'max' || gate.metric.kind === 'mean' ? gate.metric.stage : undefined;
}

function counterOf(gate: Gate): string | undefined {
  return gate.metric.kind === 'counter' ? gate.metric.name : undefined;
}

export function crossFieldChecks(s: Sections): CrossCheckResult {
  const errors: ScenarioProblem[] = [];
  const warnings: ScenarioProblem[] = [];
  const { stack, topology, workload, processor, faults, thresholds, ingest, delivery } = s;

  if (stack?.provider === 'native' && !(NATIVE_BROKER_COUNTS as readonly number[]).includes(stack.brokers)) {
    errors.push({ path: 'stack.brokers', message: `the native provider runs 1 or 3 brokers, not ${stack.brokers}` });
  }
  // docker-compose.yml defines exactly three brokers: any other count would be silently ignored.
  if (stack?.provider === 'compose' && stack.brokers !== COMPOSE_BROKER_COUNT) {
    errors.push({ path: 'stack.brokers', message: `the compose provider runs ${COMPOSE_BROKER_COUNT} brokers (docker-compose.yml), not ${stack.brokers}` });
  }
  if (stack && topology?.replicationFactor !== undefined && topology.replicationFactor > stack.brokers) {
    errors.push({ path: 'topology.replicationFactor', message: `${topology.replicationFactor} exceeds the ${stack.brokers} broker(s) of the stack` });
  }
  const processorDriver = processor ? driverFor(PROCESSOR_DRIVERS, processor.kind, 'processor') : undefined;
  const parallelism = processor && processorDriver ? processorDriver.parallelism(processor as never) : undefined;
  if (processor && processorDriver?.crossCheck) {
    for (const problem of processorDriver.crossCheck(processor as never)) errors.push({ path: `processor.${problem.path}`, message: problem.message });
  }
  if (processor && topology && parallelism !== undefined && parallelism > topology.rawEventsPartitions) {
    errors.push({
      path: 'processor.instances',
      message: `${parallelism} instances exceed the ${topology.rawEventsPartitions} partitions of raw-events (the extra ones would sit idle)`,
    });
  }

  let loadMs: number | undefined;
  try {
    loadMs = s.load ? scheduleDurationMs(s.load) : undefined;
  } catch (error) {
    if (!isStreamproofError(error)) throw error;
    errors.push({ path: 'load', message: error.message });
  }
  if (loadMs !== undefined && processor && processor.windowMs + processor.outOfOrdernessMs > loadMs) {
    warnings.push({
      path: 'processor.windowMs',
      message: `no window can close while the ${formatDurationMs(loadMs)} load runs (window ${formatDurationMs(processor.windowMs)} + out-of-orderness ${formatDurationMs(processor.outOfOrdernessMs)}); results depend on the drain`,
    });
  }

  if (workload && processor) {
    const closesAfterMs = processor.outOfOrdernessMs + processor.allowedLatenessMs;
    if (workload.lateFraction > 0 && workload.lateDelayMs <= closesAfterMs) {
      warnings.push({
        path: 'workload.lateDelayMs',
        message: `${formatDurationMs(workload.lateDelayMs)} is not beyond out-of-orderness + allowed lateness (${formatDurationMs(closesAfterMs)}): "late" events will mostly land in open windows and count on time`,
      });
    }
    // Shifts between out-of-orderness and out-of-orderness + lateness update fired windows (on purpose).
    if (workload.outOfOrderFraction > 0 && workload.outOfOrderMaxMs > closesAfterMs) {
      warnings.push({
        path: 'workload.outOfOrderMaxMs',
        message: `shifts up to ${formatDurationMs(workload.outOfOrderMaxMs)} exceed out-of-orderness + allowed lateness (${formatDurationMs(closesAfterMs)}): some out-of-order events will be routed to late-events`,
      });
    }
  }

  if (faults && stack && processor && topology && loadMs !== undefined && parallelism !== undefined && processorDriver) {
    const checked = checkFaults({ faults, stack, processorKind: processor.kind, support: processorDriver.faultSupport ?? {}, instances: (processor as { instances?: number }).instances ?? parallelism, partitions: topology.rawEventsPartitions, loadMs, load: s.load! });
    errors.push(...checked.errors);
    warnings.push(...checked.warnings);
  }

  let phaseNames: string[] | undefined;
  try {
    phaseNames = s.load ? [...new Set(compileSchedule(s.load).phases.map((p) => p.name))] : undefined;
  } catch {
    phaseNames = undefined; // a broken load is reported by its own check
  }
  for (const { index, gate } of thresholds ? gatesOf(thresholds) : []) {
    const stage = stageOf(gate);
    const phase = 'phase' in gate.metric ? gate.metric.phase : undefined;
    if (phase !== undefined && phaseNames && !phaseNames.includes(phase)) {
      const suggestion = didYouMean(phase, phaseNames);
      errors.push({ path: `thresholds.${index}`, message: `"${gate.expression}" is scoped to phase ${phase}, which the load does not have${suggestion ? ` (${suggestion})` : ''}; its phases: ${phaseNames.join(', ')}` });
    }
    const counter = counterOf(gate);
    if (delivery && !delivery.enabled && (stage === 'l4_delivery' || counter === 's3Missing' || counter === 's3Duplicates')) {
      errors.push({ path: `thresholds.${index}`, message: `"${gate.expression}" measures delivery, which delivery.enabled = false turns off` });
    }
    if (faults && faults.length === 0 && counter !== undefined && (FAULT_FIGURE_COUNTERS as readonly string[]).includes(counter)) {
      errors.push({ path: `thresholds.${index}`, message: `"${gate.expression}" reads ${counter}, a figure of fault runs, but the scenario declares no faults` });
    }
    const ingestOnly = [stage, counter].find((m) => m !== undefined && INGEST_DRIVERS.some((d) => d.measures.includes(m)));
    if (ingest && ingestOnly && !driverFor(INGEST_DRIVERS, ingest.kind, 'ingest').measures.includes(ingestOnly)) {
      const kinds = INGEST_DRIVERS.filter((d) => d.measures.includes(ingestOnly)).map((d) => d.kind);
      errors.push({ path: `thresholds.${index}`, message: `"${gate.expression}" reads ${ingestOnly}, which ingest kind ${ingest.kind} does not measure (measured by: ${kinds.join(', ')})` });
    }
  }
  return { errors, warnings };
}
