/**
 * The window fingerprint: what a result says it counted, in a form the verifier can recompute
 * from raw-events without either side keeping event ids (docs/contract.md, "Fingerprint").
 *
 *   count   = number of event ids in the multiset
 *   hashSum = Σ h(eventId) mod 2^64, written as 16 lowercase hex digits
 *   h(id)   = fmix64(fnv1a64(utf8(id)))
 *     fnv1a64: offset basis 0xcbf29ce484222325, prime 0x100000001b3; for each byte b:
 *              x = (x XOR b) · prime mod 2^64
 *     fmix64 (MurmurHash3's finalizer): k ^= k >>> 33; k = k · 0xff51afd7ed558ccd;
 *              k ^= k >>> 33; k = k · 0xc4ceb9fe1a85ec53; k ^= k >>> 33   (all mod 2^64)
 *
 * The sum is order-free (commutative, associative), so it does not depend on arrival order,
 * batches or restarts. The hash is implemented by each side itself; the constants below are the
 * definition (and what a test's reference implementation checks against), not a shared helper.
 */

export const FINGERPRINT_HASH = {
  fnvOffsetBasis: 0xcbf29ce484222325n,
  fnvPrime: 0x100000001b3n,
  fmixC1: 0xff51afd7ed558ccdn,
  fmixC2: 0xc4ceb9fe1a85ec53n,
  fmixShift: 33n,
} as const;

/** Wire form, as written in window results and the processor's changelog. */
export interface FingerprintJson {
  /** How many event ids were added; a non-negative integer. */
  count: number;
  /** Sum mod 2^64 of the ids' hashes: exactly 16 lowercase hex digits. */
  hashSum: string;
}

/** The fingerprint of the empty multiset. */
export const EMPTY_FINGERPRINT: Readonly<FingerprintJson> = { count: 0, hashSum: '0000000000000000' };
