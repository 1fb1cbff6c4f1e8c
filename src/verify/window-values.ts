import type { AnalyticsEvent } from '../contract/event.js';
import { Fingerprint } from './fingerprint.js';

/**
 * What a window's result must say, recomputed from the events the verifier expects it to count
 * (docs/contract.md, "Window results"): the fingerprint (the base class) plus every aggregate —
 * counts by type, revenue, distinct sessions, event-time extremes, the largest intendedAt and
 * the source partition. Written from the contract, not from the processor's aggregate.
 *
 * Memory is per window, never per event (docs/verification.md): times are kept as offsets from
 * the window start so that they stay small integers (V8 stores those inline; an epoch-ms double
 * would be a separate heap number per field), one session id is kept as a string and only a
 * window with a second distinct session gets a Set.
 */

/**
 * The same number, as an int32 when it is one. Arithmetic on doubles yields a double even when
 * the value is integral, and one double stored in a field makes V8 box that field as a separate
 * heap number in every window (~50 B per window for four fields).
 */
function small(n: number): number {
  const i = n | 0;
  return i === n ? i : n;
}

/** `sourcePartition` when the counted events came from more than one partition. */
export const MIXED_PARTITIONS = -2;

export class ExpectedWindow extends Fingerprint {
  pageView = 0;
  click = 0;
  addToCart = 0;
  removeFromCart = 0;
  checkout = 0;
  purchase = 0;
  revenueCents = 0;
  /** eventTime − window start of the earliest / latest counted event. */
  firstOffsetMs = 0;
  lastOffsetMs = 0;
  /** max intendedAt − window start (may be negative or beyond the window). */
  intendedOffsetMs = 0;
  /** The raw-events partition of the counted events; -1 none yet, MIXED_PARTITIONS several. */
  partition = -1;
  sessions: string | Set<string> | null = null;

  /** Adds one counted event's values (its identity goes through addEvent/addEventId). */
  addValues(event: AnalyticsEvent, windowStartMs: number, partition: number | undefined): void {
    const first = this.count === 1;
    switch (event.type) {
      case 'page_view': this.pageView += 1; break;
      case 'click': this.click += 1; break;
      case 'add_to_cart': this.addToCart += 1; break;
      case 'remove_from_cart': this.removeFromCart += 1; break;
      case 'checkout': this.checkout += 1; break;
      case 'purchase':
        this.purchase += 1;
        // Σ round(value × 100): one IEEE-754 product, halves upwards (Math.round), contract.md.
        this.revenueCents = small(this.revenueCents + Math.round((event.value as number) * 100));
        break;
    }
    const t = small(event.eventTime - windowStartMs);
    const intended = small(event.intendedAt - windowStartMs);
    if (first) {
      this.firstOffsetMs = t;
      this.lastOffsetMs = t;
      this.intendedOffsetMs = intended;
    } else {
      if (t < this.firstOffsetMs) this.firstOffsetMs = t;
      if (t > this.lastOffsetMs) this.lastOffsetMs = t;
      if (intended > this.intendedOffsetMs) this.intendedOffsetMs = intended;
    }
    if (partition !== undefined && this.partition !== MIXED_PARTITIONS) {
      if (this.partition === -1) this.partition = partition;
      else if (this.partition !== partition) this.partition = MIXED_PARTITIONS;
    }
    const session = event.sessionId;
    const sessions = this.sessions;
    if (sessions === null) this.sessions = session;
    else if (typeof sessions === 'string') {
      if (sessions !== session) this.sessions = new Set([sessions, session]);
    } else sessions.add(session);
  }

  get distinctSessions(): number {
    const sessions = this.sessions;
    return sessions === null ? 0 : typeof sessions === 'string' ? 1 : sessions.size;
  }

  countsByType(): Record<string, number> {
    return {
      page_view: this.pageView,
      click: this.click,
      add_to_cart: this.addToCart,
      remove_from_cart: this.removeFromCart,
      checkout: this.checkout,
      purchase: this.purchase,
    };
  }
}
