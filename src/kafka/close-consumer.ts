import { Base, type Consumer } from '@platformatic/kafka';

/**
 * Closes a consumer and, whatever happens, its connections. Workaround (1.35): `close(true)`
 * first leaves the group, and when that fails (the group coordinator it cached is a broker that
 * died) it rejects *without* closing the connection pool, so its sockets to every broker stay
 * open and keep the process alive (seen after the broker-kill e2e: the scenario CLI held
 * sockets to all three brokers after writing its results). The base client's close drops the
 * pool without asking the group; the coordinator then expires the member by its session timeout.
 */
export async function closeConsumer(consumer: Consumer<never, never, never, never> | Consumer<string, Buffer, Buffer, Buffer> | { close(force: boolean): unknown }): Promise<void> {
  try {
    await Promise.resolve((consumer as { close(force: boolean): unknown }).close(true));
  } catch {
    await new Promise<void>((resolve) => (Base.prototype.close as (this: unknown, callback: () => void) => void).call(consumer, () => resolve()));
  }
}
