import { describe, expect, it } from 'vitest';
import { FAULT_INJECTORS, assertFaultsInjectable } from '../../../src/drivers/fault/index.js';
import { INGEST_DRIVERS } from '../../../src/drivers/ingest/index.js';
import { PROCESSOR_DRIVERS } from '../../../src/drivers/processor/index.js';
import { driverFor } from '../../../src/drivers/registry.js';
import { checkScenario } from '../../../src/scenario/validate.js';

const minimal = { name: 'kinds', description: 'driver kinds', load: { phases: [{ kind: 'constant', rateEventsPerS: 10, durationMs: '1m' }] } };

describe('driver registries', () => {
  it('give every kind a unique name and a schema whose kind is that literal', () => {
    for (const registry of [INGEST_DRIVERS, PROCESSOR_DRIVERS, FAULT_INJECTORS]) {
      const kinds = registry.map((d) => d.kind);
      expect(new Set(kinds).size).toBe(kinds.length);
      // Every fault needs its time and duration; nothing else is required of any kind.
      const required = (kind: string) => (registry !== FAULT_INJECTORS ? {} : { atMs: 0, durationMs: 1, ...(kind === 'processor-scale' ? { change: 'add' } : {}), ...(kind === 'network' ? { toxic: 'reset' } : {}) });
      for (const driver of registry) expect(driver.schema.parse({ kind: driver.kind, ...required(driver.kind) }).kind).toBe(driver.kind);
    }
  });

  it('default a section to the first kind, so a scenario may leave kind out', () => {
    const check = checkScenario(minimal);
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.scenario.ingest).toEqual({ kind: 'kafka', loadWorkers: 1, producerThread: false });
    expect(check.scenario.processor.kind).toBe('builtin');
  });

  it('refuse an unknown kind, naming the ones there are', () => {
    const check = checkScenario({ ...minimal, ingest: { kind: 'grpc' }, processor: { kind: 'spark' } });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    const text = check.problems.map((p) => `${p.path}: ${p.message}`).join('\n');
    expect(text).toMatch(/ingest\.kind.*kafka.*http/);
    expect(text).toMatch(/processor\.kind.*builtin/);
  });

  it('keep each kind’s settings to its own kind', () => {
    const check = checkScenario({ ...minimal, ingest: { kind: 'kafka', connections: 4 } });
    expect(check.ok).toBe(false);
  });

  it('look kinds up, and say which exist when one is missing', () => {
    expect(driverFor(INGEST_DRIVERS, 'http', 'ingest').kind).toBe('http');
    expect(() => driverFor(INGEST_DRIVERS, 'grpc', 'ingest')).toThrow('no ingest driver registered for kind "grpc" (registered: kafka, http)');
  });

  it('refuse faults of a kind no injector is registered for, all at once', () => {
    expect(() => assertFaultsInjectable([])).not.toThrow();
    expect(() => assertFaultsInjectable([{ kind: 'broker-kill' }, { kind: 'processor-kill' }, { kind: 'chaos' }])).not.toThrow();
    expect(() => assertFaultsInjectable([{ kind: 'network' }, { kind: 'chaos', kinds: ['processor-kill', 'network'] }])).not.toThrow();
    // Every kind the schema has is registered now; a kind without an injector (as from a newer scenario file) is still refused.
    expect(() => assertFaultsInjectable([{ kind: 'disk-full' }, { kind: 'broker-pause' }, { kind: 'chaos', kinds: ['processor-kill', 'disk-full'] }])).toThrow(
      /2 fault\(s\)[\s\S]*faults\.0\.kind: the runner cannot inject disk-full faults yet: no injector is registered for that kind \(registered: broker-kill, broker-pause, processor-kill, processor-scale, delivery-outage, network\)[\s\S]*faults\.2\.kinds: chaos cannot draw disk-full faults yet/,
    );
  });
});
