import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../../src/base/errors.js';
import { createCollectorCounters } from '../../../../src/pipeline/collector/ports.js';
import { type RunningCollector, startCollector } from '../../../../src/pipeline/collector/server.js';
import { InMemorySink, validEvent } from './fixtures.js';

const MISSING_USER = 'userId: Invalid input: expected string, received undefined';

let collector: RunningCollector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
});

/** A monotonic clock that returns the given readings in order (then repeats the last). */
function scriptedClock(...readingsMs: number[]) {
  let i = 0;
  return { monoMs: () => readingsMs[Math.min(i++, readingsMs.length - 1)] ?? 0 };
}

async function start(options: { maxBodyBytes?: number; clock?: { monoMs(): number } } = {}) {
  const sink = new InMemorySink();
  const stats = createCollectorCounters();
  const latencies: number[] = [];
  collector = await startCollector({ sink, stats, handlingLatency: { record: (ms) => latencies.push(ms) }, ...options });
  return { sink, stats, latencies, url: collector.url, port: collector.port };
}

async function post(url: string, contentType: string, body: string) {
  const response = await fetch(`${url}/events`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, headers: response.headers, body: (await response.json()) as Record<string, unknown> };
}

/** Writes raw bytes and collects the reply until the server closes or `until` says it is complete. */
function rawExchange(port: number, request: string | Buffer, until: (reply: string) => boolean = () => false): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (until(reply)) {
        socket.destroy();
        resolve(reply);
      }
    });
    socket.on('close', () => resolve(reply));
    socket.on('error', reject);
    socket.write(request);
  });
}

const fullResponse = (reply: string): boolean => {
  const headerEnd = reply.indexOf('\r\n\r\n');
  const length = /content-length: (\d+)/i.exec(reply);
  return headerEnd >= 0 && length !== null && reply.length >= headerEnd + 4 + Number(length[1]);
};

describe('POST /events: accepted', () => {
  it('produces a JSON array keyed by userId and answers 200 after the sink resolved', async () => {
    const { sink, stats, latencies, url } = await start({ clock: scriptedClock(10, 35) });
    const events = [validEvent(0), validEvent(1), validEvent(2)];
    const reply = await post(url, 'application/json', JSON.stringify(events));
    expect(reply).toMatchObject({ status: 200, body: { accepted: 3 } });
    expect(sink.batches).toEqual([events.map((e) => ({ key: e.userId, value: JSON.stringify(e) }))]);
    expect(stats.snapshot()).toEqual({
      requestsByStatus: { '200': 1 },
      events: { accepted: 3, invalid: 0, 'rejected-with-batch': 0, 'send-failed': 0 },
    });
    expect(latencies).toEqual([25]);
  });

  it('accepts NDJSON, one event per line', async () => {
    const { sink, url } = await start();
    const reply = await post(url, 'application/x-ndjson', `${JSON.stringify(validEvent(5))}\n\n${JSON.stringify(validEvent(6))}\n`);
    expect(reply).toMatchObject({ status: 200, body: { accepted: 2 } });
    expect(sink.records.map((r) => JSON.parse(r.value).eventId)).toEqual(['g1:5', 'g1:6']);
  });

  it('honours Expect: 100-continue', async () => {
    const { sink, port } = await start();
    const body = JSON.stringify([validEvent(0)]);
    const head = `POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`;
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('utf8');
    let reply = '';
    const complete = new Promise<void>((resolve) => {
      socket.on('data', (chunk: string) => {
        reply += chunk;
        if (reply.startsWith('HTTP/1.1 100 Continue\r\n\r\n') && !reply.includes('200 OK')) socket.write(body);
        if (fullResponse(reply.replace('HTTP/1.1 100 Continue\r\n\r\n', ''))) resolve();
      });
    });
    socket.write(head);
    await complete;
    socket.destroy();
    expect(reply).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
    expect(sink.records).toHaveLength(1);
  });
});

describe('POST /events: 400', () => {
  it('rejects the whole request with every bad event, and produces nothing', async () => {
    const { sink, stats, url } = await start();
    const { userId: _dropped, ...noUser } = validEvent(1);
    const reply = await post(url, 'application/json', JSON.stringify([validEvent(0), noUser, validEvent(2), { ...validEvent(3), seq: -1 }]));
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      error: 'invalid_events',
      message: '2 of 4 events are invalid; nothing from this request was accepted',
      rejected: [
        { index: 1, reason: MISSING_USER },
        { index: 3, reason: 'seq: Too small: expected number to be >=0; eventId: eventId must equal `${generatorId}:${seq}`' },
      ],
    });
    expect(sink.sendCalls).toBe(0);
    expect(stats.snapshot().events).toEqual({ accepted: 0, invalid: 2, 'rejected-with-batch': 2, 'send-failed': 0 });
  });

  it('names the NDJSON line of a bad event', async () => {
    const { sink, url } = await start();
    const reply = await post(url, 'application/x-ndjson', `${JSON.stringify(validEvent(0))}\n\nnot json\n`);
    expect(reply.status).toBe(400);
    expect(reply.body.rejected).toEqual([{ index: 1, line: 3, reason: expect.stringContaining('not JSON: ') }]);
    expect(sink.sendCalls).toBe(0);
  });

  it('rejects a body that is not an array, or not UTF-8', async () => {
    const { port, url } = await start();
    expect(await post(url, 'application/json', '{}')).toMatchObject({
      status: 400,
      body: { error: 'invalid_body', message: 'body must be a JSON array of events, got object (wrap one event as [event], or send application/x-ndjson)' },
    });
    const head = 'POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 3\r\n\r\n';
    const reply = await rawExchange(port, Buffer.concat([Buffer.from(head), Buffer.from([0x5b, 0xff, 0x5d])]), fullResponse);
    expect(reply).toMatch(/^HTTP\/1\.1 400 /);
    expect(reply).toContain('{"error":"invalid_body","message":"body is not valid UTF-8"}');
  });
});

