import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES, StreamproofError } from '../../../src/base/errors.js';
import { createMetricsRegistry } from '../../../src/metrics/registry.js';
import { startMetricsServer, type MetricsServer } from '../../../src/metrics/server.js';

// A loopback HTTP server on an ephemeral port: no external service involved.
const started: MetricsServer[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function start(port = 0) {
  const registry = createMetricsRegistry({ runId: 'run-1', scenario: 'smoke', instanceRole: 'runner' });
  registry.metrics.producerEventsAcked.inc(2);
  const server = await startMetricsServer({ source: registry, port });
  started.push(server);
  return server;
}

describe('metrics server', () => {
  it('serves /metrics on 127.0.0.1 at the bound ephemeral port', async () => {
    const server = await start();
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/metrics`);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toContain('streamproof_producer_events_acked_total{run_id="run-1",scenario="smoke",instance_role="runner"} 2');
  });

  it('answers 404 elsewhere and 405 to writes', async () => {
    const server = await start();
    expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(404);
    expect((await fetch(server.url, { method: 'POST' })).status).toBe(405);
  });

  it('closes cleanly, keep-alive connections included, and frees the port', async () => {
    const server = await start();
    await fetch(server.url, { headers: { connection: 'keep-alive' } }).then((r) => r.text());
    await server.close();
    await server.close(); // idempotent
    await expect(fetch(server.url)).rejects.toThrow();
    const again = await start(server.port);
    expect(again.port).toBe(server.port);
  });

  it('reports a taken port as PORT_IN_USE', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(start(port)).rejects.toSatisfy(
        (error: unknown) => error instanceof StreamproofError && error.code === ERROR_CODES.PORT_IN_USE,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});
