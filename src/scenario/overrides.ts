import { parseArgv, type FlagSpec } from '../base/args.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { Schedule } from '../workload/schedule.js';
import { formatDurationMs, parseDurationText, toDurationMs } from '../base/duration.js';
import { peakRateEventsPerS, scaleDurations, scaleRates, scheduleDurationMs } from './load-shape.js';
import { loadSchema } from './schema-load.js';
import { parsePath, parseSetValue, setAtPath, type PathSegment } from './set-path.js';

/**
 * Command-line overrides. Shortcuts expand into the full scenario before validation (k6 habit):
 *
 *  --rate N        scales every rate of the load so that its peak is N events/s; the shape
 *                  (baseline:peak ratio, ramps, timing) is kept. A constant scenario becomes
 *                  constant N. Chosen over "replace the load by one constant phase" because it
 *                  keeps what the scenario is about (peak-load still ramps 10×, just lower).
 *  --duration D    scales every time of the load (phase lengths, spike offsets) and the fault
 *                  times with it, so the schedule lasts D; warm-up and drain are left alone.
 *  --seed, --brokers, --provider, --processors: plain field overrides.
 *  --set path=value: any field.
 *
 * Overrides apply left to right, on a copy of the scenario input.
 */

export type Override =
  | { kind: 'set'; flag: string; path: PathSegment[]; pathText: string; value: unknown }
  | { kind: 'rate'; flag: string; rateEventsPerS: number }
  | { kind: 'duration'; flag: string; durationMs: number };

export type { FlagSpec } from '../base/args.js';

export const OVERRIDE_FLAGS: readonly FlagSpec[] = [
  { name: 'rate', value: 'N', description: 'scale every rate so the load peaks at N events/s (shape kept)' },
  { name: 'duration', value: 'D', description: 'scale the load (and fault times) to last D, e.g. 30s, 5m' },
  { name: 'seed', value: 'S', description: 'workload seed (workload.seed)' },
  { name: 'brokers', value: 'N', description: 'Kafka brokers (stack.brokers)' },
  { name: 'provider', value: 'P', description: 'stack provider: native, compose or external (stack.provider)' },
  { name: 'processors', value: 'N', description: 'processor instances (processor.instances)' },
  { name: 'set', value: 'path=value', description: 'set any field; repeatable; value is JSON or text; null restores the default; path[]=v appends' },
];

/** Plain field overrides: flag → field path. */
const FIELD_FLAGS: Readonly<Record<string, string>> = {
  seed: 'workload.seed',
  brokers: 'stack.brokers',
  provider: 'stack.provider',
  processors: 'processor.instances',
};

export interface ParsedArgs {
  positionals: string[];
  overrides: Override[];
  /** Values of the caller's own flags (extraFlags), by name; `true` for boolean flags. */
  flags: Record<string, string | true>;
}

function invalidArgument(message: string, hint: string): StreamproofError {
  return new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, message, { hint });
}

function overrideFor(name: string, value: string): Override {
  const flag = `--${name} ${value}`;
  if (name === 'rate') {
    const rateEventsPerS = Number(value);
    if (value.trim() === '' || !Number.isFinite(rateEventsPerS) || rateEventsPerS <= 0) {
      throw invalidArgument(`--rate ${value}: expected a number of events/s above 0`, 'e.g. --rate 5000');
    }
    return { kind: 'rate', flag, rateEventsPerS };
  }
  if (name === 'duration') {
    // A unit is required: `--duration 30` could mean seconds or milliseconds.
    const durationMs = parseDurationText(value);
    if (durationMs === undefined || !(durationMs > 0)) {
      throw invalidArgument(`--duration ${value}: expected a duration with a unit, above 0`, 'e.g. --duration 30s, --duration 5m, --duration 1m30s');
    }
    return { kind: 'duration', flag, durationMs };
  }
  if (name === 'set') {
    const eq = value.indexOf('=');
    if (eq <= 0) throw invalidArgument(`--set ${value}: expected path=value`, 'e.g. --set processor.windowMs=10s');
    const pathText = value.slice(0, eq);
    return { kind: 'set', flag, path: parsePath(pathText), pathText, value: parseSetValue(value.slice(eq + 1)) };
  }
  const pathText = FIELD_FLAGS[name]!;
  return { kind: 'set', flag, path: parsePath(pathText), pathText, value: parseSetValue(value) };
}

/** How the scenario command is typed: for help lines and hints. */
export const SCENARIO_INVOCATION = 'npm run scenario --';

