import { describe, expect, it } from 'vitest';
import { toxicSpec, toxiproxyCommand, toxiproxyEndpoints } from '../../../../src/stack/native/toxiproxy.js';

describe('toxiproxy (pure parts)', () => {
  it('puts proxy i in front of broker i and bootstraps through the proxies only', () => {
    const kafka = { bootstrapServers: ['127.0.0.1:22092', '127.0.0.1:22093'], brokers: 2, tls: false };
    const t = toxiproxyEndpoints(21474, [22692, 22693], [22592, 22593], kafka);
    expect(t.apiUrl).toBe('http://127.0.0.1:21474');
    expect(t.kafka).toEqual({ ...kafka, bootstrapServers: ['127.0.0.1:22692', '127.0.0.1:22693'] });
    expect(t.proxies).toEqual([
      { name: 'kafka-1', brokerIndex: 0, listen: '127.0.0.1:22692', upstream: '127.0.0.1:22592' },
      { name: 'kafka-2', brokerIndex: 1, listen: '127.0.0.1:22693', upstream: '127.0.0.1:22593' },
    ]);
  });

  it('binds the server to loopback', () => {
    expect(toxiproxyCommand('/c/server', 18474, '/run').args).toEqual(['-host', '127.0.0.1', '-port', '18474']);
  });

  it("maps each fault kind to Toxiproxy's toxic and attributes", () => {
    expect(toxicSpec({ kind: 'latency', latencyMs: 200, jitterMs: 20 }, 'n')).toEqual({ name: 'n', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 200, jitter: 20 } });
    expect(toxicSpec({ kind: 'bandwidth', kbps: 64 }, 'n')).toMatchObject({ type: 'bandwidth', attributes: { rate: 64 } });
    expect(toxicSpec({ kind: 'reset' }, 'n')).toMatchObject({ type: 'reset_peer', stream: 'upstream', attributes: { timeout: 0 } });
    expect(toxicSpec({ kind: 'timeout', timeoutMs: 3000 }, 'n')).toMatchObject({ type: 'timeout', stream: 'upstream', attributes: { timeout: 3000 } });
  });
});
