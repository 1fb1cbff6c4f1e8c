import { describe, expect, it } from 'vitest';
import { chunkByBytes, isFencedError, kafkaErrorIds } from '../../../src/kafka/processor-io.js';

describe('kafka error ids', () => {
  it('finds ids through nested errors and causes', () => {
    const inner = Object.assign(new Error('fenced'), { apiId: 'PRODUCER_FENCED' });
    const outer = Object.assign(new Error('multiple'), { errors: [new Error('x'), Object.assign(new Error('y'), { cause: inner })] });
    expect(kafkaErrorIds(outer)).toEqual(['PRODUCER_FENCED']);
    expect(isFencedError(outer)).toBe(true);
    expect(isFencedError(Object.assign(new Error('gen'), { apiId: 'ILLEGAL_GENERATION' }))).toBe(false);
    expect(kafkaErrorIds('nope')).toEqual([]);
  });
});

describe('chunkByBytes', () => {
  const out = (value: string | null) => ({ topic: 't', key: 'k', value });
  it('keeps order and bounds each chunk', () => {
    const outputs = [out('a'.repeat(100)), out('b'.repeat(100)), out(null), out('c'.repeat(300)), out('d')];
    const chunks = chunkByBytes(outputs, 400);
    expect(chunks.map((c) => c.map((o) => o.value?.[0] ?? '-').join(''))).toEqual(['ab-', 'c', 'd']);
    expect(chunks.flat()).toEqual(outputs);
  });
  it('gives a record larger than the bound a chunk of its own, and nothing for no outputs', () => {
    expect(chunkByBytes([out('x'.repeat(1000)), out('y')], 100).map((c) => c.length)).toEqual([1, 1]);
    expect(chunkByBytes([], 100)).toEqual([]);
  });
});
