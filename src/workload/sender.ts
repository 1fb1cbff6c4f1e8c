import type { Clock } from '../base/clock.js';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { EventGenerator } from './generator.js';
import { createInlineSource, type RecordSource, type SourcedRecord } from './record-source.js';
import { dueCount, totalDurationMs, totalEvents, type Schedule } from './schedule.js';

/**
 * The open-loop sender (OpenMessaging Benchmark style): the schedule alone decides when each event
 * is due; the sender never waits for an ack to decide when the next one goes out. The transport
 * port is tiny and every timing is taken here, so no transport can bias the measurements.
 *
 * Per event: due = start + t_i. Sleep until due (sending everything already due back to back, then
 * sleeping once for the next); take a free in-flight slot; build the event with intendedAt = due;
 * call port.send without awaiting it. Schedule lag = actual send − due; ack latency (L1) =
 * ack − due. A full in-flight window or a slow generator shows up as schedule lag, never as
 * skipped events: an event that falls behind is still sent, late. An event is on time when its
 * schedule lag is at most `onTimeMs` (docs/results.md, on time and late), and the sender counts
 * on-time sends, late sends and acks of on-time sends (what the achieved rate is made of).
 *
 * Records come from a RecordSource (record-source.ts): inline (built here when due, the old
 * path) or built ahead by a load worker thread and handed over in batches. Either way the lag is
 * taken here, when the record is handed to the port; a source with nothing ready yet makes the
 * sender wait (flushing its burst first), and that wait is lag like any other.
 */

/** What became of a group of records: the indexes (into the group) of those that failed, with why. */
export interface GroupOutcome {
  failed: Array<{ index: number; error: unknown }>;
}

export interface EventPort {
  /** Resolves when the broker has acknowledged the record; rejects when it will not. */
  send(key: string, value: string): Promise<void>;
  /**
   * Optional, the hot path: the events of one burst as one group, one promise for all of them
   * (never rejects; lists the failed ones). Without it the sender calls send() per event.
   */
  sendMany?(records: ReadonlyArray<{ key: string; value: string }>): Promise<GroupOutcome>;
}

/** The sender's time: monotonic for schedule and latencies, epoch only to stamp intendedAt. */
export type SenderClock = Clock;

/** Resolves at (or after) monotonic time `monoMs`, at once if it has passed, early when `signal` aborts. */
export type SleepUntil = (monoMs: number, signal: AbortSignal) => Promise<void>;

export interface SendRecorder {
  recordScheduleLagMs(ms: number): void;
  recordAckLatencyMs(ms: number): void;
  /** Optional: ack − actual send (L1 without the sender's own lateness), per acked event. */
  recordAckFromSendMs?(ms: number): void;
  /** `sentOnTime`: the acknowledged send had a schedule lag of at most onTimeMs. */
  onAcked(generatorId: string, seq: number, key: string, sentOnTime: boolean): void;
  onFailed(generatorId: string, seq: number, error: unknown): void;
  /** Optional: every record as it is handed to the port (e.g. for a ledger of malformed seqs); `onTime` as for onAcked. */
  onSent?(record: SourcedRecord, intendedAtEpochMs: number, onTime: boolean): void;
}

/** Default on-time bound: an event handed to the transport within 100 ms of its intended time is on time. */
export const DEFAULT_ON_TIME_MS = 100;

export interface LagWarning {
  readonly lagMs: number;
  readonly thresholdMs: number;
  readonly generatorId: string;
  readonly seq: number;
}

