import { createServer } from 'node:net';
import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import { DEFAULT_PORTS } from '../base/endpoints.js';

export interface StackPorts {
  kafkaBroker: number[];
  kafkaController: number[];
  kafkaJmxMetrics: number[];
  kafkaProxiedListener: number[];
  kafkaProxy: number[];
  toxiproxyApi: number;
  aws: number;
  prometheus: number;
  runnerMetrics: number;
}

/** Every port shifted by one offset, so a second stack (or a busy port) is one flag away. */
export function stackPorts(brokers: number, offset = 0): StackPorts {
  return {
    kafkaBroker: DEFAULT_PORTS.kafkaBroker.slice(0, brokers).map((p) => p + offset),
    kafkaController: DEFAULT_PORTS.kafkaController.slice(0, brokers).map((p) => p + offset),
    kafkaJmxMetrics: DEFAULT_PORTS.kafkaJmxMetrics.slice(0, brokers).map((p) => p + offset),
    kafkaProxiedListener: DEFAULT_PORTS.kafkaProxiedListener.slice(0, brokers).map((p) => p + offset),
    kafkaProxy: DEFAULT_PORTS.kafkaProxy.slice(0, brokers).map((p) => p + offset),
    toxiproxyApi: DEFAULT_PORTS.toxiproxyApi + offset,
    aws: DEFAULT_PORTS.aws + offset,
    prometheus: DEFAULT_PORTS.prometheus + offset,
    runnerMetrics: DEFAULT_PORTS.runnerMetrics + offset,
  };
}

export function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Fails with one error naming every busy port and the option that moves them. */
export async function assertPortsFree(named: Array<{ service: string; port: number }>): Promise<void> {
  const busy: string[] = [];
  for (const { service, port } of named) {
    if (!(await isPortFree(port))) busy.push(`${port} (${service})`);
  }
  if (busy.length > 0) {
    throw new StreamproofError(ERROR_CODES.PORT_IN_USE, `port${busy.length > 1 ? 's' : ''} already in use on 127.0.0.1: ${busy.join(', ')}`, {
      hint: 'stop whatever holds them, or shift every stack port with `--port-offset N` (or STREAMPROOF_PORT_OFFSET=N)',
    });
  }
}
