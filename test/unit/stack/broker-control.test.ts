import { describe, expect, it } from 'vitest';
import { assertBrokerId, composeControlArgs } from '../../../src/stack/broker-control.js';
import { composeCommandLine } from '../../../src/stack/compose-provider.js';

describe('compose broker control', () => {
  it('builds docker compose command lines for the service container', () => {
    expect(composeControlArgs('kill', 'kafka-2')).toEqual(['kill', '-s', 'SIGKILL', 'kafka-2']);
    expect(composeControlArgs('start', 'kafka-2')).toEqual(['start', 'kafka-2']);
    expect(composeControlArgs('pause', 'localstack')).toEqual(['pause', 'localstack']);
    expect(composeControlArgs('unpause', 'localstack')).toEqual(['unpause', 'localstack']);
    const line = composeCommandLine(composeControlArgs('pause', 'kafka-3'));
    expect(line.slice(0, 3)).toEqual(['compose', '-p', 'streamproof']);
    expect(line[3]).toBe('-f');
    expect(line[4]).toMatch(/docker-compose\.yml$/);
    expect(line.slice(5)).toEqual(['pause', 'kafka-3']);
  });
});

describe('assertBrokerId', () => {
  it('accepts 1..brokers and refuses anything else with the valid range', () => {
    expect(() => assertBrokerId(3, 3)).not.toThrow();
    expect(() => assertBrokerId(4, 3)).toThrow(/no broker 4 in this stack: it has 3 broker\(s\), numbered 1\.\.3/);
    expect(() => assertBrokerId(0, 3)).toThrow(/no broker 0/);
    expect(() => assertBrokerId(1.5, 3)).toThrow(/no broker 1.5/);
    const oneBroker = (() => {
      try {
        assertBrokerId(2, 1);
      } catch (error) {
        return error as { code?: string; hint?: string };
      }
      return null;
    })();
    expect(oneBroker?.code).toBe('SP_INVALID_ARGUMENT');
    expect(oneBroker?.hint).toMatch(/--brokers 3/);
  });
});
