import { ERROR_CODES, StreamproofError } from '../base/errors.js';
import type { MalformedRef, PlannedRequest } from './http-driver-plan.js';

/**
 * The wire format of a batch of planned HTTP requests between a load worker and the sending
 * thread (docs/workload.md, load workers): one ArrayBuffer, transferred with postMessage. The
 * bodies are UTF-8 already, so the sending thread hands each one to the socket as a Buffer view
 * on the batch: it never builds, joins or encodes a body. Pure: no threads, no clock.
 *
 * Layout (little-endian, as typed arrays on one buffer):
 *   u32 count, u32 bodyBytes, u32 refCount, u32 reserved   header (16 bytes)
 *   f64 offsetMs[count]                                    intended schedule offset of each request
 *   u32 refEnd[count], u32 bodyEnd[count]                  where each request's seqs and body end
 *   u32 seq[refCount]                                      the seqs of each request's records
 *   u8  kind[count]                                        0 events, 1 malformed
 *   u8  body bytes                                         NDJSON bodies, back to back
 */
export interface WireRequest {
  readonly kind: PlannedRequest['kind'];
  readonly intendedOffsetMs: number;
  readonly seqs: readonly number[];
  readonly body: string;
}

const HEADER_BYTES = 16;
const KIND_CODES: Record<PlannedRequest['kind'], number> = { events: 0, malformed: 1 };
const encoder = new TextEncoder();

function layout(count: number, refCount: number): { offsets: number; refEnds: number; bodyEnds: number; seqs: number; kinds: number; bodies: number } {
  const offsets = HEADER_BYTES;
  const refEnds = offsets + 8 * count;
  const bodyEnds = refEnds + 4 * count;
  const seqs = bodyEnds + 4 * count;
  const kinds = seqs + 4 * refCount;
  return { offsets, refEnds, bodyEnds, seqs, kinds, bodies: kinds + count };
}

/** Packs requests (in schedule order) into one transferable buffer. */
export function encodeRequests(requests: readonly WireRequest[]): ArrayBuffer {
  const count = requests.length;
  let refCount = 0;
  for (const r of requests) refCount += r.seqs.length;
  const bodyBytes = requests.map((r) => Buffer.byteLength(r.body, 'utf8'));
  const totalBodyBytes = bodyBytes.reduce((a, b) => a + b, 0);
  const at = layout(count, refCount);
  const buffer = new ArrayBuffer(at.bodies + totalBodyBytes);
  const header = new Uint32Array(buffer, 0, 4);
  header[0] = count;
  header[1] = totalBodyBytes;
  header[2] = refCount;
  const offsets = new Float64Array(buffer, at.offsets, count);
  const refEnds = new Uint32Array(buffer, at.refEnds, count);
  const bodyEnds = new Uint32Array(buffer, at.bodyEnds, count);
  const seqs = new Uint32Array(buffer, at.seqs, refCount);
  const kinds = new Uint8Array(buffer, at.kinds, count);
  const bodies = new Uint8Array(buffer, at.bodies, totalBodyBytes);
  let refAt = 0;
  let bodyAt = 0;
  for (let i = 0; i < count; i += 1) {
    const r = requests[i] as WireRequest;
    offsets[i] = r.intendedOffsetMs;
    for (const seq of r.seqs) seqs[refAt++] = seq;
    refEnds[i] = refAt;
    const written = encoder.encodeInto(r.body, bodies.subarray(bodyAt, bodyAt + (bodyBytes[i] as number))).written;
    if (written !== bodyBytes[i]) throw malformedBatch(`request ${i}'s body encoded to ${written} bytes, expected ${bodyBytes[i]}`);
    bodyAt += written;
    bodyEnds[i] = bodyAt;
    kinds[i] = KIND_CODES[r.kind];
  }
  return buffer;
}

/** A received batch of requests, read in order; each body is a view on the batch's buffer (no copy). */
export class DecodedRequests {
  readonly count: number;
  readonly #offsets: Float64Array;
  readonly #refEnds: Uint32Array;
  readonly #bodyEnds: Uint32Array;
  readonly #seqs: Uint32Array;
  readonly #kinds: Uint8Array;
  readonly #bodies: Buffer;
  readonly #generatorId: string;
  #index = 0;

  constructor(buffer: ArrayBuffer, generatorId: string) {
    if (buffer.byteLength < HEADER_BYTES) throw malformedBatch(`${buffer.byteLength} bytes is shorter than the header`);
    const header = new Uint32Array(buffer, 0, 4);
    const count = header[0] as number;
    const bodyBytes = header[1] as number;
    const refCount = header[2] as number;
    const at = layout(count, refCount);
    if (at.bodies + bodyBytes !== buffer.byteLength) throw malformedBatch(`${count} requests, ${refCount} seqs and ${bodyBytes} body bytes do not fill ${buffer.byteLength} bytes`);
    this.count = count;
    this.#offsets = new Float64Array(buffer, at.offsets, count);
    this.#refEnds = new Uint32Array(buffer, at.refEnds, count);
    this.#bodyEnds = new Uint32Array(buffer, at.bodyEnds, count);
    this.#seqs = new Uint32Array(buffer, at.seqs, refCount);
    this.#kinds = new Uint8Array(buffer, at.kinds, count);
    this.#bodies = Buffer.from(buffer, at.bodies, bodyBytes);
    this.#generatorId = generatorId;
    if (count > 0 && (this.#refEnds[count - 1] !== refCount || this.#bodyEnds[count - 1] !== bodyBytes)) throw malformedBatch('the last request does not end where the batch does');
  }

  get remaining(): number {
    return this.count - this.#index;
  }

  /** Schedule offset of the next unread request (only while remaining > 0). */
  peekOffsetMs(): number {
    return this.#offsets[this.#index] as number;
  }

  /** Events and malformed records in the unread requests. */
  remainingRecords(): number {
    const from = this.#index === 0 ? 0 : (this.#refEnds[this.#index - 1] as number);
    return this.#seqs.length - from;
  }

  /** The next request; every record in it is intended at `startEpochMs` + its offset, floored (as the planner stamps them). */
  take(startEpochMs: number): PlannedRequest {
    const i = this.#index;
    if (i >= this.count) throw malformedBatch('read past the last request');
    this.#index = i + 1;
    const refFrom = i === 0 ? 0 : (this.#refEnds[i - 1] as number);
    const bodyFrom = i === 0 ? 0 : (this.#bodyEnds[i - 1] as number);
    const generatorId = this.#generatorId;
    const refs: MalformedRef[] = [];
    for (let k = refFrom; k < (this.#refEnds[i] as number); k += 1) refs.push({ generatorId, seq: this.#seqs[k] as number });
    const intendedOffsetMs = this.#offsets[i] as number;
    const malformed = this.#kinds[i] === KIND_CODES.malformed;
    return {
      kind: malformed ? 'malformed' : 'events',
      intendedOffsetMs,
      intendedAtEpochMs: Math.floor(startEpochMs + intendedOffsetMs),
      events: malformed ? [] : refs,
      malformed: malformed ? refs : [],
      body: this.#bodies.subarray(bodyFrom, this.#bodyEnds[i] as number),
    };
  }
}

function malformedBatch(detail: string): StreamproofError {
  return new StreamproofError(ERROR_CODES.UNEXPECTED, `a load worker's request batch is malformed: ${detail}`, { hint: 'a harness bug (worker and driver disagree on the batch layout): report it' });
}
