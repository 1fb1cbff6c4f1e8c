import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { WindowingConfig } from '../../../src/contract/windows.js';
import type { WindowResult } from '../../../src/contract/window-result.js';
import type { DlqValue, LateValue } from '../../../src/contract/side-outputs.js';

/**
 * The contract's test vectors (test/fixtures/contract/*.json; the format is in docs/contract.md,
 * "Test vectors"): input records → the exact window results, late-events and DLQ records.
 */

export interface VectorRecord {
  partition: number;
  offset: number;
  key: string | null;
  value: string | null;
  /** Processing time when the record is handled; default the vector's nowMs. */
  atMs?: number;
}

export interface Vector {
  name: string;
  description: string;
  config: WindowingConfig;
  partitions: number[];
  nowMs: number;
  records: VectorRecord[];
  expected: {
    results: WindowResult[];
    late: { key: string; value: Omit<LateValue, 'reason'> }[];
    dlq: { key: string; value: Omit<DlqValue, 'reason'> }[];
  };
}

const DIRECTORY = fileURLToPath(new URL('../../fixtures/contract/', import.meta.url));

export function loadVectors(): Vector[] {
  return readdirSync(DIRECTORY)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(DIRECTORY + name, 'utf8')) as Vector);
}
