import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BROKER_METRICS, BROKER_METRICS_JOB } from '../../../../src/metrics/catalog.js';
import { renderPrometheusConfig } from '../../../../src/stack/native/prometheus-config.js';
import { stackPorts } from '../../../../src/stack/ports.js';

const read = (path: string) => readFileSync(new URL(`../../../../${path}`, import.meta.url), 'utf8');

/** metric name → type, from the agent's rules file (same grammar as JmxExporterAgent.parseRules). */
function rulesFileMetrics(): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of read('stack/kafka/jmx-exporter/kafka-broker.rules').split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const [name, type] = t.split(/\s+/);
    out.set(name as string, type as string);
  }
  return out;
}

describe("brokers' JMX exporter", () => {
  it('exports every broker metric the dashboards query, with the same type', () => {
    const rules = rulesFileMetrics();
    for (const def of Object.values(BROKER_METRICS)) expect([def.name, rules.get(def.name)]).toEqual([def.name, def.type]);
  });

  it('has Prometheus scrape each native broker on loopback at its offset-shifted port, labelled by broker', () => {
    const ports = stackPorts(3, 1000);
    expect(ports.kafkaJmxMetrics).toEqual([20792, 20793, 20794]);
    const yml = renderPrometheusConfig({ prometheusPort: ports.prometheus, targetsDir: '/t', brokerMetricsPorts: ports.kafkaJmxMetrics });
    expect(yml).toContain(`job_name: ${BROKER_METRICS_JOB}`);
    for (const [i, port] of ports.kafkaJmxMetrics.entries()) {
      expect(yml).toContain(`- targets: ['127.0.0.1:${port}']\n        labels: { broker: 'kafka-${i + 1}' }`);
    }
    expect(renderPrometheusConfig({ prometheusPort: 1, targetsDir: '/t', brokerMetricsPorts: [5] }).match(/targets: \['127\.0\.0\.1:5'\]/g)).toHaveLength(1);
  });

  it('no broker metrics port collides with another stack port', () => {
    const p = stackPorts(3, 0);
    const all = [...p.kafkaBroker, ...p.kafkaController, ...p.kafkaJmxMetrics, p.aws, p.prometheus, p.runnerMetrics];
    expect(new Set(all).size).toBe(all.length);
  });

  it('compose runs the same agent and rules in each broker, scraped by job and broker', () => {
    const compose = read('docker-compose.yml');
    expect(compose).toContain('KAFKA_OPTS: "-javaagent:/opt/jmx-exporter/agent.jar=0.0.0.0:7071:/opt/jmx-exporter/kafka-broker.rules"');
    expect(compose).toContain('./stack/kafka/jmx-exporter/kafka-broker.rules:/opt/jmx-exporter/kafka-broker.rules:ro');
    const prom = read('stack/prometheus/prometheus.compose.yml');
    expect(prom).toContain(`job_name: ${BROKER_METRICS_JOB}`);
    for (const n of [1, 2, 3]) expect(prom).toContain(`- targets: ['kafka-${n}:7071']\n        labels: { broker: 'kafka-${n}' }`);
  });
});
