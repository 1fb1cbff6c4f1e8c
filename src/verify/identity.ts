import { isTrackableSeq } from '../base/sequence-bitmap.js';
import type { EventIdentity } from '../contract/identity.js';

/**
 * The verifier's best-effort event identity from a raw-events record that may not be a valid
 * event (docs/contract.md, "Identities"): a malformed event is matched to its DLQ record by
 * (generatorId, seq) whenever the raw text still carries them. The processor extracts the
 * identity it writes on DLQ records with its own implementation of the same rule.
 */
export type { EventIdentity };

const GENERATOR_ID = /^[A-Za-z0-9_.-]{1,64}$/;
const GENERATOR_FIELD = /"generatorId"\s*:\s*"([A-Za-z0-9_.-]{1,64})"/;
const SEQ_FIELD = /"seq"\s*:\s*(\d{1,16})(?![\d.eE])/;
const EVENT_ID_FIELD = /"eventId"\s*:\s*"([A-Za-z0-9_.-]{1,64}):(\d{1,16})"/;

function identity(generatorId: unknown, seq: unknown): EventIdentity | null {
  if (typeof generatorId !== 'string' || !GENERATOR_ID.test(generatorId)) return null;
  const seqNumber = typeof seq === 'string' && /^\d{1,16}$/.test(seq) ? Number(seq) : seq;
  if (typeof seqNumber !== 'number' || !isTrackableSeq(seqNumber)) return null;
  return { generatorId, seq: seqNumber };
}

function fromEventId(eventId: unknown): EventIdentity | null {
  if (typeof eventId !== 'string') return null;
  const colon = eventId.lastIndexOf(':');
  if (colon <= 0) return null;
  return identity(eventId.slice(0, colon), eventId.slice(colon + 1));
}

/** Identity from an already-decoded JSON value: the generatorId/seq fields, else the eventId. */
export function identityOf(value: unknown): EventIdentity | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  return identity(record.generatorId, record.seq) ?? fromEventId(record.eventId);
}

/**
 * Identity from raw record text. Tries JSON first (pass `decoded` when the caller already parsed
 * it), then scans the text for the fields, which still finds them in truncated or otherwise
 * broken JSON. Null when no trackable identity can be found.
 */
export function extractIdentity(raw: string | null, decoded?: unknown): EventIdentity | null {
  if (decoded !== undefined) {
    const found = identityOf(decoded);
    if (found) return found;
  }
  if (raw === null) return null;
  if (decoded === undefined) {
    try {
      const found = identityOf(JSON.parse(raw));
      if (found) return found;
    } catch {
      // not JSON: fall through to the text scan
    }
  }
  const generator = GENERATOR_FIELD.exec(raw);
  const seq = SEQ_FIELD.exec(raw);
  if (generator && seq) {
    const found = identity(generator[1], seq[1]);
    if (found) return found;
  }
  const eventId = EVENT_ID_FIELD.exec(raw);
  return eventId ? identity(eventId[1], eventId[2]) : null;
}