export interface SenderOptions {
  readonly schedule: Schedule;
  /** Builds the records inline (on this thread, when due) unless `source` is given. */
  readonly generator?: Pick<EventGenerator, 'generatorId' | 'next'>;
  /** The records in schedule order, e.g. from load workers (the sender does not close it). */
  readonly source?: RecordSource;
  readonly port: EventPort;
  readonly clock: SenderClock;
  readonly sleepUntil: SleepUntil;
  readonly recorder: SendRecorder;
  /** Epoch ms of schedule offset 0 (lets several generators start together); default: now at run(). */
  readonly startEpochMs?: number;
  /** Sends awaiting an ack at most; when full the sender waits for a slot (visible as lag). */
  readonly maxInFlight: number;
  /** A send with schedule lag ≤ this is on time, else late; default DEFAULT_ON_TIME_MS (100 ms). */
  readonly onTimeMs?: number;
  /** Warn once (k6 style) when schedule lag first exceeds this; default 1000 ms. */
  readonly lagWarningThresholdMs?: number;
  readonly onLagWarning?: (warning: LagWarning) => void;
  /** After the last send (or stop), how long to wait for outstanding acks; default 30 s. */
  readonly drainTimeoutMs?: number;
  /**
   * A sender far behind stops sending this long after the schedule's end instead of sending its
   * backlog for minutes (the summary says `cutOff`; the events never sent are due, not sent);
   * default 30 s, as the HTTP driver's cut-off.
   */
  readonly lateCutoffMs?: number;
  /** Events sent back to back before yielding to the event loop; default 1000. */
  readonly maxBatchEvents?: number;
  /** Aborting it is the same as stop() (wire Ctrl-C here). */
  readonly signal?: AbortSignal;
}

export interface SenderCounters {
  readonly sent: number;
  readonly acked: number;
  readonly failed: number;
  readonly malformed: number;
  /** Sent with schedule lag ≤ onTimeMs. */
  readonly onTime: number;
  /** Sent with schedule lag > onTimeMs (sent late, never skipped); onTime + sentLate = sent. */
  readonly sentLate: number;
  /** Acknowledged events that had been sent on time. */
  readonly onTimeAcked: number;
  /**
   * Of sentLate, events that fell due before their record had reached the sender (it was waiting
   * for its source, e.g. a load worker that could not build fast enough): the generator's share
   * of the lateness; the rest was the sending thread's (producer, acks, ledger).
   */
  readonly lateAwaitingSource: number;
  readonly inFlight: number;
  readonly maxScheduleLagMs: number;
}

export interface SenderSummary extends SenderCounters {
  /** 'completed': every scheduled event was sent; 'stopped': stop() or the signal ended it early. */
  readonly state: 'completed' | 'stopped';
  /** Events intended at or before the end (all of them when completed); scheduled − sent were due but never sent. */
  readonly scheduled: number;
  /** Sends still unacknowledged when the drain timed out (neither acked nor failed; report, never count as lost). */
  readonly unresolved: number;
  readonly startEpochMs: number;
  /** Monotonic ms from schedule start to the return of run(). */
  readonly elapsedMs: number;
  readonly lagWarned: boolean;
  /** Stopped by the late cut-off (lateCutoffMs past the schedule's end) with events still unsent. */
  readonly cutOff: boolean;
}

export interface Sender {
  run(): Promise<SenderSummary>;
  /** No new sends start after this; run() then awaits in-flight sends (up to the drain timeout). */
  stop(): void;
  counters(): SenderCounters;
}

/** A finite, non-negative on-time bound (ms). */
export function onTimeBoundMs(value: number | undefined): number {
  const ms = value ?? DEFAULT_ON_TIME_MS;
  if (!Number.isFinite(ms) || ms < 0) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `onTimeMs must be a finite number ≥ 0, got ${ms}`, {
      hint: `set run.onTimeMs to a duration, e.g. '100ms' (the default)`,
    });
  }
  return ms;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `${name} must be an integer ≥ 1, got ${value}`, {
      hint: `set ${name} to a positive integer`,
    });
  }
  return value;
}

function recordSourceOf(options: SenderOptions): RecordSource {
  if (options.source) return options.source;
  if (options.generator) return createInlineSource(options.schedule, options.generator);
  throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, 'the sender needs a generator or a record source', { hint: 'pass generator (inline) or source (load workers)' });
}

