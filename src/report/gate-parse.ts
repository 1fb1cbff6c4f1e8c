import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { didYouMean } from '../base/suggest.js';
import { COUNTER_NAMES, STAGE_NAMES, type CounterName, type StageName } from './result-schema.js';

/**
 * Threshold expressions, k6-style: `p99(l3) < 2s`, `lost == 0`, `achievedRate >= 0.98 * target`.
 * The grammar is written out in docs/gates.md; this file is its only implementation.
 *
 *   gate     := metric op value ["abortOnFail"]
 *   metric   := "p" NUM "(" stage ")" [scope] | ("max" | "mean") "(" stage ")" [scope] | counter | "achievedRate"
 *   scope    := "{" "phase" ":" NAME "}"          (only the samples of that load phase)
 *   op       := "<" | "<=" | ">" | ">=" | "==" | "!="
 *   value    := NUM [unit] | NUM "*" "target" | "target"
 *   unit     := "ms" | "s" | "%"
 *
 * Every value is converted at parse time into the metric's own unit (ms for latency, events/s
 * for the rate, seconds for *S counters, a fraction 0..1 for *Share counters, events otherwise),
 * so evaluation is unit-free.
 */

export const GATE_OPS = ['<', '<=', '>', '>=', '==', '!='] as const;
export type GateOp = (typeof GATE_OPS)[number];

/** Short names accepted in `pNN(stage)`; the full stage names are accepted too. */
export const STAGE_ALIASES: Readonly<Record<string, StageName>> = {
  l1: 'l1_produce',
  l2: 'l2_ingest',
  l3: 'l3_window',
  freshness: 'l3_freshness',
  l4: 'l4_delivery',
  http: 'http_ingest',
  lag: 'schedule_lag',
};

/**
 * `phase`: only the samples of the load phase of that name (by the second each event was
 * intended in), e.g. a capacity probe's hold without its settle seconds, or a spike alone.
 */
export type GateMetric =
  | { kind: 'percentile'; stage: StageName; percentile: number; phase?: string }
  | { kind: 'max' | 'mean'; stage: StageName; phase?: string }
  | { kind: 'counter'; name: CounterName }
  | { kind: 'achievedRate' };

export type GateThreshold =
  /** A plain number already in the metric's unit. */
  | { kind: 'absolute'; value: number }
  /** factor × the run's target rate (`0.98 * target`, `98%` on achievedRate). */
  | { kind: 'ofTarget'; factor: number }
  /** fraction × counters.scheduled (`0.1%` on an event counter). */
  | { kind: 'ofScheduled'; fraction: number };

export interface Gate {
  /** The expression as written (trimmed): what reports show. */
  expression: string;
  metric: GateMetric;
  op: GateOp;
  threshold: GateThreshold;
  abortOnFail: boolean;
}

/** The object form, for scenario files that prefer k6's `{ threshold, abortOnFail }`. */
export interface GateSpec {
  threshold: string;
  abortOnFail?: boolean;
}

type MetricUnit = 'ms' | 'events/s' | 'events' | 's' | 'fraction';

export function metricUnit(metric: GateMetric): MetricUnit {
  if (metric.kind === 'achievedRate') return 'events/s';
  if (metric.kind === 'counter') return metric.name.endsWith('Share') ? 'fraction' : metric.name.endsWith('S') ? 's' : 'events';
  return 'ms';
}

const UNITS_FOR: Record<MetricUnit, string> = { ms: 'ms, s', s: 's, ms', events: '%', 'events/s': '%, * target', fraction: '%' };

