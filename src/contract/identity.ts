/**
 * Event identity. Every event is named `generatorId:seq` (its eventId); generatorId and seq are
 * also fields of the event so that ledgers can index sequence bitmaps without parsing strings.
 * Late-events and DLQ records repeat the identity so that the verifier can account for every
 * raw-events record (docs/contract.md, "Identities").
 */

export const EVENT_ID_SEPARATOR = ':' as const;

export interface EventIdentity {
  generatorId: string;
  seq: number;
}

/** The eventId of an identity: `${generatorId}:${seq}` (seq in plain decimal). */
export type EventId = `${string}${typeof EVENT_ID_SEPARATOR}${number}`;
