import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { parseSchedule, type Phase, type PhaseKind, type PhaseSequence, type Schedule } from './schedule-config.js';

/**
 * Compiles a schedule into linear-rate segments on one time axis. Every phase kind is a few
 * segments whose rate is linear in t (constant: from = to); an overlay is compiled by cutting all
 * sequences at the union of their breakpoints and adding the (still linear) rates piece by piece.
 */

export interface Segment {
  readonly startMs: number;
  readonly endMs: number;
  /** endMs − startMs, > 0. */
  readonly durationMs: number;
  /** Rate at startMs and (as a left limit) at startMs + durationMs, events/s. */
  readonly fromRate: number;
  readonly toRate: number;
  /** N at the segment start and end (cumulative events). */
  readonly countBefore: number;
  readonly countAfter: number;
}

export interface PhaseRef {
  readonly sequenceIndex: number;
  readonly phaseIndex: number;
  /** The phase's name, or `<kind>-<phaseIndex>` when it has none. */
  readonly name: string;
  readonly kind: PhaseKind;
  readonly startMs: number;
  readonly endMs: number;
}

export interface CompiledSchedule {
  readonly segments: readonly Segment[];
  readonly phases: readonly PhaseRef[];
  readonly totalDurationMs: number;
  /** N(T), possibly fractional. */
  readonly totalCount: number;
  readonly totalEvents: number;
}

type Piece = { startMs: number; endMs: number; fromRate: number; toRate: number };

/**
 * Sums of r·d/1000 pick up float noise (0.1·3 ≠ 0.3); a count within 1e-9 (relative) of an
 * integer is that integer, so a phase meant to hold k events never gains a phantom (k+1)-th.
 */
function snapCount(count: number): number {
  const nearest = Math.round(count);
  return Math.abs(count - nearest) <= 1e-9 * Math.max(1, Math.abs(count)) ? nearest : count;
}

/** Pieces of one phase on [startMs, endMs); boundaries are computed from the phase start, never summed. */
function phasePieces(phase: Phase, startMs: number, endMs: number): Piece[] {
  const d = phase.durationMs;
  switch (phase.kind) {
    case 'constant':
      return [{ startMs, endMs, fromRate: phase.rateEventsPerS, toRate: phase.rateEventsPerS }];
    case 'ramp':
      return [{ startMs, endMs, fromRate: phase.fromRateEventsPerS, toRate: phase.toRateEventsPerS }];
    case 'step': {
      const pieces: Piece[] = [];
      const delta = phase.toRateEventsPerS - phase.fromRateEventsPerS;
      for (let k = 0; k < phase.steps; k += 1) {
        const levelStart = startMs + (d * k) / phase.steps;
        const levelEnd = k === phase.steps - 1 ? endMs : startMs + (d * (k + 1)) / phase.steps;
        const r = k === phase.steps - 1 ? phase.toRateEventsPerS : phase.fromRateEventsPerS + (delta * k) / (phase.steps - 1);
        pieces.push({ startMs: levelStart, endMs: levelEnd, fromRate: r, toRate: r });
      }
      return pieces;
    }
    case 'spike': {
      const base = phase.baseRateEventsPerS;
      const peak = phase.peakRateEventsPerS;
      const spikeEndMs = phase.spikeAtMs + phase.spikeDurationMs;
      const pieces: Piece[] = [];
      const spikeStart = startMs + phase.spikeAtMs;
      const spikeEnd = spikeEndMs < d ? startMs + spikeEndMs : endMs;
      if (phase.spikeAtMs > 0) pieces.push({ startMs, endMs: spikeStart, fromRate: base, toRate: base });
      pieces.push({ startMs: spikeStart, endMs: spikeEnd, fromRate: peak, toRate: peak });
      if (spikeEndMs < d) pieces.push({ startMs: spikeEnd, endMs, fromRate: base, toRate: base });
      return pieces;
    }
  }
}

function sequencePieces(sequence: PhaseSequence, sequenceIndex: number, phases: PhaseRef[]): Piece[] {
  const pieces: Piece[] = [];
  let cursorMs = 0;
  sequence.phases.forEach((phase, phaseIndex) => {
    const endMs = cursorMs + phase.durationMs;
    pieces.push(...phasePieces(phase, cursorMs, endMs));
    const name = phase.name ?? `${phase.kind}-${phaseIndex}`;
    phases.push({ sequenceIndex, phaseIndex, name, kind: phase.kind, startMs: cursorMs, endMs });
    cursorMs = endMs;
  });
  return pieces;
}

function rateOf(piece: Piece, tMs: number): number {
  if (tMs >= piece.endMs) return piece.toRate;
  return piece.fromRate + ((piece.toRate - piece.fromRate) * (tMs - piece.startMs)) / (piece.endMs - piece.startMs);
}

/** Sum of several piecewise-linear rates: cut at every breakpoint, add rates at both cut ends. */
function overlayPieces(sequences: readonly Piece[][]): Piece[] {
  const cuts = new Set<number>();
  for (const pieces of sequences) {
    for (const p of pieces) {
      cuts.add(p.startMs);
      cuts.add(p.endMs);
    }
  }
  const times = [...cuts].sort((x, y) => x - y);
  const cursors = sequences.map(() => 0);
  const result: Piece[] = [];
  for (let c = 0; c + 1 < times.length; c += 1) {
    const a = times[c]!;
    const b = times[c + 1]!;
    let fromRate = 0;
    let toRate = 0;
    sequences.forEach((pieces, j) => {
      let k = cursors[j]!;
      while (k < pieces.length && pieces[k]!.endMs <= a) k += 1;
      cursors[j] = k;
      const piece = pieces[k];
      if (piece === undefined || piece.startMs > a) return; // this sequence has ended
      fromRate += rateOf(piece, a);
      toRate += rateOf(piece, b);
    });
    result.push({ startMs: a, endMs: b, fromRate, toRate });
  }
  return result;
}

const cache = new WeakMap<object, CompiledSchedule>();

export function compileSchedule(schedule: Schedule): CompiledSchedule {
  const cached = cache.get(schedule);
  if (cached !== undefined) return cached;
  const parsed = parseSchedule(schedule);
  const sequences = 'overlay' in parsed ? parsed.overlay : [parsed];
  const phases: PhaseRef[] = [];
  const perSequence = sequences.map((sequence, index) => sequencePieces(sequence, index, phases));
  const pieces = perSequence.length === 1 ? perSequence[0]! : overlayPieces(perSequence);

  const segments: Segment[] = [];
  let count = 0;
  for (const p of pieces) {
    const durationMs = p.endMs - p.startMs;
    if (!(durationMs > 0)) continue;
    const countAfter = snapCount(count + ((p.fromRate + p.toRate) / 2) * (durationMs / 1000));
    segments.push({ ...p, durationMs, countBefore: count, countAfter });
    count = countAfter;
  }
  const last = segments[segments.length - 1]!;
  const totalEvents = Math.ceil(count);
  if (!Number.isSafeInteger(totalEvents)) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `schedule holds ${count} events, more than can be numbered`, {
      hint: 'shorten the schedule or lower its rates',
    });
  }
  const compiled: CompiledSchedule = {
    segments,
    phases,
    totalDurationMs: last.endMs,
    totalCount: count,
    totalEvents,
  };
  cache.set(schedule, compiled);
  return compiled;
}
