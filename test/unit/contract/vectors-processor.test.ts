import { describe, expect, it } from 'vitest';
import { ProcessorCore } from '../../../src/pipeline/processor/core.js';
import { toOutputRecords } from '../../../src/pipeline/processor/encode.js';
import { loadVectors, type Vector } from './vectors.js';

/**
 * The processor's pure core against the contract's vectors: every record is its own batch at its
 * processing time (the vector format's rule), the outputs are encoded exactly as the Kafka adapter
 * writes them, and must equal the expected records field by field (`reason` texts excluded: they
 * are human-readable, not part of the contract).
 */

const TOPICS = { processed: 'processed', late: 'late', dlq: 'dlq', changelog: 'changelog' };

function runProcessor(vector: Vector) {
  const core = new ProcessorCore(vector.config);
  core.assign(vector.partitions, vector.nowMs);
  const actual: Vector['expected'] = { results: [], late: [], dlq: [] };
  for (const record of vector.records) {
    const outputs = core.process({ partition: record.partition, offset: BigInt(record.offset), key: record.key, value: record.value }, record.atMs ?? vector.nowMs);
    for (const output of toOutputRecords(outputs, TOPICS)) {
      if (output.topic === TOPICS.changelog) continue;
      const value = JSON.parse(output.value as string);
      if (output.topic === TOPICS.processed) {
        expect(output.key).toBe(value.key);
        actual.results.push(value);
        continue;
      }
      expect(typeof value.reason).toBe('string');
      delete value.reason;
      (output.topic === TOPICS.late ? actual.late : actual.dlq).push({ key: output.key, value });
    }
  }
  return { actual, openWindows: core.openWindowCount };
}

describe('contract vectors: processor', () => {
  const vectors = loadVectors();

  it('has vectors', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(6);
  });

  for (const vector of vectors) {
    it(`${vector.name}: ${vector.description.slice(0, 60)}…`, () => {
      const { actual, openWindows } = runProcessor(vector);
      expect(actual.results).toStrictEqual(vector.expected.results);
      expect(actual.late).toStrictEqual(vector.expected.late);
      expect(actual.dlq).toStrictEqual(vector.expected.dlq);
      // Every vector ends with its input closed: nothing is left open, so the expected outputs are complete.
      expect(openWindows).toBe(0);
    });
  }
});
