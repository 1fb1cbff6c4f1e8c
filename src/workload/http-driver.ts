import autocannon from 'autocannon';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { type Clock, systemClock } from '../base/clock.js';
import type { EventGenerator } from './generator.js';
import type { PlannedRequest } from './http-driver-plan.js';
import { type HeldBy, type HttpDriverSummary, type Outcome, type TallySinks, createTally } from './http-driver-tally.js';
import { createInlineRequestSource, type RequestSource } from './request-source.js';
import { totalDurationMs, type Schedule } from './schedule.js';
import { onTimeBoundMs } from './sender.js';

/**
 * Drives the HTTP collector (`POST /events`) with autocannon, open loop (docs/http-ingest.md).
 *
 * Plan: see http-driver-plan.ts (batches of scheduled events; malformed ones in their own requests).
 * The requests come from a RequestSource (request-source.ts): built inline when claimed, or ahead
 * by a load worker thread, bodies encoded, so this thread only sends them. A connection that finds
 * no request ready yet waits for the source, and that wait is send lag like any other.
 *
 * Pacing: autocannon's own rate limit is a per-connection count reset every second (bursty, and
 * closed loop behind slow responses), so it is not used. Instead each connection, when free,
 * claims the next planned request and sleeps until it is due; a request whose time has passed is
 * sent at once. The run is open loop while a connection is free; when all `connections` are busy
 * the next request waits for one (the server never sees more than `connections` concurrent
 * requests), and that wait is never hidden: latency is response − intended, not − sent, and the
 * send lag (sent − intended) is recorded on its own, and a request (with every event in it) is
 * on time when that lag is at most `onTimeMs`, late otherwise. This hooks autocannon's private
 * `Client._doRequest` (pinned autocannon 9.0.0); setupClient checks the hook is there.
 */

export { createRequestPlanner, type MalformedRef, type PlannedRequest, type RecordRef } from './http-driver-plan.js';
export { UNACKED_REASONS, type HttpDriverSummary, type LatencySink, type TallySinks, type UnackedReason } from './http-driver-tally.js';

/** Recorders and ledger callbacks (`latency`, `sendLag`, `onAccepted`, …) are in TallySinks. */
export interface HttpDriverOptions extends TallySinks {
  /** Collector base URL, e.g. http://127.0.0.1:41234. */
  url: string;
  schedule: Schedule;
  /** Builds the requests inline (on this thread, when a connection claims one) unless `requests` is given. */
  generator?: Pick<EventGenerator, 'next'>;
  /** The planned requests in schedule order, e.g. from a load worker (startHttpDriver starts and closes it). */
  requests?: RequestSource;
  /** Events per request (the last request of the run may hold fewer); requests from a source were planned with it. */
  batchSize: number;
  /** Concurrent requests at most (one per autocannon connection); default 8. */
  connections?: number;
  /** A request unanswered this long counts as no-response (its connection is re-made); default 10 s. */
  requestTimeoutMs?: number;
  /** A request sent with lag ≤ this is on time, and so is each of its events, else late; default 100 ms. */
  onTimeMs?: number;
  /** No request starts later than this after the schedule end (the rest is not-sent); default 30 s. */
  lateCutoffMs?: number;
  clock?: Clock;
  /** Epoch ms of schedule offset 0 (lets several drivers start together); default: now (plus the source's start lead). */
  startEpochMs?: number;
  /** Aborting it is the same as stop() (wire Ctrl-C here). */
  signal?: AbortSignal;
}

export interface HttpDriver {
  readonly done: Promise<HttpDriverSummary>;
  /** Starts no new request; waits for in-flight ones (at most requestTimeoutMs). */
  stop(): void;
}

interface ClientState {
  timer: NodeJS.Timeout | undefined;
  waiting: PlannedRequest | undefined;
  inFlight: InFlight | undefined;
}

interface InFlight {
  planned: PlannedRequest;
  state: ClientState;
  settled: boolean;
}

/** autocannon 9.0.0 Client internals used for pacing (see the file comment). */
interface ClientInternals {
  _doRequest(): void;
  reqsMade: number;
}

