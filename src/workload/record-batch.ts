import { ERROR_CODES, StreamproofError } from '../base/errors.js';

/**
 * The wire format of a batch of generated records between a load worker and the sending thread
 * (docs/workload.md, load workers): one ArrayBuffer, transferred (moved, not copied) with
 * postMessage. Pure: no threads, no clock.
 *
 * Layout (little-endian, as typed arrays on one buffer):
 *   u32 count, u32 textBytes, u32 firstSeq, u32 reserved   header (16 bytes)
 *   f64 offsetMs[count]                                     intended schedule offsets, ms
 *   u32 seq[count]
 *   u32 keyChars[count], u32 valueChars[count]              UTF-16 lengths (for slicing)
 *   u8  malformed[count]
 *   UTF-8 text: key₀ value₀ key₁ value₁ …                   encoded once, decoded once
 *
 * The receiver decodes the text with one TextDecoder call and slices keys and values out of the
 * decoded string by their character lengths, so a batch costs one decode, not two per record.
 */
export interface BatchRecord {
  readonly offsetMs: number;
  readonly seq: number;
  readonly key: string;
  readonly json: string;
  readonly malformed: boolean;
}

const HEADER_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function layout(count: number): { offsets: number; seqs: number; keyChars: number; valueChars: number; flags: number; text: number } {
  const offsets = HEADER_BYTES;
  const seqs = offsets + 8 * count;
  const keyChars = seqs + 4 * count;
  const valueChars = keyChars + 4 * count;
  const flags = valueChars + 4 * count;
  return { offsets, seqs, keyChars, valueChars, flags, text: flags + count };
}

/** Packs records (in schedule order) into one transferable buffer. */
export function encodeBatch(records: readonly BatchRecord[]): ArrayBuffer {
  const count = records.length;
  const parts: string[] = new Array<string>(2 * count);
  for (let i = 0; i < count; i += 1) {
    const r = records[i] as BatchRecord;
    parts[2 * i] = r.key;
    parts[2 * i + 1] = r.json;
  }
  const text = parts.join('');
  const at = layout(count);
  // Worst case 3 bytes per UTF-16 unit; the byte length is counted first so the buffer is exact.
  const textBytes = Buffer.byteLength(text, 'utf8');
  const buffer = new ArrayBuffer(at.text + textBytes);
  const header = new Uint32Array(buffer, 0, 4);
  header[0] = count;
  header[1] = textBytes;
  header[2] = count > 0 ? (records[0] as BatchRecord).seq : 0;
  const offsets = new Float64Array(buffer, at.offsets, count);
  const seqs = new Uint32Array(buffer, at.seqs, count);
  const keyChars = new Uint32Array(buffer, at.keyChars, count);
  const valueChars = new Uint32Array(buffer, at.valueChars, count);
  const flags = new Uint8Array(buffer, at.flags, count);
  for (let i = 0; i < count; i += 1) {
    const r = records[i] as BatchRecord;
    offsets[i] = r.offsetMs;
    seqs[i] = r.seq;
    keyChars[i] = r.key.length;
    valueChars[i] = r.json.length;
    flags[i] = r.malformed ? 1 : 0;
  }
  const written = encoder.encodeInto(text, new Uint8Array(buffer, at.text, textBytes)).written;
  if (written !== textBytes) throw new StreamproofError(ERROR_CODES.UNEXPECTED, `record batch text encoded to ${written} bytes, expected ${textBytes}`, { hint: 'a harness bug: report it' });
  return buffer;
}

/** A received batch: typed views on the buffer plus the decoded text, read record by record. */
export class DecodedBatch {
  readonly count: number;
  readonly offsets: Float64Array;
  readonly seqs: Uint32Array;
  readonly #keyChars: Uint32Array;
  readonly #valueChars: Uint32Array;
  readonly #flags: Uint8Array;
  readonly #text: string;
  /** Next record to read, and where its key starts in the text. */
  #index = 0;
  #textAt = 0;

  constructor(buffer: ArrayBuffer) {
    if (buffer.byteLength < HEADER_BYTES) throw malformedBatch(`${buffer.byteLength} bytes is shorter than the header`);
    const header = new Uint32Array(buffer, 0, 4);
    const count = header[0] as number;
    const textBytes = header[1] as number;
    const at = layout(count);
    if (at.text + textBytes !== buffer.byteLength) throw malformedBatch(`${count} records and ${textBytes} text bytes do not fill ${buffer.byteLength} bytes`);
    this.count = count;
    this.offsets = new Float64Array(buffer, at.offsets, count);
    this.seqs = new Uint32Array(buffer, at.seqs, count);
    this.#keyChars = new Uint32Array(buffer, at.keyChars, count);
    this.#valueChars = new Uint32Array(buffer, at.valueChars, count);
    this.#flags = new Uint8Array(buffer, at.flags, count);
    this.#text = decoder.decode(new Uint8Array(buffer, at.text, textBytes));
  }

  get remaining(): number {
    return this.count - this.#index;
  }

  /** Schedule offset of the next unread record (call only while remaining > 0). */
  peekOffsetMs(): number {
    return this.offsets[this.#index] as number;
  }

  /** The next record; records come out in the order they were encoded. */
  take(): BatchRecord {
    const i = this.#index;
    if (i >= this.count) throw malformedBatch('read past the last record');
    this.#index = i + 1;
    const keyEnd = this.#textAt + (this.#keyChars[i] as number);
    const valueEnd = keyEnd + (this.#valueChars[i] as number);
    const key = this.#text.slice(this.#textAt, keyEnd);
    const json = this.#text.slice(keyEnd, valueEnd);
    this.#textAt = valueEnd;
    return { offsetMs: this.offsets[i] as number, seq: this.seqs[i] as number, key, json, malformed: this.#flags[i] === 1 };
  }
}

function malformedBatch(detail: string): StreamproofError {
  return new StreamproofError(ERROR_CODES.UNEXPECTED, `a load worker's record batch is malformed: ${detail}`, { hint: 'a harness bug (worker and sender disagree on the batch layout): report it' });
}