class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos += 1;
  }
  /** Reads /pattern/ anchored at the current position (after spaces); null when absent. */
  take(pattern: RegExp): string | null {
    this.skipSpace();
    const match = new RegExp(pattern.source, 'y');
    match.lastIndex = this.pos;
    const found = match.exec(this.text);
    if (!found) return null;
    this.pos += found[0].length;
    return found[0];
  }
  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }
  /** `suggestion` ("did you mean ...?") goes first into the message, where a reader looks. */
  fail(expected: string, at = this.pos, suggestion?: string): never {
    const rest = this.text.slice(at);
    const found = rest.length === 0 ? 'end of expression' : `"${rest.slice(0, 12)}"`;
    throw new StreamproofError(
      ERROR_CODES.INVALID_SCENARIO,
      `invalid threshold "${this.text}" at column ${at + 1}: ${suggestion ? `${suggestion} ` : ''}expected ${expected}, found ${found}`,
      { hint: 'write `<metric> <op> <value>`, e.g. `p99(l3) < 2s`, `lost == 0`, `achievedRate >= 0.98 * target` (docs/gates.md)' },
    );
  }
}

/**
 * Scaling a decimal by 1000 or 1/100 leaves binary noise (1.1 * 1000 = 1100.0000000000002), which
 * would make `p99(l1) <= 1.1s` fail at exactly 1100 ms. Twelve significant digits remove it.
 */
export function cleanScaled(value: number): number {
  return Number(value.toPrecision(12));
}

const NUMBER = /\d+(?:\.\d+)?/;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/;

function parseStage(scanner: Scanner): StageName {
  scanner.skipSpace();
  const at = scanner.pos;
  const word = scanner.take(WORD);
  const stage = word === null ? undefined : (STAGE_ALIASES[word] ?? STAGE_NAMES.find((s) => s === word));
  if (stage === undefined) {
    const names = [...STAGE_NAMES, ...Object.keys(STAGE_ALIASES)];
    scanner.fail(`a stage (${names.join(', ')})`, at, word === null ? undefined : didYouMean(word, names));
  }
  return stage;
}

function parseMetric(scanner: Scanner): GateMetric {
  scanner.skipSpace();
  const at = scanner.pos;
  const word = scanner.take(/p\d+(?:\.\d+)?(?![A-Za-z0-9_.])|[A-Za-z_][A-Za-z0-9_]*/);
  if (word === null) scanner.fail('a metric: pNN(stage), max(stage), mean(stage), a counter or achievedRate', at);
  let metric: GateMetric;
  if (/^p\d/.test(word)) {
    const percentile = Number(word.slice(1));
    if (!(percentile > 0 && percentile <= 100)) scanner.fail('a percentile above 0 and at most 100', at + 1);
    metric = { kind: 'percentile', stage: 'l1_produce', percentile };
  } else if (word === 'max' || word === 'mean') {
    metric = { kind: word, stage: 'l1_produce' };
  } else if (word === 'achievedRate') {
    return { kind: 'achievedRate' };
  } else if ((COUNTER_NAMES as string[]).includes(word)) {
    return { kind: 'counter', name: word as CounterName };
  } else {
    const suggestion = didYouMean(word, [...COUNTER_NAMES, 'achievedRate', 'max', 'mean']);
    scanner.fail(`a metric: pNN(stage), max(stage), mean(stage), achievedRate or a counter (${COUNTER_NAMES.join(', ')})`, at, suggestion);
  }
  if (scanner.take(/\(/) === null) scanner.fail('"("');
  metric.stage = parseStage(scanner);
  if (scanner.take(/\)/) === null) scanner.fail('")"');
  if (scanner.take(/\{/) !== null) {
    const keyAt = scanner.pos;
    if (scanner.take(/phase\b/) === null) scanner.fail('`phase` (the one scope a latency gate takes: `{phase: NAME}`)', keyAt);
    if (scanner.take(/:/) === null) scanner.fail('":" after `phase`');
    const name = scanner.take(/[A-Za-z0-9][A-Za-z0-9._-]*/);
    if (name === null) scanner.fail('a phase name (a `name` of the scenario\'s load phases)');
    if (scanner.take(/\}/) === null) scanner.fail('"}"');
    metric.phase = name;
  }
  return metric;
}

