import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/base/errors.js';
import { APPEND, parsePath, parseSetValue, setAtPath } from '../../../src/scenario/set-path.js';

function set(root: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  setAtPath(root, parsePath(path), value, path);
  return root;
}

describe('parsePath', () => {
  it('reads dots, indices in either spelling, and append', () => {
    expect(parsePath('processor.instances')).toEqual(['processor', 'instances']);
    expect(parsePath('load.phases.0.durationMs')).toEqual(['load', 'phases', 0, 'durationMs']);
    expect(parsePath('load.phases[1].durationMs')).toEqual(['load', 'phases', 1, 'durationMs']);
    expect(parsePath('load.overlay[0].phases[2]')).toEqual(['load', 'overlay', 0, 'phases', 2]);
    expect(parsePath('thresholds[]')).toEqual(['thresholds', APPEND]);
  });

  it('rejects malformed paths and prototype keys', () => {
    for (const path of ['', 'a..b', 'a.b c', '__proto__.x', 'a.constructor', 'a[x]', 'a[].b']) {
      expect(() => parsePath(path), path).toThrowError(expect.objectContaining({ code: ERROR_CODES.INVALID_ARGUMENT }));
    }
  });
});

describe('parseSetValue', () => {
  it('reads JSON when it parses and text otherwise', () => {
    expect(parseSetValue('3')).toBe(3);
    expect(parseSetValue('0.5')).toBe(0.5);
    expect(parseSetValue('true')).toBe(true);
    expect(parseSetValue('null')).toBeNull();
    expect(parseSetValue('[1,"a"]')).toEqual([1, 'a']);
    expect(parseSetValue('{"kind":"zipf","skew":1.2}')).toEqual({ kind: 'zipf', skew: 1.2 });
    expect(parseSetValue('"3"')).toBe('3');
    expect(parseSetValue('30s')).toBe('30s');
    expect(parseSetValue('p99(l3) < 2s')).toBe('p99(l3) < 2s');
    expect(parseSetValue('')).toBe('');
  });
});

describe('setAtPath', () => {
  it('sets nested fields, creating sections and lists on the way', () => {
    expect(set({}, 'processor.windowMs', '10s')).toEqual({ processor: { windowMs: '10s' } });
    expect(set({ processor: { instances: 2 } }, 'processor.windowMs', 5)).toEqual({ processor: { instances: 2, windowMs: 5 } });
    expect(set({}, 'load.phases.0.kind', 'constant')).toEqual({ load: { phases: [{ kind: 'constant' }] } });
  });

  it('replaces, appends and deletes list elements', () => {
    const root = { thresholds: ['a', 'b'] };
    set(root, 'thresholds.1', 'B');
    set(root, 'thresholds[]', 'c');
    expect(root).toEqual({ thresholds: ['a', 'B', 'c'] });
    set(root, 'thresholds.0', null);
    expect(root).toEqual({ thresholds: ['B', 'c'] });
    expect(set({}, 'thresholds[]', 'x')).toEqual({ thresholds: ['x'] });
  });

  it('deletes a field for null so its default applies', () => {
    expect(set({ topology: { replicationFactor: 1, retentionMs: 5 } }, 'topology.replicationFactor', null)).toEqual({ topology: { retentionMs: 5 } });
  });

  it('refuses to walk through values or index past the end', () => {
    expect(() => set({ stack: { brokers: 3 } }, 'stack.brokers.count', 1)).toThrowError(/stack\.brokers is 3, not a section or list/);
    expect(() => set({ faults: [] }, 'faults.2.kind', 'delivery-outage')).toThrowError(/index 2 is past the end of a list of 0/);
    expect(() => set({ faults: [] }, 'faults.kind', 'delivery-outage')).toThrowError(/faults is a list: use a numeric index/);
    expect(() => set({ stack: {} }, 'stack.0', 1)).toThrowError(/stack is not a list: use a field name/);
  });
});
