import { isTrackableSeq } from '../../base/sequence-bitmap.js';
import { EVENT_ID_SEPARATOR, type EventIdentity } from '../../contract/identity.js';

/**
 * Best-effort event identity from a record that may not be a valid event, put on DLQ records
 * (docs/contract.md, "Identities") so that the verifier can match a malformed event to its DLQ
 * record by (generatorId, seq) whenever the raw text still carries them. The verifier extracts
 * identities with its own implementation of the same rule (src/verify/identity.ts, regular
 * expressions); this one reads the text with a small hand scanner, so the two share no code.
 */
export type { EventIdentity };

const ID_CHARS = /^[A-Za-z0-9_.-]{1,64}$/;
/** More digits than any trackable seq has: longer runs are not an identity. */
const MAX_SEQ_DIGITS = 16;

function toIdentity(generatorId: unknown, seq: unknown): EventIdentity | null {
  if (typeof generatorId !== 'string' || !ID_CHARS.test(generatorId)) return null;
  let n: number;
  if (typeof seq === 'number') n = seq;
  else if (typeof seq === 'string' && seq.length > 0 && seq.length <= MAX_SEQ_DIGITS && [...seq].every((c) => c >= '0' && c <= '9')) n = Number(seq);
  else return null;
  return isTrackableSeq(n) ? { generatorId, seq: n } : null;
}

function splitEventId(eventId: unknown): EventIdentity | null {
  if (typeof eventId !== 'string') return null;
  const at = eventId.lastIndexOf(EVENT_ID_SEPARATOR);
  return at > 0 ? toIdentity(eventId.slice(0, at), eventId.slice(at + 1)) : null;
}

/** From an already-decoded value: its generatorId and seq, else its eventId. */
export function identityOf(value: unknown): EventIdentity | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { generatorId, seq, eventId } = value as Record<string, unknown>;
  return toIdentity(generatorId, seq) ?? splitEventId(eventId);
}

/** Index just past `"name"` and the colon after it (white space allowed), or -1. */
function valueStart(text: string, name: string): number {
  const key = `"${name}"`;
  let i = text.indexOf(key);
  if (i < 0) return -1;
  i += key.length;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i += 1;
  if (text[i] !== ':') return -1;
  i += 1;
  while (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r') i += 1;
  return i;
}

/** A quoted string value with no escapes (identities never have any), or null. */
function scanString(text: string, name: string): string | null {
  const start = valueStart(text, name);
  if (start < 0 || text[start] !== '"') return null;
  const end = text.indexOf('"', start + 1);
  if (end < 0) return null;
  const value = text.slice(start + 1, end);
  return value.includes('\\') ? null : value;
}

/** An unsigned integer value; null for a fraction, an exponent or too many digits. */
function scanDigits(text: string, name: string): string | null {
  const start = valueStart(text, name);
  if (start < 0) return null;
  let end = start;
  while (end < text.length && text[end]! >= '0' && text[end]! <= '9') end += 1;
  if (end === start || end - start > MAX_SEQ_DIGITS) return null;
  const next = text[end];
  return next === '.' || next === 'e' || next === 'E' ? null : text.slice(start, end);
}

/**
 * Identity from raw record text: the decoded value when the caller has one, else JSON, else a
 * scan of the text for the fields, which still finds them in truncated or broken JSON.
 */
export function extractIdentity(raw: string | null, decoded?: unknown): EventIdentity | null {
  const fromDecoded = decoded === undefined ? null : identityOf(decoded);
  if (fromDecoded) return fromDecoded;
  if (raw === null) return null;
  if (decoded === undefined) {
    try {
      const parsed = identityOf(JSON.parse(raw));
      if (parsed) return parsed;
    } catch {
      // not JSON: scan the text below
    }
  }
  return toIdentity(scanString(raw, 'generatorId'), scanDigits(raw, 'seq')) ?? splitEventId(scanString(raw, 'eventId'));
}
