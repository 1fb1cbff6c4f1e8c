import { describe, expect, it } from 'vitest';
import { extractIdentity, identityOf } from '../../../../src/pipeline/processor/identity.js';
import { DECODED_IDENTITY_CASES, TEXT_IDENTITY_CASES } from '../../../fixtures/contract/identity-cases.js';

describe('processor: event identity, best effort (docs/contract.md, Identities)', () => {
  it.each(DECODED_IDENTITY_CASES)('decoded %j → %j', (value, expected) => {
    expect(identityOf(value)).toEqual(expected);
  });

  it.each(TEXT_IDENTITY_CASES)('text $raw (decoded: $decoded) → $expected', ({ raw, decoded, expected }) => {
    expect(decoded === undefined ? extractIdentity(raw) : extractIdentity(raw, decoded)).toEqual(expected);
  });
});
