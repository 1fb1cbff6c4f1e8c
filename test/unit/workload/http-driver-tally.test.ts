import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../../src/base/clock.js';
import type { AnalyticsEvent } from '../../../src/workload/event.js';
import type { MalformedRef, PlannedRequest } from '../../../src/workload/http-driver-plan.js';
import { type UnackedReason, createTally } from '../../../src/workload/http-driver-tally.js';
import { validEvent } from '../pipeline/collector/fixtures.js';

const MONO_BASE = 1_000;
const ON_TIME_MS = 100;

function eventsRequest(offsetMs: number, seqs: number[]): PlannedRequest {
  return { kind: 'events', intendedOffsetMs: offsetMs, intendedAtEpochMs: 0, events: seqs.map((s) => validEvent(s)), malformed: [], body: '' };
}

function malformedRequest(offsetMs: number, seqs: number[]): PlannedRequest {
  return { kind: 'malformed', intendedOffsetMs: offsetMs, intendedAtEpochMs: 0, events: [], malformed: seqs.map((seq) => ({ generatorId: 'g1', seq })), body: '' };
}

function setup() {
  const clock = new FakeClock(1_700_000_000_000, MONO_BASE);
  const seen = { latencies: [] as number[], lags: [] as number[], accepted: [] as number[], acceptedOnTime: [] as number[], sends: [] as Array<[number, boolean]>, malformed: [] as number[], unacked: [] as Array<[UnackedReason, number[]]> };
  const tally = createTally(
    {
      latency: { record: (ms) => seen.latencies.push(ms) },
      sendLag: { record: (ms) => seen.lags.push(ms) },
      onAccepted: (events: readonly AnalyticsEvent[], sentOnTime: boolean) => {
        seen.accepted.push(...events.map((e) => e.seq));
        if (sentOnTime) seen.acceptedOnTime.push(...events.map((e) => e.seq));
      },
      onSendTimed: (count: number, onTime: boolean) => seen.sends.push([count, onTime]),
      onMalformedRejected: (refs: readonly MalformedRef[]) => seen.malformed.push(...refs.map((r) => r.seq)),
      onUnacknowledged: (events, reason) => seen.unacked.push([reason, events.map((e) => e.seq)]),
    },
    MONO_BASE,
    clock,
    ON_TIME_MS,
  );
  return { clock, seen, tally };
}

const status = (code: number, backpressured = false) => ({ kind: 'status' as const, status: code, backpressured });

describe('createTally', () => {
  it('measures send lag and 2xx latency from the intended time, not from the send', () => {
    const { clock, seen, tally } = setup();
    const request = eventsRequest(50, [0, 1]);
    clock.advance(80); // sent 30 ms late
    tally.sent(request);
    clock.advance(12);
    tally.account(request, status(200));
    expect(seen.lags).toEqual([30]);
    expect(seen.latencies).toEqual([42]);
    expect(seen.accepted).toEqual([0, 1]);
  });

  it('files every non-2xx outcome of valid events under its reason, with no latency', () => {
    const { seen, tally } = setup();
    tally.account(eventsRequest(0, [0]), status(400));
    tally.account(eventsRequest(0, [1]), status(503, true));
    tally.account(eventsRequest(0, [2]), status(503));
    tally.account(eventsRequest(0, [3]), status(500));
    tally.account(eventsRequest(0, [4]), { kind: 'no-response' });
    tally.account(eventsRequest(0, [5]), { kind: 'not-sent' });
    tally.account(eventsRequest(0, [6]), status(302));
    expect(seen.unacked).toEqual([
      ['rejected', [0]],
      ['backpressured', [1]],
      ['failed', [2]],
      ['failed', [3]],
      ['no-response', [4]],
      ['not-sent', [5]],
      ['failed', [6]],
    ]);
    expect(seen.latencies).toEqual([]);
    expect(tally.summary('stopped', 7, 3)).toEqual({
      state: 'stopped',
      startEpochMs: 7,
      requests: { sent: 0, status2xx: 0, status4xx: 1, status5xx: 3, statusOther: 1, noResponse: 1, notSent: 1 },
      events: {
        sent: 0,
        accepted: 0,
        unacknowledged: { rejected: 1, backpressured: 1, failed: 3, 'no-response': 1, 'not-sent': 1 },
        rejectedMalformed: 0,
        malformedAccepted: 0,
        malformedOther: 0,
        ungenerated: 3,
        onTime: 0,
        sentLate: 0,
        onTimeAccepted: 0,
        lateAwaitingSource: 0,
        lateAwaitingConnection: 0,
      },
      maxSendLagMs: 0,
    });
  });

  it('expects 400 for malformed requests and flags a 2xx as malformedAccepted', () => {
    const { seen, tally } = setup();
    tally.sent(malformedRequest(0, [3, 7]));
    tally.account(malformedRequest(0, [3, 7]), status(400));
    tally.account(malformedRequest(0, [11]), status(200));
    tally.account(malformedRequest(0, [15]), status(503, true));
    expect(seen.malformed).toEqual([3, 7]);
    expect(seen.accepted).toEqual([]);
    expect(tally.summary(undefined, 0, 0).events).toMatchObject({ sent: 2, rejectedMalformed: 2, malformedAccepted: 1, malformedOther: 1 });
  });

  it('is completed unless something scheduled was not sent', () => {
    const { tally } = setup();
    expect(tally.summary('stopped', 0, 0).state).toBe('completed');
    expect(tally.summary('cut-off', 0, 1).state).toBe('cut-off');
    tally.account(eventsRequest(0, [0]), { kind: 'not-sent' });
    expect(tally.summary(undefined, 0, 0).state).toBe('stopped');
  });

  it('counts each request on time or late by its send lag (≤ onTimeMs), for every event in it, and which acceptances were on time', () => {
    const { clock, seen, tally } = setup();
    const exact = eventsRequest(0, [0, 1]); // sent at its intended time
    const atBound = eventsRequest(100, [2, 3, 4]); // sent exactly onTimeMs late: still on time
    const late = eventsRequest(150, [5, 6]); // sent 101 ms late
    const lateMalformed = malformedRequest(150, [7]);
    tally.sent(exact);
    clock.advance(200);
    tally.sent(atBound);
    clock.advance(51);
    tally.sent(late);
    tally.sent(lateMalformed);
    tally.account(exact, status(200));
    tally.account(atBound, status(503, true));
    tally.account(late, status(200));
    tally.account(lateMalformed, status(400));
    expect(seen.lags).toEqual([0, 100, 101, 101]);
    expect(seen.sends).toEqual([[2, true], [3, true], [2, false], [1, false]]);
    expect(seen.accepted).toEqual([0, 1, 5, 6]);
    expect(seen.acceptedOnTime).toEqual([0, 1]);
    expect(tally.summary(undefined, 0, 0).events).toMatchObject({ sent: 8, onTime: 5, sentLate: 3, accepted: 4, onTimeAccepted: 2 });
  });

  it('files late events under what held their request back (the source or the connections); on-time ones under neither', () => {
    const { clock, tally } = setup();
    clock.advance(500);
    tally.sent(eventsRequest(0, [0, 1, 2]), 'source');
    tally.sent(eventsRequest(0, [3, 4]), 'connection');
    tally.sent(eventsRequest(0, [5]));
    tally.sent(eventsRequest(450, [6]), 'connection'); // 50 ms late: on time, held by nothing that counts
    expect(tally.summary(undefined, 0, 0).events).toMatchObject({ sentLate: 6, onTime: 1, lateAwaitingSource: 3, lateAwaitingConnection: 2 });
  });
});
