import type { Clock } from '../../../../src/base/clock.js';
import type { SleepUntil } from '../../../../src/workload/sender.js';

export const EPOCH_MS = 1_700_000_000_000;

/**
 * Virtual time for ingest tests: a monotonic clock that moves only when a timer fires, and a
 * timer queue. run() lets microtasks settle (one real setImmediate), then jumps to the earliest
 * timer, until the awaited promise settles. No real time passes, so timings are exact.
 */
export class World {
  now = 0;
  private timers: { at: number; order: number; fire: () => void }[] = [];
  private order = 0;

  readonly clock: Clock = { monoMs: () => this.now, epochMs: () => EPOCH_MS + this.now };

  readonly sleepUntil: SleepUntil = (monoMs, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const onAbort = (): void => {
        this.cancel(timer);
        resolve();
      };
      const timer = this.at(Math.max(monoMs, this.now), () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });

  at(time: number, fire: () => void): object {
    const timer = { at: time, order: (this.order += 1), fire };
    this.timers.push(timer);
    return timer;
  }

  cancel(timer: object): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }

  async run<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    const done = promise.finally(() => (settled = true));
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return done;
      if (this.timers.length === 0) throw new Error('world is idle but the promise has not settled');
      this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const next = this.timers.shift()!;
      this.now = Math.max(this.now, next.at);
      next.fire();
    }
  }
}
