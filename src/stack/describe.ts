import type { StackEndpoints } from '../base/endpoints.js';

/** Human-readable endpoint list printed by `stack up` and `status` (no secrets: none are in endpoints). */
export function describeEndpoints(endpoints: StackEndpoints): string {
  const lines = [
    `provider:          ${endpoints.provider}`,
    `kafka bootstrap:   ${endpoints.kafka.bootstrapServers.join(',')} (${endpoints.kafka.brokers} broker${endpoints.kafka.brokers > 1 ? 's' : ''}${endpoints.kafka.tls ? ', TLS' : ''}${endpoints.kafka.saslMechanism ? `, SASL ${endpoints.kafka.saslMechanism}` : ''})`,
    `firehose + s3:     ${endpoints.aws.endpoint ?? `AWS (${endpoints.aws.region})`} [${endpoints.aws.firehoseBehaviour}]`,
  ];
  if (endpoints.prometheus) lines.push(`prometheus:        ${endpoints.prometheus.url}`);
  if (endpoints.grafana) lines.push(`grafana:           ${endpoints.grafana.url}`);
  if (endpoints.toxiproxy) {
    lines.push(`toxiproxy API:     ${endpoints.toxiproxy.apiUrl}`);
    lines.push(`kafka via proxies: ${endpoints.toxiproxy.kafka.bootstrapServers.join(',')} (network faults act here only)`);
  }
  return `${lines.join('\n')}\n`;
}