function parseThreshold(scanner: Scanner, metric: GateMetric): GateThreshold {
  const unit = metricUnit(metric);
  scanner.skipSpace();
  const at = scanner.pos;
  if (scanner.take(/target\b/) !== null) {
    if (unit !== 'events/s') scanner.fail(`a number (\`target\` applies to achievedRate only)`, at);
    return { kind: 'ofTarget', factor: 1 };
  }
  const sign = scanner.take(/-/) === null ? 1 : -1;
  const numberText = scanner.take(NUMBER);
  if (numberText === null) scanner.fail('a number', at);
  const value = sign * Number(numberText);
  const numberEnd = scanner.pos;
  scanner.skipSpace();
  const unitAt = scanner.pos;
  if (scanner.take(/\*/) !== null) {
    if (scanner.take(/target\b/) === null) scanner.fail('`target` after "*"');
    if (unit !== 'events/s') scanner.fail('no `* target` (it applies to achievedRate only)', unitAt);
    return { kind: 'ofTarget', factor: value };
  }
  const suffix = scanner.take(/ms\b|s\b|%/);
  if (suffix === null) {
    // `2x`, `5min`: something glued to the number that is not a unit we know.
    if (/[A-Za-z]/.test(scanner.text[numberEnd] ?? '')) scanner.fail(`a unit (${UNITS_FOR[unit]}) or none`, numberEnd);
    return { kind: 'absolute', value };
  }
  if (suffix === '%') {
    if (unit === 'events/s') return { kind: 'ofTarget', factor: cleanScaled(value / 100) };
    if (unit === 'events') return { kind: 'ofScheduled', fraction: cleanScaled(value / 100) };
    if (unit === 'fraction') return { kind: 'absolute', value: cleanScaled(value / 100) };
    scanner.fail(`a unit of time (ms, s) or none: % does not apply to a value in ${unit}`, unitAt);
  }
  if (unit === 'ms') return { kind: 'absolute', value: suffix === 's' ? cleanScaled(value * 1000) : value };
  if (unit === 's') return { kind: 'absolute', value: suffix === 'ms' ? cleanScaled(value / 1000) : value };
  return scanner.fail(`${unit === 'events/s' ? '%, `* target`' : '%'} or no unit: ${suffix} does not apply to a ${unit === 'fraction' ? 'fraction' : `value in ${unit}`}`, unitAt);
}

/**
 * Parses one threshold. Throws StreamproofError(INVALID_SCENARIO) naming the column and what
 * was expected, so a scenario with a bad threshold is rejected before anything starts.
 */
export function parseGate(input: string | GateSpec): Gate {
  const text = typeof input === 'string' ? input : input.threshold;
  const expression = text.trim();
  const scanner: Scanner = new Scanner(expression);
  const metric = parseMetric(scanner);
  scanner.skipSpace();
  const op = scanner.take(/<=|>=|==|!=|<|>/) as GateOp | null;
  if (op === null) scanner.fail(`an operator (${GATE_OPS.join(' ')})`);
  const threshold = parseThreshold(scanner, metric);
  let abortOnFail = typeof input === 'string' ? false : input.abortOnFail === true;
  if (scanner.take(/abortOnFail\b/) !== null) abortOnFail = true;
  if (!scanner.atEnd()) scanner.fail('`abortOnFail` or end of expression');
  if (abortOnFail && 'phase' in metric && metric.phase !== undefined) {
    // Live gates read the run's figures so far, which are not split by phase.
    throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, `invalid threshold "${expression}": a gate scoped to a phase ({phase: ${metric.phase}}) cannot be abortOnFail`, {
      hint: 'phase-scoped gates are judged when the run ends; for a live stop use the same gate without the scope',
    });
  }
  return { expression, metric, op, threshold, abortOnFail };
}

/** Parses every threshold and reports every bad one at once (k6's Validate habit). */
export function parseGates(inputs: ReadonlyArray<string | GateSpec>): Gate[] {
  const gates: Gate[] = [];
  const problems: string[] = [];
  for (const input of inputs) {
    try {
      gates.push(parseGate(input));
    } catch (error) {
      if (!(error instanceof StreamproofError)) throw error;
      problems.push(error.message);
    }
  }
  if (problems.length > 0) {
    throw new StreamproofError(ERROR_CODES.INVALID_SCENARIO, problems.join('\n'), {
      hint: 'see docs/gates.md for the threshold grammar',
    });
  }
  return gates;
}
