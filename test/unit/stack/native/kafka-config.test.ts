import { describe, expect, it } from 'vitest';
import { makeClusterId, renderKafkaServerProperties } from '../../../../src/stack/native/kafka-config.js';

function props(text: string): Map<string, string> {
  return new Map(text.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('renderKafkaServerProperties', () => {
  const base = { brokers: 3, brokerPorts: [19092, 19093, 19094], controllerPorts: [19192, 19193, 19194], logDir: '/tmp/d' };
  it('makes node 2 of 3 a combined KRaft node with a static quorum on loopback', () => {
    const p = props(renderKafkaServerProperties({ ...base, nodeId: 2 }));
    expect(p.get('process.roles')).toBe('broker,controller');
    expect(p.get('node.id')).toBe('2');
    expect(p.get('controller.quorum.voters')).toBe('1@127.0.0.1:19192,2@127.0.0.1:19193,3@127.0.0.1:19194');
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19093,CONTROLLER://127.0.0.1:19193');
    expect(p.get('min.insync.replicas')).toBe('2');
    expect(p.get('transaction.state.log.min.isr')).toBe('2');
    expect(p.get('offsets.topic.replication.factor')).toBe('3');
    expect(p.get('auto.create.topics.enable')).toBe('false');
  });
  it('uses replication 1 for a single node', () => {
    const p = props(renderKafkaServerProperties({ ...base, brokers: 1, nodeId: 1 }));
    expect(p.get('controller.quorum.voters')).toBe('1@127.0.0.1:19192');
    expect(p.get('offsets.topic.replication.factor')).toBe('1');
    expect(p.get('min.insync.replicas')).toBe('1');
  });
  it('binds nothing but 127.0.0.1', () => {
    const text = renderKafkaServerProperties({ ...base, nodeId: 1 });
    const hosts = [...text.matchAll(/\/\/([^:]+):/g)].map((m) => m[1]);
    expect(new Set(hosts)).toEqual(new Set(['127.0.0.1']));
  });
});

describe('the PROXIED listener (Toxiproxy in front of each broker)', () => {
  const base = { brokers: 3, brokerPorts: [19092, 19093, 19094], controllerPorts: [19192, 19193, 19194], logDir: '/tmp/d' };
  const proxied = { listenerPorts: [19592, 19593, 19594], proxyPorts: [19692, 19693, 19694] };
  it('listens on its own port and advertises the Toxiproxy port, so clients that came through a proxy stay behind the proxies', () => {
    const p = props(renderKafkaServerProperties({ ...base, nodeId: 2, proxied }));
    expect(p.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19093,PROXIED://127.0.0.1:19593,CONTROLLER://127.0.0.1:19193');
    expect(p.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19093,PROXIED://127.0.0.1:19693');
    expect(p.get('listener.security.protocol.map')).toBe('PLAINTEXT:PLAINTEXT,PROXIED:PLAINTEXT,CONTROLLER:PLAINTEXT');
    // Brokers replicate over PLAINTEXT: a network fault between clients and brokers leaves replication alone.
    expect(p.get('inter.broker.listener.name')).toBe('PLAINTEXT');
  });
  it('refuses a node without a proxied port', () => {
    expect(() => renderKafkaServerProperties({ ...base, nodeId: 3, proxied: { listenerPorts: [19592], proxyPorts: [19692] } })).toThrow(/no proxied listener port for Kafka node 3/);
  });
});

describe('makeClusterId', () => {
  it('is 22 chars of base64url and never starts with a dash', () => {
    const ids = [Buffer.from('fb' + '00'.repeat(15), 'hex'), Buffer.alloc(16, 1)];
    let i = 0;
    const id = makeClusterId(() => ids[i++]!);
    expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
    expect(i).toBe(2); // the first candidate started with '-' and was rejected
  });
});
