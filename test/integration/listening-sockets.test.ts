import { createServer, type Server } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { listeningSockets, nonLoopbackListeners } from './listening-sockets.js';

/** The /proc reader that holds started processes to loopback, against listeners of this process. */
describe('listening sockets of a process', () => {
  const servers: Server[] = [];
  const listen = (host?: string) =>
    new Promise<number>((resolve) => {
      const s = createServer();
      servers.push(s);
      s.listen(0, host, () => resolve((s.address() as { port: number }).port));
    });
  afterAll(() => servers.forEach((s) => s.close()));

  it('finds each listener with its address, and names only those beyond loopback', async () => {
    const v4 = await listen('127.0.0.1');
    const v6 = await listen('::1');
    const any4 = await listen('0.0.0.0');
    const sockets = listeningSockets(process.pid);
    expect(sockets).toContainEqual({ address: '127.0.0.1', port: v4 });
    expect(sockets).toContainEqual({ address: '::1', port: v6 });
    expect(sockets).toContainEqual({ address: '0.0.0.0', port: any4 });
    expect(nonLoopbackListeners(process.pid)).toContain(`0.0.0.0:${any4}`);
    expect(nonLoopbackListeners(process.pid)).not.toContain(`127.0.0.1:${v4}`);
  });
});