export function startHttpDriver(options: HttpDriverOptions): HttpDriver {
  const clock = options.clock ?? systemClock();
  const connections = positiveInteger(options.connections ?? 8, 'connections');
  const batchSize = positiveInteger(options.batchSize, 'batchSize');
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  if (!(requestTimeoutMs > 0)) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `requestTimeoutMs must be > 0, got ${requestTimeoutMs}`, { hint: 'the default is 10000' });
  }
  const cutoffMs = totalDurationMs(options.schedule) + (options.lateCutoffMs ?? 30_000);
  const source = requestSourceOf(options, batchSize);
  const epochAtStart = clock.epochMs();
  const startEpochMs = options.startEpochMs ?? epochAtStart + source.startLeadMs;
  // Monotonic time of schedule offset 0: due times never depend on wall-clock jumps.
  const monoBase = clock.monoMs() + (startEpochMs - epochAtStart);
  source.start(startEpochMs);

  const tally = createTally(options, monoBase, clock, onTimeBoundMs(options.onTimeMs));
  const states = new Set<ClientState>();
  let stopReason: 'stopped' | 'cut-off' | undefined;
  let stopping = false;
  let exhausted = false;
  let finishing = false;
  let inFlightCount = 0;
  let handoff: InFlight | undefined;
  let instance: autocannon.Instance | undefined;
  /** Connections free while the source had nothing ready; one whenReady() wait serves them all. */
  let sourceWaiters: Array<() => void> = [];
  let sourceWaiting = false;
  let sourceError: unknown;
  /** When the source last became ready after a wait: a request due before then was not built when due. */
  let sourceReadyMono = Number.NEGATIVE_INFINITY;
  const stopSourceWait = new AbortController();
  let resolveDone!: (summary: HttpDriverSummary) => void;
  let rejectDone!: (error: unknown) => void;
  const done = new Promise<HttpDriverSummary>((resolve, reject) => {
    resolveDone = resolve;
    rejectDone = reject;
  });

  // A throwing callback (ledger, recorder) must not break autocannon's parser: fail the run instead.
  let callbackError: unknown;
  const account = (planned: PlannedRequest, outcome: Outcome): void => {
    try {
      tally.account(planned, outcome);
    } catch (error) {
      callbackError ??= error;
      stop();
    }
  };

  const settle = (flight: InFlight, outcome: Outcome): void => {
    if (flight.settled) return;
    flight.settled = true;
    inFlightCount -= 1;
    if (flight.state.inFlight === flight) flight.state.inFlight = undefined;
    account(flight.planned, outcome);
    maybeFinish();
  };

  /** The next request, undefined when there is none any more, 'pending' while the source has none ready. */
  const claim = (): PlannedRequest | undefined | 'pending' => {
    if (!stopping && clock.monoMs() - monoBase > cutoffMs) {
      stopReason = 'cut-off';
      stopping = true;
      stopSourceWait.abort();
    }
    if (stopping || exhausted) return undefined;
    const planned = source.peek();
    if (planned === undefined) return 'pending';
    if (planned === null) {
      exhausted = true;
      return undefined;
    }
    source.take();
    return planned;
  };

  const waitForSource = (retry: () => void): void => {
    sourceWaiters.push(retry);
    if (sourceWaiting) return;
    sourceWaiting = true;
    const wakeAll = (): void => {
      sourceWaiting = false;
      sourceReadyMono = clock.monoMs();
      const waiters = sourceWaiters;
      sourceWaiters = [];
      for (const w of waiters) w();
    };
    source.whenReady(stopSourceWait.signal).then(wakeAll, (error: unknown) => {
      sourceError ??= error;
      stop();
      wakeAll();
    });
  };

  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    stopReason = 'stopped';
    stopSourceWait.abort();
    for (const client of states) {
      if (client.timer === undefined || client.waiting === undefined) continue;
      clearTimeout(client.timer);
      account(client.waiting, { kind: 'not-sent' });
      client.timer = undefined;
      client.waiting = undefined;
    }
    maybeFinish();
  };

  function maybeFinish(): void {
    if (finishing || !(stopping || exhausted) || inFlightCount > 0 || sourceWaiters.length > 0) return;
    for (const client of states) if (client.timer !== undefined) return;
    finishing = true;
    // Called synchronously from inside autocannon() when the plan is empty: stop once it returns.
    if (instance) instance.stop();
  }

  /** Replaces Client._doRequest: called whenever a connection is free (or was just re-made). */
  const onConnectionFree = (client: ClientState, send: () => void): void => {
    if (client.timer !== undefined) return;
    // A request still unanswered here was lost to a timeout or a dropped connection.
    if (client.inFlight) settle(client.inFlight, { kind: 'no-response' });
    const planned = claim();
    if (planned === 'pending') {
      waitForSource(() => onConnectionFree(client, send));
      return;
    }
    if (planned === undefined) {
      maybeFinish();
      return;
    }
    const dueMono = monoBase + planned.intendedOffsetMs;
    // Claimed after its due time: at that time no connection was free (each free one holds the
    // next request, sleeping until it is due), unless the source had not built it yet.
    const claimedMono = clock.monoMs();
    const heldBy: HeldBy = claimedMono <= dueMono ? undefined : dueMono < sourceReadyMono ? 'source' : 'connection';
    const fire = (): void => {
      client.timer = undefined;
      client.waiting = undefined;
      const flight: InFlight = { planned, state: client, settled: false };
      client.inFlight = flight;
      inFlightCount += 1;
      tally.sent(planned, heldBy);
      handoff = flight;
      try {
        send();
      } finally {
        handoff = undefined;
      }
    };
    const waitMs = dueMono - claimedMono;
    if (waitMs <= 0) {
      fire();
      return;
    }
    client.waiting = planned;
    // Rounded up: waking early would send before the intended time.
    client.timer = setTimeout(fire, Math.ceil(waitMs));
  };

  const template: autocannon.Request = {
    method: 'POST',
    path: '/events',
    headers: { 'content-type': 'application/x-ndjson' },
    setupRequest: (request, context) => {
      // Without a handoff this is autocannon pre-building a connection's first request at
      // construction; that placeholder is never sent (onConnectionFree rebuilds it).
      (context as { flight?: InFlight }).flight = handoff;
      return { ...request, body: handoff?.planned.body ?? '\n' };
    },
    onResponse: (status, body, context) => {
      const flight = (context as { flight?: InFlight }).flight;
      if (flight) settle(flight, { kind: 'status', status, backpressured: status === 503 && errorCodeOf(body) === 'backpressured' });
    },
  };

  const setupClient = (client: autocannon.Client): void => {
    const internals = client as unknown as Partial<ClientInternals>;
    if (typeof internals._doRequest !== 'function' || typeof internals.reqsMade !== 'number') {
      throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, 'the installed autocannon has no Client._doRequest to pace requests with', {
        hint: 'install the pinned version: npm install --save-exact autocannon@9.0.0',
      });
    }
    const original = internals._doRequest.bind(client);
    const clientState: ClientState = { timer: undefined, waiting: undefined, inFlight: undefined };
    states.add(clientState);
    internals._doRequest = () =>
      onConnectionFree(clientState, () => {
        // The first request of a connection was pre-built; rebuild it around the handoff.
        if (internals.reqsMade === 0) client.setRequest({ ...template });
        original();
      });
  };

  const finalize = async (error: unknown): Promise<void> => {
    stopping = true;
    stopSourceWait.abort();
    for (const client of states) {
      if (client.timer !== undefined && client.waiting !== undefined) {
        clearTimeout(client.timer);
        account(client.waiting, { kind: 'not-sent' });
      }
      client.timer = undefined;
      if (client.inFlight) settle(client.inFlight, { kind: 'no-response' });
    }
    options.signal?.removeEventListener('abort', stop);
    try {
      const { unsent, ungeneratedEvents } = await source.close();
      for (const planned of unsent) account(planned, { kind: 'not-sent' });
      const failure = error ?? callbackError ?? sourceError;
      if (failure) rejectDone(failure);
      else resolveDone(tally.summary(stopReason, startEpochMs, ungeneratedEvents));
    } catch (closeError) {
      rejectDone(error ?? closeError);
    }
  };

  // A safety net only: the run normally ends through maybeFinish() → instance.stop().
  const safetyDurationS = Math.ceil((cutoffMs + 2 * requestTimeoutMs) / 1000) + 5;
  try {
    instance = autocannon(
      {
        url: options.url,
        connections,
        pipelining: 1,
        duration: safetyDurationS,
        timeout: requestTimeoutMs / 1000,
        sampleInt: 100,
        requests: [template],
        setupClient,
      },
      (error: unknown) => void finalize(error),
    );
  } catch (error) {
    void finalize(error);
    return { done, stop };
  }
  if (finishing) instance.stop();
  if (options.signal?.aborted) stop();
  options.signal?.addEventListener('abort', stop, { once: true });
  return { done, stop };
}

function requestSourceOf(options: HttpDriverOptions, batchSize: number): RequestSource {
  if (options.requests) return options.requests;
  if (options.generator) return createInlineRequestSource({ schedule: options.schedule, generator: options.generator, batchSize });
  throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, 'the HTTP driver needs a generator or a request source', { hint: 'pass generator (inline) or requests (a load worker)' });
}

/** The collector's `{error: code}` field, if the body is such JSON. */
function errorCodeOf(body: string): unknown {
  try {
    return (JSON.parse(body) as { error?: unknown } | null)?.error;
  } catch {
    return undefined;
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `${name} must be an integer ≥ 1, got ${value}`, {
      hint: `set ${name} to a positive integer`,
    });
  }
  return value;
}
