import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { compileSchedule, type CompiledSchedule, type PhaseRef, type Segment } from './schedule-compile.js';
import type { Schedule } from './schedule-config.js';

export * from './schedule-config.js';
export type { PhaseRef } from './schedule-compile.js';

/**
 * Exact intended-time math for a load schedule.
 *
 * r(t) is the rate (events/s) at t ms from the start: piecewise linear in t (constant, ramp, step
 * and spike phases are all linear pieces; an overlay sums pieces). N(t) = ∫₀ᵗ r(τ) dτ / 1000 is the
 * number of events due by t. Event i (0-based) is intended at
 *
 *     t_i = inf { t : N(t) > i }
 *
 * i.e. where N reaches i with a positive rate right after. Where N is strictly increasing this is
 * the t with N(t) = i (constant rate r from 0 gives t_i = i·1000/r exactly, as OpenMessaging
 * Benchmark does); across a zero-rate stretch the event waits for the rate to come back instead of
 * firing at the start of the pause. Phases are half-open [start, end), so a phase of rate r and
 * length d holds exactly r·d/1000 events when that is an integer, none of them at its end.
 * The schedule has ceil(N(T)) events in total.
 *
 * Schedules are compiled once per object (treat them as immutable).
 */

function eventsInRange(compiled: CompiledSchedule, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= compiled.totalEvents) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `event index ${index} is outside the schedule (0..${compiled.totalEvents - 1})`, {
      hint: 'ask only for indices below totalEvents(schedule)',
    });
  }
}

/**
 * τ within a segment where the segment's own count reaches n (0 ≤ n < segment count).
 * Linear rate r0→r1 over d ms: N(τ) = (r0·τ + (r1 − r0)·τ²/(2d)) / 1000. Solving a·τ² + b·τ = n
 * with a = (r1 − r0)/(2000·d), b = r0/1000 uses the root 2n / (b + √(b² + 4an)), which has no
 * cancellation for rising or falling ramps and stays finite when r0 = 0.
 */
function offsetWithinSegment(segment: Segment, n: number): number {
  if (n <= 0) return 0;
  const { fromRate: r0, toRate: r1, durationMs: d } = segment;
  if (r0 === r1) return Math.min(d, (n * 1000) / r0);
  const a = (r1 - r0) / (2000 * d);
  const b = r0 / 1000;
  const discriminant = Math.max(0, b * b + 4 * a * n);
  return Math.min(d, (2 * n) / (b + Math.sqrt(discriminant)));
}

function intendedOffsetInSegment(segment: Segment, index: number): number {
  return segment.startMs + offsetWithinSegment(segment, index - segment.countBefore);
}

/** Index of the first segment whose cumulative count at its end exceeds `index`. */
function segmentHoldingEvent(compiled: CompiledSchedule, index: number): number {
  const segments = compiled.segments;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (segments[mid]!.countAfter > index) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Index of the segment with startMs ≤ t < end, or -1 outside [0, T). */
function segmentAtTime(compiled: CompiledSchedule, tMs: number): number {
  if (!(tMs >= 0) || tMs >= compiled.totalDurationMs) return -1;
  const segments = compiled.segments;
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (segments[mid]!.startMs <= tMs) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function totalDurationMs(schedule: Schedule): number {
  return compileSchedule(schedule).totalDurationMs;
}

/** Number of events in the schedule: ceil(N(T)). */
export function totalEvents(schedule: Schedule): number {
  return compileSchedule(schedule).totalEvents;
}

/** r(t) in events/s; 0 before the start and from the end on. */
export function rateAt(schedule: Schedule, tMs: number): number {
  const compiled = compileSchedule(schedule);
  const k = segmentAtTime(compiled, tMs);
  if (k < 0) return 0;
  const s = compiled.segments[k]!;
  return s.fromRate + ((s.toRate - s.fromRate) * (tMs - s.startMs)) / s.durationMs;
}

/** N(t) = ∫₀ᵗ r / 1000: the (fractional) number of events due by t. */
export function expectedCount(schedule: Schedule, tMs: number): number {
  const compiled = compileSchedule(schedule);
  if (!(tMs > 0)) return 0;
  if (tMs >= compiled.totalDurationMs) return compiled.totalCount;
  const s = compiled.segments[segmentAtTime(compiled, tMs)]!;
  const tau = tMs - s.startMs;
  const within = (s.fromRate * tau + ((s.toRate - s.fromRate) * tau * tau) / (2 * s.durationMs)) / 1000;
  return Math.min(s.countAfter, s.countBefore + within);
}

/** t_i in ms from the start, for one event (O(log segments)). */
export function intendedOffsetMs(schedule: Schedule, index: number): number {
  const compiled = compileSchedule(schedule);
  eventsInRange(compiled, index);
  return intendedOffsetInSegment(compiled.segments[segmentHoldingEvent(compiled, index)]!, index);
}

/** t_0, t_1, … in order; the same numbers as intendedOffsetMs, without a search per event. */
export function* intendedOffsetsMs(schedule: Schedule, fromIndex = 0): Generator<number, void, undefined> {
  const compiled = compileSchedule(schedule);
  if (fromIndex >= compiled.totalEvents) return;
  eventsInRange(compiled, fromIndex);
  let k = segmentHoldingEvent(compiled, fromIndex);
  for (let i = fromIndex; i < compiled.totalEvents; i += 1) {
    while (compiled.segments[k]!.countAfter <= i) k += 1;
    yield intendedOffsetInSegment(compiled.segments[k]!, i);
  }
}

/** How many events are intended at or before t (t_i ≤ t): what a perfect sender has sent by t. */
export function dueCount(schedule: Schedule, tMs: number): number {
  const compiled = compileSchedule(schedule);
  let lo = 0;
  let hi = compiled.totalEvents;
  // Invariant: events below lo are due by t, events from hi on are not.
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    const t = intendedOffsetInSegment(compiled.segments[segmentHoldingEvent(compiled, mid)]!, mid);
    if (t <= tMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Every phase with its absolute [startMs, endMs), in sequence then phase order (for markers). */
export function listPhases(schedule: Schedule): readonly PhaseRef[] {
  return compileSchedule(schedule).phases;
}

/** The phases running at t, one per sequence still running (an overlay can have several). */
export function phasesAt(schedule: Schedule, tMs: number): PhaseRef[] {
  return compileSchedule(schedule).phases.filter((p) => p.startMs <= tMs && tMs < p.endMs);
}

/** The phase running at t in the first sequence still running; undefined outside the schedule. */
export function phaseAt(schedule: Schedule, tMs: number): PhaseRef | undefined {
  return phasesAt(schedule, tMs)[0];
}
