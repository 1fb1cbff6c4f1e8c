import type { Clock } from '../base/clock.js';
import type { MalformedRef, PlannedRequest, RecordRef } from './http-driver-plan.js';

/**
 * Outcome accounting for the HTTP driver: counters, latencies and the ledger callbacks. Pure
 * given the clock; every planned request is accounted exactly once (the driver guarantees it).
 */

/**
 * Why valid events were not acknowledged: rejected (a 4xx), backpressured (503 before the body
 * was read: certainly not produced), failed (any other status: may or may not be in Kafka), no-response
 * (timeout or connection lost: unknown), not-sent (stopped or cut off: certainly not produced).
 */
export const UNACKED_REASONS = ['rejected', 'backpressured', 'failed', 'no-response', 'not-sent'] as const;
export type UnackedReason = (typeof UNACKED_REASONS)[number];

export interface LatencySink {
  record(ms: number): void;
}

/** The callbacks and recorders of HttpDriverOptions that the tally feeds. */
export interface TallySinks {
  /** HTTP ingest latency: 2xx response − intended, ms. Only accepted (2xx) event requests. */
  latency: LatencySink;
  /** Send lag: actual send − intended, ms (how far from open loop the run was). */
  sendLag?: LatencySink;
  /**
   * Every request as it goes on the wire: its event count (valid and malformed) and whether it
   * was sent on time (send lag ≤ onTimeMs; the request's lag applies to each of its events).
   */
  onSendTimed?(events: number, onTime: boolean): void;
  /**
   * Every event the collector acknowledged (2xx: durable in Kafka), exactly once: the ingest
   * ledger. `sentOnTime`: the request had gone out within onTimeMs of its intended time.
   */
  onAccepted(events: readonly RecordRef[], sentOnTime: boolean): void;
  /** Malformed records the collector refused with 400, as it should (never produced). */
  onMalformedRejected?(refs: readonly MalformedRef[]): void;
  onUnacknowledged?(events: readonly RecordRef[], reason: UnackedReason): void;
}

export interface HttpDriverSummary {
  /** completed: every scheduled request was sent; stopped: stop()/signal; cut-off: lateCutoffMs passed. */
  state: 'completed' | 'stopped' | 'cut-off';
  startEpochMs: number;
  requests: { sent: number; status2xx: number; status4xx: number; status5xx: number; statusOther: number; noResponse: number; notSent: number };
  events: {
    sent: number;
    accepted: number;
    unacknowledged: Record<UnackedReason, number>;
    rejectedMalformed: number;
    /** Malformed records answered with 2xx: a collector bug the verifier must flag. */
    malformedAccepted: number;
    /** Malformed records with any other outcome (503, no response, not sent). */
    malformedOther: number;
    /** Scheduled events never generated because the run stopped early. */
    ungenerated: number;
    /** Of `sent`, events whose request went out within onTimeMs of its intended time. */
    onTime: number;
    /** Of `sent`, events whose request went out later than that (onTime + sentLate = sent). */
    sentLate: number;
    /** Of `accepted`, events whose request had been sent on time. */
    onTimeAccepted: number;
    /** Of `sentLate`, events whose request fell due before its source (a load worker) had built it. */
    lateAwaitingSource: number;
    /** Of `sentLate`, the rest whose request fell due while every connection was busy (awaiting answers, or holding earlier requests). */
    lateAwaitingConnection: number;
  };
  maxSendLagMs: number;
}

/** How a planned request ended; `backpressured` marks the collector's 503 `{error: 'backpressured'}`. */
export type Outcome = { kind: 'status'; status: number; backpressured: boolean } | { kind: 'no-response' } | { kind: 'not-sent' };

/** What held a request back from its due time: its source had not built it yet, or no connection was free. */
export type HeldBy = 'source' | 'connection' | undefined;

