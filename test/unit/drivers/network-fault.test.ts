import { describe, expect, it } from 'vitest';
import { networkToxicOf } from '../../../src/drivers/fault/network.js';

describe('networkToxicOf', () => {
  it('maps each toxic of the scenario to Toxiproxy\'s', () => {
    expect(networkToxicOf({ toxic: 'latency', latencyMs: 200, jitterMs: 20 })).toEqual({ kind: 'latency', latencyMs: 200, jitterMs: 20 });
    expect(networkToxicOf({ toxic: 'bandwidth', rateKbps: 64 })).toEqual({ kind: 'bandwidth', kbps: 64 });
    expect(networkToxicOf({ toxic: 'reset' })).toEqual({ kind: 'reset' });
    expect(networkToxicOf({ toxic: 'timeout' })).toEqual({ kind: 'timeout', timeoutMs: 0 });
  });
  it('names the field a toxic needs', () => {
    expect(() => networkToxicOf({ toxic: 'latency' })).toThrow(/needs latencyMs/);
    expect(() => networkToxicOf({ toxic: 'bandwidth' })).toThrow(/needs rateKbps/);
  });
});
