package dev.streamproof.core;

import java.nio.charset.StandardCharsets;

/**
 * The order-free fingerprint of a multiset of event ids (docs/contract.md, "Fingerprint"):
 * count and Σ fmix64(fnv1a64(UTF-8 of id)) mod 2^64. Java's long arithmetic wraps mod 2^64,
 * which is exactly the contract's arithmetic.
 */
public final class Fingerprint {
  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private long count;
  private long hashSum;

  public Fingerprint() {}

  public Fingerprint(long count, long hashSum) {
    this.count = count;
    this.hashSum = hashSum;
  }

  public static long hash(String eventId) {
    long x = FNV_OFFSET;
    for (byte b : eventId.getBytes(StandardCharsets.UTF_8)) {
      x ^= (b & 0xff);
      x *= FNV_PRIME;
    }
    long k = x;
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }

  public void add(String eventId) {
    count += 1;
    hashSum += hash(eventId);
  }

  public long count() {
    return count;
  }

  public long hashSum() {
    return hashSum;
  }

  /** 16 lowercase hex digits, as the contract writes it. */
  public String hashSumHex() {
    String hex = Long.toHexString(hashSum);
    return "0".repeat(16 - hex.length()) + hex;
  }

  public static long parseHex(String hex) {
    return Long.parseUnsignedLong(hex, 16);
  }
}