/**
 * Splits argv into positionals, overrides (in the order given) and the caller's own flags
 * (`--list`, `--results-dir`, ...) with the shared parser (src/base/args.ts): `--flag value` and
 * `--flag=value`, `--` ends the flags, an unknown flag gets a "did you mean". `-h`/`--help` sets
 * `flags.help` and nothing else is checked.
 */
export function parseScenarioArgs(argv: readonly string[], extraFlags: readonly FlagSpec[] = []): ParsedArgs {
  const spec = { invocation: SCENARIO_INVOCATION, usage: '<name | path/to/scenario> [flags]', flags: [...OVERRIDE_FLAGS, ...extraFlags] };
  const parsed = parseArgv(argv, spec);
  if (parsed.help) return { positionals: [], overrides: [], flags: { help: true } };
  const result: ParsedArgs = { positionals: parsed.positionals, overrides: [], flags: {} };
  for (const { flag, value } of parsed.occurrences) {
    if (OVERRIDE_FLAGS.includes(flag)) result.overrides.push(overrideFor(flag.name, value as string));
    else result.flags[flag.name] = value;
  }
  return result;
}

function clone(input: Record<string, unknown>): Record<string, unknown> {
  try {
    return structuredClone(input);
  } catch (error) {
    throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, 'the scenario is not plain data (it holds a function, class instance or similar)', {
      hint: 'a scenario file exports only objects, arrays, strings, numbers and booleans',
      cause: error,
    });
  }
}

/** The load section parsed (durations in ms), or undefined when it is invalid: validation will say why. */
function parsedLoad(scenario: Record<string, unknown>): Schedule | undefined {
  const parsed = loadSchema.safeParse(scenario.load);
  return parsed.success ? parsed.data : undefined;
}

const fmtRate = (rate: number): string => String(Math.round(rate * 1000) / 1000);

function applyRate(scenario: Record<string, unknown>, override: Extract<Override, { kind: 'rate' }>): string {
  const load = parsedLoad(scenario);
  if (load === undefined) return `${override.flag}: not applied, the load section is invalid`;
  const peak = peakRateEventsPerS(load);
  if (!(peak > 0)) throw invalidArgument(`${override.flag}: the load never sends (peak rate 0), so there is nothing to scale`, 'set a rate in the load phases instead');
  const factor = override.rateEventsPerS / peak;
  scenario.load = scaleRates(load, factor);
  return `${override.flag}: every rate ×${fmtRate(factor)} (peak ${fmtRate(peak)} → ${fmtRate(override.rateEventsPerS)} events/s)`;
}

function applyDuration(scenario: Record<string, unknown>, override: Extract<Override, { kind: 'duration' }>): string {
  const load = parsedLoad(scenario);
  if (load === undefined) return `${override.flag}: not applied, the load section is invalid`;
  const totalMs = scheduleDurationMs(load);
  const factor = override.durationMs / totalMs;
  scenario.load = scaleDurations(load, factor);
  // Faults are placed relative to the load's shape ("during the peak"): they move with it.
  if (Array.isArray(scenario.faults)) {
    for (const fault of scenario.faults as unknown[]) {
      if (typeof fault !== 'object' || fault === null) continue;
      const record = fault as Record<string, unknown>;
      for (const key of ['atMs', 'durationMs', 'everyMs']) {
        const ms = toDurationMs(record[key]);
        if (ms !== undefined) record[key] = Math.round(ms * factor);
      }
    }
  }
  return `${override.flag}: every load time ×${fmtRate(factor)} (${formatDurationMs(totalMs)} → ${formatDurationMs(override.durationMs)})`;
}

/**
 * Applies overrides to a copy of a scenario input (left to right) and returns it with one note
 * per override, for the run log. Never validates: the caller validates the result.
 */
export function applyOverrides(input: unknown, overrides: readonly Override[]): { input: unknown; notes: string[] } {
  // Not an object: nothing to override; validation reports what is wrong with it.
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return { input, notes: [] };
  const scenario = clone(input as Record<string, unknown>);
  const notes: string[] = [];
  for (const override of overrides) {
    if (override.kind === 'set') {
      setAtPath(scenario, override.path, override.value, override.pathText);
      notes.push(override.value === null ? `${override.flag}: ${override.pathText} back to its default` : `${override.flag}`);
    } else if (override.kind === 'rate') {
      notes.push(applyRate(scenario, override));
    } else {
      notes.push(applyDuration(scenario, override));
    }
  }
  return { input: scenario, notes };
}
