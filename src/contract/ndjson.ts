/**
 * Reading delivered S3 objects back: detect gzip, split newline-delimited records.
 * The write side (batching.ts) guarantees one record per line, each ending in '\n'.
 */

const NEWLINE = 0x0a;

/** True when the bytes begin with the gzip magic number (1f 8b). */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

export interface SplitRecords {
  /** Views into the input (no copies), without their '\n'. */
  records: Uint8Array[];
  /** False when the bytes did not end with '\n' (the last record is then unterminated). */
  terminated: boolean;
}

/** Splits on '\n'. An empty input has no records; an empty line is an (empty) record, so framing damage shows. */
export function splitNdjson(bytes: Uint8Array): SplitRecords {
  const records: Uint8Array[] = [];
  let start = 0;
  for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, start)) {
    records.push(bytes.subarray(start, i));
    start = i + 1;
  }
  if (start < bytes.length) {
    records.push(bytes.subarray(start));
    return { records, terminated: false };
  }
  return { records, terminated: true };
}
