import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { ERROR_CODES, StreamproofError } from '../../base/errors.js';
import { type Clock, systemClock } from '../../base/clock.js';
import { MEDIA_TYPES, eventsOf, formatOfContentType, parseEventsBody, rejectionsOf } from './body.js';
import {
  type CollectorStats,
  type EventSinkPort,
  type LatencyRecorder,
  noopCollectorStats,
} from './ports.js';
import { declaredContentLength, readBodyLimited } from './read-body.js';

/**
 * The HTTP ingest collector: `POST /events` → validate → EventSinkPort (Kafka `raw-events`).
 *
 * Contract (docs/http-ingest.md is the user-facing version):
 *  - Atomic per request: if any event is invalid the whole request is refused with 400 and the
 *    reason for every bad event, and nothing of it is produced, so a client can fix and resend.
 *  - 200 `{accepted: n}` is sent only after the sink resolved, i.e. the broker acked every record:
 *    a 2xx means durable. A failed send is a 503 whose events may or may not be in Kafka.
 *  - Load shedding happens before the body is read: 415, 413 (declared length) and 503
 *    (backpressure) never buffer the body. A body that turns out too large while streaming is
 *    dropped at the limit and the connection closed.
 */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Longer than any pause between paced driver requests, so an idle close cannot race a new request. */
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 65_000;
const FORCE_CLOSE_AFTER_MS = 5_000;
const RETRY_AFTER_S = '1';

export interface CollectorOptions {
  sink: EventSinkPort;
  /** Defaults to 127.0.0.1: the harness never listens on other interfaces unless told to. */
  host?: string;
  /** 0 (the default) picks an ephemeral port; read it back from the result. */
  port?: number;
  maxBodyBytes?: number;
  keepAliveTimeoutMs?: number;
  /** Only the monotonic side is used (durations); defaults to the process clock. */
  clock?: Pick<Clock, 'monoMs'>;
  /** Server-side time from request arrival to the 200 response (body read + validate + broker acks). */
  handlingLatency?: LatencyRecorder;
  stats?: CollectorStats;
}

export interface RunningCollector {
  /** Base URL, e.g. http://127.0.0.1:41234 (POST `${url}/events`). */
  url: string;
  port: number;
  /** Stops accepting connections, lets in-flight requests finish (forced after 5 s). */
  close(): Promise<void>;
}

interface Context {
  sink: EventSinkPort;
  maxBodyBytes: number;
  clock: Pick<Clock, 'monoMs'>;
  handlingLatency: LatencyRecorder | undefined;
  stats: CollectorStats;
}

export async function startCollector(options: CollectorOptions): Promise<RunningCollector> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `collector port must be an integer in [0, 65535], got ${port}`, {
      hint: 'use 0 for an ephemeral port',
    });
  }
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `maxBodyBytes must be a positive integer, got ${maxBodyBytes}`, {
      hint: `the default is ${DEFAULT_MAX_BODY_BYTES} (1 MiB)`,
    });
  }
  const context: Context = {
    sink: options.sink,
    maxBodyBytes,
    clock: options.clock ?? systemClock(),
    handlingLatency: options.handlingLatency,
    stats: options.stats ?? noopCollectorStats,
  };

  const server = createServer((req, res) => void handle(context, req, res, false));
  // Answer `Expect: 100-continue` ourselves: a request we would refuse never has to send its body.
  server.on('checkContinue', (req, res) => void handle(context, req, res, true));
  server.keepAliveTimeout = options.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = server.keepAliveTimeout + 1_000;

  await listen(server, host, port);
  const address = server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return { url: `http://${urlHost}:${boundPort}`, port: boundPort, close: () => closeServer(server) };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE'
          ? new StreamproofError(ERROR_CODES.PORT_IN_USE, `the collector cannot listen on ${host}:${port}: address in use`, {
              hint: 'choose another collector port, or 0 for an ephemeral one',
              cause: error,
            })
          : error,
      );
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    const force = setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS);
    force.unref();
    server.close((error) => {
      clearTimeout(force);
      if (error) reject(error);
      else resolve();
    });
    server.closeIdleConnections();
  });
}

