/**
 * The dated story of one run: setup, warm-up, each load phase, faults, probes, drain and
 * verification, as spans (start and end) or instants. The live view names the open span, the
 * report draws their phase and fault markers, result.json keeps them, and Grafana reads the phase
 * metric they set.
 * Pure: times come from the run's clock, never from Date.now() here.
 */
export type TimelineKind = 'setup' | 'warm-up' | 'load' | 'phase' | 'fault' | 'probe' | 'drain' | 'verify' | 'gate' | 'abort' | 'teardown';

export interface TimelineEvent {
  kind: TimelineKind;
  label: string;
  startEpochMs: number;
  /** Null for an instant, or for a span still open when the run ended. */
  endEpochMs: number | null;
}

export interface OpenSpan {
  /** Closes the span at `atEpochMs` or the clock's now (idempotent: a second call changes nothing). */
  end(atEpochMs?: number): void;
}

export class Timeline {
  readonly #events: TimelineEvent[] = [];
  readonly #listeners: Array<(event: TimelineEvent) => void> = [];

  constructor(private readonly nowEpochMs: () => number) {}

  /** An instant (a fault injected, a gate failed). */
  mark(kind: TimelineKind, label: string, atEpochMs = this.nowEpochMs()): TimelineEvent {
    const event: TimelineEvent = { kind, label, startEpochMs: Math.round(atEpochMs), endEpochMs: null };
    this.#push(event);
    return event;
  }

  /** A span from now (or `atEpochMs`) until end() is called. */
  begin(kind: TimelineKind, label: string, atEpochMs = this.nowEpochMs()): OpenSpan {
    const event: TimelineEvent = { kind, label, startEpochMs: Math.round(atEpochMs), endEpochMs: null };
    this.#push(event);
    return {
      end: (at = this.nowEpochMs()) => {
        if (event.endEpochMs === null) event.endEpochMs = Math.max(event.startEpochMs, Math.round(at));
      },
    };
  }

  /** A span whose both ends are known already (the load phases, laid out by the schedule). */
  add(kind: TimelineKind, label: string, startEpochMs: number, endEpochMs: number): TimelineEvent {
    const event: TimelineEvent = { kind, label, startEpochMs: Math.round(startEpochMs), endEpochMs: Math.round(endEpochMs) };
    this.#push(event);
    return event;
  }

  /** Called for every event as it is added (the metrics exporter, the live view). */
  onEvent(listener: (event: TimelineEvent) => void): void {
    this.#listeners.push(listener);
  }

  /** The innermost span open at `atEpochMs` of the given kinds, latest start first. */
  current(kinds: readonly TimelineKind[], atEpochMs = this.nowEpochMs()): TimelineEvent | null {
    let found: TimelineEvent | null = null;
    for (const e of this.#events) {
      if (!kinds.includes(e.kind) || e.startEpochMs > atEpochMs) continue;
      const open = e.endEpochMs === null ? true : atEpochMs < e.endEpochMs;
      if (open && (found === null || e.startEpochMs >= found.startEpochMs)) found = e;
    }
    return found;
  }

  /** Every event, in start order (stable for equal starts). */
  events(): TimelineEvent[] {
    return this.#events.map((e) => ({ ...e })).sort((a, b) => a.startEpochMs - b.startEpochMs);
  }

  #push(event: TimelineEvent): void {
    this.#events.push(event);
    for (const listener of this.#listeners) listener(event);
  }
}
