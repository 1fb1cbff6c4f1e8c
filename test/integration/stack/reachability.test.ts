import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/base/errors.js';
import { assertStackReachable, checkAwsEndpoint, checkKafka, checkPrometheus } from '../../../src/stack/reachability.js';
import { runScenarioCli } from '../../e2e/scenario-cli.js';
import { endpoints } from '../support.js';

/**
 * An unreachable Kafka, S3 endpoint or Prometheus is reported within seconds, naming the
 * address and the cause. Against real sockets: a closed port on 127.0.0.1 (refused), a server
 * that accepts and never answers (timed out), TLS and SASL against the stack's real plaintext
 * broker (which refuses both).
 */

/** A port nothing listens on: bound, then closed again. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

let silent: Server;
const silentSockets = new Set<Socket>();
let silentPort: number;
let closed: number;

beforeAll(async () => {
  closed = await closedPort();
  // Accepts connections and never writes a byte: what a wrong service or a hung broker looks like.
  silent = createServer((socket) => {
    silentSockets.add(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  silentPort = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of silentSockets) socket.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

describe('reachability of the stack before a run', () => {
  it('Kafka on a closed port: refused, naming the address', async () => {
    const found = await checkKafka({ bootstrapServers: [`127.0.0.1:${closed}`], brokers: 1, tls: false }, 1_000);
    expect(found).toMatchObject({ service: 'Kafka', address: `127.0.0.1:${closed}`, cause: 'refused' });
  });

  it('Kafka on a port that never answers: timed out', async () => {
    const found = await checkKafka({ bootstrapServers: [`127.0.0.1:${silentPort}`], brokers: 1, tls: false }, 500);
    expect(found).toMatchObject({ service: 'Kafka', address: `127.0.0.1:${silentPort}`, cause: 'timed out' });
  });

  it('TLS against the real plaintext broker: TLS', async () => {
    const stack = await endpoints();
    const found = await checkKafka({ ...stack.kafka, tls: true }, 2_000);
    expect(found).toMatchObject({ service: 'Kafka', address: stack.kafka.bootstrapServers[0], cause: 'TLS' });
  });

  it('SASL against the real broker whose listener has none: SASL', async () => {
    const stack = await endpoints();
    const saved = { ...process.env };
    process.env.STREAMPROOF_KAFKA_SASL_USERNAME = 'nobody';
    process.env.STREAMPROOF_KAFKA_SASL_PASSWORD = 'wrong';
    try {
      const found = await checkKafka({ ...stack.kafka, saslMechanism: 'PLAIN' }, 2_000);
      expect(found).toMatchObject({ service: 'Kafka', cause: 'SASL' });
    } finally {
      process.env = saved;
    }
  });

  it('the running stack is reachable', async () => {
    await expect(assertStackReachable(await endpoints())).resolves.toBeUndefined();
  });

  it('S3 and Prometheus on closed ports: refused, each named in one error', async () => {
    expect(await checkAwsEndpoint(`http://127.0.0.1:${closed}`, 1_000)).toMatchObject({ service: 'Firehose/S3', address: `http://127.0.0.1:${closed}`, cause: 'refused' });
    expect(await checkPrometheus(`http://127.0.0.1:${closed}`, 1_000)).toMatchObject({ service: 'Prometheus', address: `http://127.0.0.1:${closed}`, cause: 'refused' });
    const stack = await endpoints();
    const error = await assertStackReachable({ ...stack, aws: { ...stack.aws, endpoint: `http://127.0.0.1:${closed}` }, prometheus: { url: `http://127.0.0.1:${closed}` } }, 1_000).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: ERROR_CODES.SERVICE_UNREACHABLE });
    expect((error as Error).message).toBe(
      `cannot reach Firehose/S3 at http://127.0.0.1:${closed}: refused (connect ECONNREFUSED 127.0.0.1:${closed}); also Prometheus at http://127.0.0.1:${closed}: refused (connect ECONNREFUSED 127.0.0.1:${closed})`,
    );
    expect((error as { hint: string }).hint).toMatch(/^nothing listens on http:\/\/127\.0\.0\.1:\d+: is Firehose\/S3 running\?/);
  });

  it('`npm run scenario` with an external Kafka on a closed port fails with the address, cause and hint (exit 2)', async () => {
    const env = { STREAMPROOF_KAFKA_BOOTSTRAP: `127.0.0.1:${closed}`, STREAMPROOF_AWS_ENDPOINT: `http://127.0.0.1:${closed}` };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const { code, stderr } = await runScenarioCli(['scenarios/examples/quick.yaml', '--provider', 'external', '--results-dir', '/tmp/sp-reachability-results'], { timeoutMs: 60_000 });
      expect(code).toBe(2);
      expect(stderr).toContain(`error [SP_SERVICE_UNREACHABLE]: cannot reach Kafka at 127.0.0.1:${closed}: refused`);
      expect(stderr).toContain(`also Firehose/S3 at http://127.0.0.1:${closed}: refused`);
      expect(stderr).toContain(`hint: nothing listens on 127.0.0.1:${closed}: is Kafka running?`);
    } finally {
      process.env = saved;
    }
  });
});