async function handle(context: Context, req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> {
  try {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (path === '/events') {
      if (req.method === 'POST') await handleEvents(context, req, res, expectsContinue);
      else refuseUnread(context, req, res, expectsContinue, 405, { error: 'method_not_allowed', message: 'use POST /events' }, { allow: 'POST' });
    } else if (path === '/healthz') {
      if (req.method === 'GET' || req.method === 'HEAD') respond(context, res, 200, { status: 'ok' });
      else refuseUnread(context, req, res, expectsContinue, 405, { error: 'method_not_allowed', message: 'use GET /healthz' }, { allow: 'GET, HEAD' });
    } else {
      refuseUnread(context, req, res, expectsContinue, 404, { error: 'not_found', message: `no route ${path}; the collector serves POST /events and GET /healthz` });
    }
  } catch (error) {
    if (!res.headersSent) {
      respond(context, res, 500, { error: 'internal', message: (error as Error).message }, { connection: 'close' });
    } else {
      res.destroy(error as Error);
    }
  }
}

async function handleEvents(context: Context, req: IncomingMessage, res: ServerResponse, expectsContinue: boolean): Promise<void> {
  const startedMs = context.clock.monoMs();
  const format = formatOfContentType(req.headers['content-type']);
  if (format === undefined) {
    const message = `content-type must be ${MEDIA_TYPES['json-array']} (an array of events) or ${MEDIA_TYPES.ndjson} (one event per line), got ${req.headers['content-type'] ?? 'none'}`;
    refuseUnread(context, req, res, expectsContinue, 415, { error: 'unsupported_media_type', message });
    return;
  }
  const declaredBytes = declaredContentLength(req);
  if (declaredBytes !== undefined && declaredBytes > context.maxBodyBytes) {
    refuseUnread(context, req, res, expectsContinue, 413, tooLarge(context.maxBodyBytes));
    return;
  }
  if (context.sink.isBackpressured()) {
    const body = { error: 'backpressured', message: 'the producer is saturated; nothing was read or produced, retry later' };
    refuseUnread(context, req, res, expectsContinue, 503, body, { 'retry-after': RETRY_AFTER_S });
    return;
  }

  if (expectsContinue) res.writeContinue();
  const read = await readBodyLimited(req, context.maxBodyBytes);
  if (read.kind === 'aborted') return; // nobody to answer; nothing was produced
  if (read.kind === 'too-large') {
    respond(context, res, 413, tooLarge(context.maxBodyBytes), { connection: 'close' });
    return;
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
  } catch {
    respond(context, res, 400, { error: 'invalid_body', message: 'body is not valid UTF-8' });
    return;
  }
  const parsed = parseEventsBody(text, format);
  if (!parsed.ok) {
    respond(context, res, 400, { error: 'invalid_body', message: parsed.reason });
    return;
  }
  const rejected = rejectionsOf(parsed.slots);
  if (rejected.length > 0) {
    context.stats.countEvents('invalid', rejected.length);
    context.stats.countEvents('rejected-with-batch', parsed.slots.length - rejected.length);
    const message = `${rejected.length} of ${parsed.slots.length} events are invalid; nothing from this request was accepted`;
    respond(context, res, 400, { error: 'invalid_events', message, rejected });
    return;
  }

  const events = eventsOf(parsed.slots);
  // Key by user (the processor keys windows by userId); the value is the validated, canonical JSON.
  const records = events.map((event) => ({ key: event.userId, value: JSON.stringify(event) }));
  try {
    await context.sink.send(records);
  } catch (error) {
    context.stats.countEvents('send-failed', records.length);
    const message = `producing to Kafka failed (${(error as Error).message}); some of these events may have been written`;
    respond(context, res, 503, { error: 'produce_failed', message }, { 'retry-after': RETRY_AFTER_S });
    return;
  }
  context.stats.countEvents('accepted', records.length);
  context.handlingLatency?.record(context.clock.monoMs() - startedMs);
  respond(context, res, 200, { accepted: records.length });
}

function tooLarge(maxBodyBytes: number): object {
  return { error: 'body_too_large', message: `body exceeds ${maxBodyBytes} bytes; send smaller batches`, maxBodyBytes };
}

/**
 * Answers without reading the body. A small declared body is left for Node to discard so the
 * connection stays usable; a large, chunked or not-yet-sent (100-continue) body means closing.
 */
function refuseUnread(
  context: Context,
  req: IncomingMessage,
  res: ServerResponse,
  expectsContinue: boolean,
  status: number,
  body: object,
  headers: Record<string, string> = {},
): void {
  const declaredBytes = declaredContentLength(req);
  const chunked = req.headers['transfer-encoding'] !== undefined;
  const cheapToDiscard = !expectsContinue && !chunked && (declaredBytes ?? 0) <= context.maxBodyBytes;
  respond(context, res, status, body, cheapToDiscard ? headers : { ...headers, connection: 'close' });
}

function respond(context: Context, res: ServerResponse, status: number, body: object, headers: Record<string, string> = {}): void {
  context.stats.countRequest(status);
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
  });
  res.end(payload);
}