export interface Tally {
  /** The request is going on the wire now; `heldBy` says what it waited for if it is late. */
  sent(planned: PlannedRequest, heldBy?: HeldBy): void;
  /** Its outcome; latencies are taken now, so call at response time. */
  account(planned: PlannedRequest, outcome: Outcome): void;
  summary(stopReason: 'stopped' | 'cut-off' | undefined, startEpochMs: number, ungenerated: number): HttpDriverSummary;
}

/**
 * `monoBase` is the monotonic time of schedule offset 0; a request sent with lag ≤ `onTimeMs`
 * is on time, and so is each of its events.
 */
export function createTally(options: TallySinks, monoBase: number, clock: Pick<Clock, 'monoMs'>, onTimeMs: number): Tally {
  const requests = { sent: 0, status2xx: 0, status4xx: 0, status5xx: 0, statusOther: 0, noResponse: 0, notSent: 0 };
  const events = { sent: 0, accepted: 0, rejectedMalformed: 0, malformedAccepted: 0, malformedOther: 0, onTime: 0, sentLate: 0, onTimeAccepted: 0, lateAwaitingSource: 0, lateAwaitingConnection: 0 };
  const sentOnTime = new WeakSet<PlannedRequest>();
  const unacknowledged = Object.fromEntries(UNACKED_REASONS.map((reason) => [reason, 0])) as Record<UnackedReason, number>;
  let maxSendLagMs = 0;
  const dueMono = (planned: PlannedRequest): number => monoBase + planned.intendedOffsetMs;
  return {
    sent(planned, heldBy) {
      requests.sent += 1;
      const count = planned.events.length + planned.malformed.length;
      events.sent += count;
      const lagMs = Math.max(0, clock.monoMs() - dueMono(planned));
      maxSendLagMs = Math.max(maxSendLagMs, lagMs);
      options.sendLag?.record(lagMs);
      const onTime = lagMs <= onTimeMs;
      if (onTime) {
        events.onTime += count;
        sentOnTime.add(planned);
      } else {
        events.sentLate += count;
        if (heldBy === 'source') events.lateAwaitingSource += count;
        else if (heldBy === 'connection') events.lateAwaitingConnection += count;
      }
      options.onSendTimed?.(count, onTime);
    },
    account(planned, outcome) {
      const latencyMs = Math.max(0, clock.monoMs() - dueMono(planned));
      const status = outcome.kind === 'status' ? outcome.status : 0;
      if (outcome.kind === 'no-response') requests.noResponse += 1;
      else if (outcome.kind === 'not-sent') requests.notSent += 1;
      else if (status >= 200 && status < 300) requests.status2xx += 1;
      else if (status >= 400 && status < 500) requests.status4xx += 1;
      else if (status >= 500 && status < 600) requests.status5xx += 1;
      else requests.statusOther += 1;
      const ok = status >= 200 && status < 300;
      if (planned.kind === 'malformed') {
        const count = planned.malformed.length;
        if (status === 400) {
          events.rejectedMalformed += count;
          options.onMalformedRejected?.(planned.malformed);
        } else if (ok) events.malformedAccepted += count;
        else events.malformedOther += count;
        return;
      }
      if (ok) {
        options.latency.record(latencyMs);
        events.accepted += planned.events.length;
        const onTime = sentOnTime.has(planned);
        if (onTime) events.onTimeAccepted += planned.events.length;
        options.onAccepted(planned.events, onTime);
        return;
      }
      const reason: UnackedReason =
        outcome.kind !== 'status' ? outcome.kind
        : status >= 400 && status < 500 ? 'rejected'
        : outcome.backpressured ? 'backpressured'
        : 'failed';
      unacknowledged[reason] += planned.events.length;
      options.onUnacknowledged?.(planned.events, reason);
    },
    summary(stopReason, startEpochMs, ungenerated) {
      // A stop() that came after the last request went out still leaves a complete run.
      const state = requests.notSent === 0 && ungenerated === 0 ? 'completed' : (stopReason ?? 'stopped');
      return { state, startEpochMs, requests: { ...requests }, events: { ...events, unacknowledged: { ...unacknowledged }, ungenerated }, maxSendLagMs };
    },
  };
}
