import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { isGzip, splitNdjson } from '../../../src/contract/ndjson.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const texts = (records: Uint8Array[]) => records.map((r) => new TextDecoder().decode(r));

describe('splitNdjson', () => {
  it('splits newline-terminated records', () => {
    const split = splitNdjson(bytes('{"a":1}\n{"b":2}\n'));
    expect(texts(split.records)).toEqual(['{"a":1}', '{"b":2}']);
    expect(split.terminated).toBe(true);
  });

  it('keeps an unterminated tail and says so', () => {
    const split = splitNdjson(bytes('{"a":1}\n{"b"'));
    expect(texts(split.records)).toEqual(['{"a":1}', '{"b"']);
    expect(split.terminated).toBe(false);
  });

  it('shows empty lines as empty records, and has none for empty input', () => {
    expect(texts(splitNdjson(bytes('x\n\ny\n')).records)).toEqual(['x', '', 'y']);
    expect(splitNdjson(new Uint8Array(0))).toEqual({ records: [], terminated: true });
  });
});

describe('isGzip', () => {
  it('recognises the gzip magic number only', () => {
    expect(isGzip(gzipSync(bytes('x\n')))).toBe(true);
    expect(isGzip(bytes('{"a":1}\n'))).toBe(false);
    expect(isGzip(new Uint8Array([0x1f]))).toBe(false);
  });
});