export function createSender(options: SenderOptions): Sender {
  const { schedule, port, clock, sleepUntil, recorder } = options;
  const source = recordSourceOf(options);
  const maxInFlight = positiveInteger(options.maxInFlight, 'maxInFlight');
  const maxBatchEvents = positiveInteger(options.maxBatchEvents ?? 1000, 'maxBatchEvents');
  const onTimeMs = onTimeBoundMs(options.onTimeMs);
  const lagThresholdMs = options.lagWarningThresholdMs ?? 1000;
  const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
  const stopController = new AbortController();

  let started = false;
  let stopped = false;
  let sent = 0;
  let acked = 0;
  let failed = 0;
  let malformed = 0;
  let onTime = 0;
  let sentLate = 0;
  let onTimeAcked = 0;
  let lateAwaitingSource = 0;
  /** When the sender last got records after waiting for its source: records due before that were not ready when due. */
  let sourceWaitEndMono = Number.NEGATIVE_INFINITY;
  let inFlight = 0;
  let maxScheduleLagMs = 0;
  let lagWarned = false;
  let wakeWaiter: (() => void) | undefined;

  /** One waiter at a time: the run loop (for a slot) or the drain (for the last acks). */
  function waitForSettlement(): Promise<void> {
    return new Promise<void>((resolve) => {
      wakeWaiter = resolve;
    });
  }

  function wake(): void {
    const waiter = wakeWaiter;
    wakeWaiter = undefined;
    waiter?.();
  }

  function stop(): void {
    if (stopped) return;
    stopped = true;
    stopController.abort();
    wake();
  }

  function onAck(gen: string, seq: number, key: string, dueMono: number, lagMs: number, sentOnTime: boolean, ackMono: number): void {
    inFlight -= 1;
    acked += 1;
    if (sentOnTime) onTimeAcked += 1;
    recorder.recordAckLatencyMs(ackMono - dueMono);
    recorder.recordAckFromSendMs?.(ackMono - dueMono - lagMs);
    recorder.onAcked(gen, seq, key, sentOnTime);
  }

  function onFail(gen: string, seq: number, error: unknown): void {
    inFlight -= 1;
    failed += 1;
    recorder.onFailed(gen, seq, error);
  }

  /**
   * The burst being built (hot path, port.sendMany): the events sent back to back since the
   * sender last waited go to the port as one group when it is about to wait, so a burst costs one
   * promise and one acknowledgement pass, not one per event.
   */
  const sendMany = port.sendMany?.bind(port);
  let burst: Array<{ key: string; value: string }> = [];
  let burstSeqs: number[] = [];
  let burstGens: string[] = [];
  let burstDue: number[] = [];
  let burstOnTime: boolean[] = [];
  let burstLag: number[] = [];

  function flushBurst(): void {
    if (burst.length === 0 || !sendMany) return;
    const records = burst;
    const seqs = burstSeqs;
    const gens = burstGens;
    const dues = burstDue;
    const onTimes = burstOnTime;
    const lags = burstLag;
    burstLag = [];
    burst = [];
    burstSeqs = [];
    burstGens = [];
    burstDue = [];
    burstOnTime = [];
    let pending: Promise<GroupOutcome>;
    try {
      pending = sendMany(records);
    } catch (error) {
      pending = Promise.resolve({ failed: records.map((_, index) => ({ index, error })) });
    }
    pending.then(
      (outcome) => {
        const ackMono = clock.monoMs();
        const failedAt = new Map<number, unknown>();
        for (const f of outcome.failed) failedAt.set(f.index, f.error);
        for (let i = 0; i < records.length; i += 1) {
          if (failedAt.size > 0 && failedAt.has(i)) onFail(gens[i] as string, seqs[i] as number, failedAt.get(i));
          else onAck(gens[i] as string, seqs[i] as number, (records[i] as { key: string }).key, dues[i] as number, lags[i] as number, onTimes[i] as boolean, ackMono);
        }
        wake();
      },
      (error: unknown) => {
        for (let i = 0; i < records.length; i += 1) onFail(gens[i] as string, seqs[i] as number, error);
        wake();
      },
    );
  }

  function sendOne(offsetMs: number, dueMono: number, startEpochMs: number): void {
    const intendedAtEpochMs = startEpochMs + offsetMs;
    const record = source.take(intendedAtEpochMs);
    const seq = record.seq;
    const gen = record.generatorId;
    const key = record.key;
    const lagMs = clock.monoMs() - dueMono;
    const sentOnTime = lagMs <= onTimeMs;
    sent += 1;
    if (sentOnTime) onTime += 1;
    else {
      sentLate += 1;
      if (dueMono < sourceWaitEndMono) lateAwaitingSource += 1;
    }
    if (record.malformed) malformed += 1;
    inFlight += 1;
    if (sendMany) {
      burst.push({ key, value: record.json });
      burstSeqs.push(seq);
      burstGens.push(gen);
      burstDue.push(dueMono);
      burstOnTime.push(sentOnTime);
      burstLag.push(lagMs);
    } else {
      let pending: Promise<void>;
      try {
        pending = port.send(key, record.json);
      } catch (error) {
        pending = Promise.reject(error);
      }
      pending.then(
        () => {
          onAck(gen, seq, key, dueMono, lagMs, sentOnTime, clock.monoMs());
          wake();
        },
        (error: unknown) => {
          onFail(gen, seq, error);
          wake();
        },
      );
    }
    // Recorded after send() so the port sees the record as early as possible; lagMs was taken before.
    recorder.recordScheduleLagMs(lagMs);
    recorder.onSent?.(record, intendedAtEpochMs, sentOnTime);
    if (lagMs > maxScheduleLagMs) maxScheduleLagMs = lagMs;
    if (!lagWarned && lagMs > lagThresholdMs) {
      lagWarned = true;
      options.onLagWarning?.({ lagMs, thresholdMs: lagThresholdMs, generatorId: gen, seq });
    }
  }

  async function drain(): Promise<void> {
    if (inFlight === 0) return;
    const drainController = new AbortController();
    let timedOut = false;
    void sleepUntil(clock.monoMs() + drainTimeoutMs, drainController.signal).then(() => {
      timedOut = true;
      wake();
    });
    while (inFlight > 0 && !timedOut) await waitForSettlement();
    drainController.abort();
  }

  async function run(): Promise<SenderSummary> {
    if (started) {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, 'this sender has already run', { hint: 'create a new sender per run' });
    }
    started = true;
    const onAbort = (): void => stop();
    if (options.signal?.aborted) stop();
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const monoAtRun = clock.monoMs();
    const epochAtRun = clock.epochMs();
    const startEpochMs = options.startEpochMs ?? epochAtRun;
    // Monotonic time of schedule offset 0: due times never depend on wall-clock jumps.
    const monoBase = monoAtRun + (startEpochMs - epochAtRun);
    let stopMono = monoBase;
    let batch = 0;
    let allSent = false;
    let sourceError: unknown;
    let cutOff = false;
    const cutoffMono = monoBase + totalDurationMs(schedule) + (options.lateCutoffMs ?? 30_000);
    source.start(startEpochMs);
    try {
      for (;;) {
        let next = source.peekOffsetMs();
        while (next === undefined && !stopped) {
          // Nothing built yet (a load worker behind): send what is ready, then wait for it.
          batch = 0;
          flushBurst();
          try {
            await source.whenReady(stopController.signal);
            sourceWaitEndMono = clock.monoMs();
          } catch (error) {
            // The source failed (a load worker died): stop sending, settle what is in flight, then report it.
            sourceError = error;
            stop();
            break;
          }
          next = source.peekOffsetMs();
        }
        if (stopped || next === null || next === undefined) break;
        const offsetMs = next;
        const dueMono = monoBase + offsetMs;
        while (!stopped && clock.monoMs() < dueMono) {
          batch = 0;
          flushBurst();
          await sleepUntil(dueMono, stopController.signal);
        }
        while (!stopped && inFlight >= maxInFlight) {
          flushBurst();
          await waitForSettlement();
        }
        if (!stopped && batch >= maxBatchEvents) {
          // Far behind schedule: let acks and other I/O run before the next burst.
          batch = 0;
          flushBurst();
          await sleepUntil(clock.monoMs(), stopController.signal);
        }
        if (stopped) break;
        if (clock.monoMs() > cutoffMono) {
          cutOff = true;
          break;
        }
        sendOne(offsetMs, dueMono, startEpochMs);
        batch += 1;
      }
      flushBurst();
      allSent = !stopped && !cutOff;
      stopMono = clock.monoMs();
      await drain();
    } finally {
      options.signal?.removeEventListener('abort', onAbort);
    }
    if (sourceError !== undefined) throw sourceError;
    const state = allSent ? 'completed' : 'stopped';
    const scheduled = state === 'completed' ? totalEvents(schedule) : Math.max(sent, dueCount(schedule, stopMono - monoBase));
    return {
      state,
      scheduled,
      ...counters(),
      unresolved: inFlight,
      startEpochMs,
      elapsedMs: clock.monoMs() - monoBase,
      lagWarned,
      cutOff,
    };
  }

  function counters(): SenderCounters {
    return { sent, acked, failed, malformed, onTime, sentLate, onTimeAcked, lateAwaitingSource, inFlight, maxScheduleLagMs };
  }

  return { run, stop, counters };
}
