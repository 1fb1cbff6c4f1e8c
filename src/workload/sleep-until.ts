import type { Clock } from '../base/clock.js';
import type { SleepUntil } from './sender.js';

/**
 * SleepUntil on Node timers, for real runs (tests inject a fake). Timers have ~1 ms granularity:
 * the delay is rounded up so the sender does not wake early and spin; any oversleep is measured
 * by the sender as schedule lag. A target already in the past yields one event-loop turn
 * (setImmediate) so acks and other I/O can run between bursts.
 */
export function createTimerSleepUntil(clock: Pick<Clock, 'monoMs'>): SleepUntil {
  return (monoMs, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) {
        resolve();
        return;
      }
      const delayMs = monoMs - clock.monoMs();
      const finish = (): void => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const cancel =
        delayMs <= 0
          ? ((handle) => () => clearImmediate(handle))(setImmediate(finish))
          : ((handle) => () => clearTimeout(handle))(setTimeout(finish, Math.ceil(delayMs)));
      function onAbort(): void {
        cancel();
        resolve();
      }
      signal.addEventListener('abort', onAbort, { once: true });
    });
}
