import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS } from '../../src/base/endpoints.js';

// docker-compose.yml is validated without a Docker engine by Debian's `docker-compose`
// (installed by .ci/run); this test fails, not skips, when it is missing.
describe('docker-compose.yml', () => {
  const text = readFileSync(new URL('../../docker-compose.yml', import.meta.url), 'utf8');

  it('validates with `docker-compose config -q`', () => {
    const result = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config', '-q'], { encoding: 'utf8' });
    expect(result.error?.message ?? '').toBe('');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('publishes the same loopback ports as the native stack, and only on loopback', () => {
    for (const port of DEFAULT_PORTS.kafkaBroker) expect(text).toContain(`"127.0.0.1:${port}:${port}"`);
    expect(text).toContain(`"127.0.0.1:${DEFAULT_PORTS.aws}:4566"`);
    expect(text).toContain(`"127.0.0.1:${DEFAULT_PORTS.prometheus}:9090"`);
    expect(text).toContain(`"127.0.0.1:${DEFAULT_PORTS.grafana}:3000"`);
    const published = [...text.matchAll(/ports: \[([^\]]*)\]/g)].flatMap((m) => m[1]!.split(',').map((s) => s.trim()));
    expect(published.length).toBe(6);
    expect(published.every((p) => p.startsWith('"127.0.0.1:'))).toBe(true);
  });

  it('pins every image to an exact tag', () => {
    const images = [...text.matchAll(/image: (\S+)/g)].map((m) => m[1]);
    expect(images).toEqual(['apache/kafka:4.1.2', 'localstack/localstack:4.14.0', 'prom/prometheus:v3.5.0', 'grafana/grafana:12.0.0']);
  });
});
