import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { MetricsSource } from './registry.js';

/**
 * `/metrics` for Prometheus (scraped every second). Binds loopback by default: the harness
 * never exposes anything beyond the machine.
 */
export interface MetricsServerOptions {
  source: MetricsSource;
  /** 0 (default) = an ephemeral port; read the bound one from the result. */
  port?: number;
  host?: string;
}

export interface MetricsServer {
  readonly port: number;
  readonly host: string;
  /** e.g. http://127.0.0.1:19464/metrics */
  readonly url: string;
  /** Stops accepting, drops keep-alive connections (Prometheus holds one open), resolves when closed. */
  close(): Promise<void>;
}

export async function startMetricsServer(options: MetricsServerOptions): Promise<MetricsServer> {
  const host = options.host ?? '127.0.0.1';
  const port = options.port ?? 0;
  const { source } = options;

  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: metrics are at /metrics\n');
      return;
    }
    source.render().then(
      (text) => {
        res.writeHead(200, { 'content-type': source.contentType });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (error: unknown) => {
        res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(error as Error).message}\n`);
      },
    );
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(
        error.code === 'EADDRINUSE'
          ? new StreamproofError(ERROR_CODES.PORT_IN_USE, `metrics port ${host}:${port} is already in use`, {
              hint: 'stop the other run using it, or pass a different metrics port (0 picks a free one)',
              cause: error,
            })
          : error,
      );
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });

  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host; // IPv6 literals need brackets in URLs
  let closing: Promise<void> | undefined;
  return {
    port: bound,
    host,
    url: `http://${urlHost}:${bound}/metrics`,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
