import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { assertPortsFree, stackPorts } from '../../../src/stack/ports.js';

describe('stackPorts', () => {
  it('shifts every port by the offset', () => {
    expect(stackPorts(3, 100)).toEqual({ kafkaBroker: [19192, 19193, 19194], kafkaController: [19292, 19293, 19294], kafkaJmxMetrics: [19892, 19893, 19894], kafkaProxiedListener: [19692, 19693, 19694], kafkaProxy: [19792, 19793, 19794], toxiproxyApi: 18574, aws: 14666, prometheus: 19190, runnerMetrics: 19564 });
    expect(stackPorts(1).kafkaBroker).toEqual([19092]);
  });
});

describe('assertPortsFree', () => {
  it('names the busy port, its service and the option to move it', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      await expect(assertPortsFree([{ service: 'moto (Firehose/S3)', port }])).rejects.toMatchObject({
        code: 'SP_PORT_IN_USE',
        message: expect.stringContaining(`${port} (moto (Firehose/S3))`),
        hint: expect.stringContaining('--port-offset'),
      });
    } finally {
      server.close();
    }
  });
});