describe('POST /events: shedding before reading', () => {
  it('413 for a declared Content-Length over the limit, without waiting for the body', async () => {
    const { sink, stats, port } = await start({ maxBodyBytes: 100 });
    const reply = await rawExchange(port, 'POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 101\r\n\r\n');
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toMatch(/\r\nconnection: close\r\n/i);
    expect(reply).toContain('"maxBodyBytes":100');
    expect(sink.sendCalls).toBe(0);
    expect(stats.snapshot().requestsByStatus).toEqual({ '413': 1 });
  });

  it('413 when a chunked body passes the limit while streaming, and closes', async () => {
    const { sink, port } = await start({ maxBodyBytes: 100 });
    const chunk = 'x'.repeat(150);
    const reply = await rawExchange(port, `POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    expect(reply).toMatch(/^HTTP\/1\.1 413 /);
    expect(reply).toMatch(/\r\nconnection: close\r\n/i);
    expect(sink.sendCalls).toBe(0);
  });

  it('415 for other content types', async () => {
    const { stats, url } = await start();
    const reply = await post(url, 'text/plain', '[]');
    expect(reply).toMatchObject({
      status: 415,
      body: {
        error: 'unsupported_media_type',
        message: 'content-type must be application/json (an array of events) or application/x-ndjson (one event per line), got text/plain',
      },
    });
    expect(stats.snapshot().requestsByStatus).toEqual({ '415': 1 });
  });

  it('503 with Retry-After when backpressured, answered before the body arrives', async () => {
    const { sink, stats, port } = await start();
    sink.backpressured = true;
    // The body is announced but never sent: only a server that does not read it can answer.
    const reply = await rawExchange(port, 'POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n', fullResponse);
    expect(reply).toMatch(/^HTTP\/1\.1 503 /);
    expect(reply).toMatch(/\r\nretry-after: 1\r\n/i);
    expect(reply).toContain('"error":"backpressured"');
    expect(sink.sendCalls).toBe(0);
    expect(stats.snapshot().requestsByStatus).toEqual({ '503': 1 });
  });
});

describe('POST /events: sink failure', () => {
  it('503 with Retry-After when the send fails, counted as send-failed', async () => {
    const { sink, stats, latencies, url } = await start();
    sink.failWith = new Error('NOT_ENOUGH_REPLICAS');
    const reply = await post(url, 'application/json', JSON.stringify([validEvent(0), validEvent(1)]));
    expect(reply.status).toBe(503);
    expect(reply.headers.get('retry-after')).toBe('1');
    expect(reply.body).toEqual({
      error: 'produce_failed',
      message: 'producing to Kafka failed (NOT_ENOUGH_REPLICAS); some of these events may have been written',
    });
    expect(stats.snapshot().events).toEqual({ accepted: 0, invalid: 0, 'rejected-with-batch': 0, 'send-failed': 2 });
    expect(latencies).toEqual([]);
  });
});

describe('routes', () => {
  it('GET /healthz is 200; other paths 404; other methods 405 with Allow', async () => {
    const { stats, url } = await start();
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
    const getEvents = await fetch(`${url}/events`);
    expect([getEvents.status, getEvents.headers.get('allow')]).toEqual([405, 'POST']);
    const postHealth = await fetch(`${url}/healthz`, { method: 'POST', body: 'x' });
    expect([postHealth.status, postHealth.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
    expect(stats.snapshot().requestsByStatus).toEqual({ '200': 1, '404': 1, '405': 2 });
  });
});

describe('startCollector', () => {
  it('refuses a bad maxBodyBytes', async () => {
    await expect(startCollector({ sink: new InMemorySink(), maxBodyBytes: 0 })).rejects.toMatchObject({ code: ERROR_CODES.INVALID_ARGUMENT });
  });

  it('reports a port in use as SP_PORT_IN_USE', async () => {
    const { port } = await start();
    await expect(startCollector({ sink: new InMemorySink(), port })).rejects.toMatchObject({ code: ERROR_CODES.PORT_IN_USE });
  });
});
