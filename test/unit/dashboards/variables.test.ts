import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DATASOURCE_REF, DATASOURCE_UID, datasourceVariable, runIdVariable, scenarioVariable } from '../../../src/dashboards/variables.js';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../../${path}`, import.meta.url)), 'utf8');

describe('dashboard variables', () => {
  it('discover runs from the phase info metric, scenario first', () => {
    expect(scenarioVariable().build().query).toBe('label_values(streamproof_run_phase_info, scenario)');
    expect(runIdVariable().build().query).toBe('label_values(streamproof_run_phase_info{scenario=~"$scenario"}, run_id)');
    expect(scenarioVariable().build().allValue).toBe('.*');
    expect(runIdVariable().build().includeAll).toBe(false);
  });

  it('default the datasource to the provisioned uid and query through the variable', () => {
    expect(datasourceVariable().build().current?.value).toBe(DATASOURCE_UID);
    expect(DATASOURCE_REF).toEqual({ type: 'prometheus', uid: '${datasource}' });
  });
});

describe('grafana provisioning', () => {
  it('provisions the Prometheus datasource with the uid the dashboards expect', () => {
    const yaml = read('stack/grafana/provisioning/datasources/prometheus.yaml');
    expect(yaml).toMatch(new RegExp(`^\\s+uid: ${DATASOURCE_UID}$`, 'm'));
    expect(yaml).toMatch(/^\s+url: http:\/\/prometheus:9090$/m);
    expect(yaml).toMatch(/^\s+type: prometheus$/m);
    expect(yaml).toMatch(/^\s+timeInterval: 1s$/m);
  });

  it('loads dashboards from the directory compose mounts', () => {
    const yaml = read('stack/grafana/provisioning/dashboards/dashboards.yaml');
    expect(yaml).toMatch(/^\s+type: file$/m);
    expect(yaml).toMatch(/^\s+path: \/var\/lib\/grafana\/dashboards$/m);
  });
});
