import { defaultPartitioner, murmur2 as clientMurmur2 } from '@platformatic/kafka';
import { describe, expect, it } from 'vitest';
import { murmur2, partitionForKey } from '../../../src/kafka/murmur2.js';

describe('murmur2 (integer arithmetic)', () => {
  // Every tail length (0-3 bytes past a multiple of 4), ASCII and multi-byte keys.
  const keys = ['', 'a', 'ab', 'abc', 'abcd', 'abcde', 'user-1', 'user-12345', 'ключ-ü-€', ...Array.from({ length: 2000 }, (_, i) => `u${i * 7919}`)];

  it('equals the Kafka client’s BigInt murmur2 for every key', () => {
    for (const key of keys) expect(murmur2(Buffer.from(key))).toBe(clientMurmur2(Buffer.from(key)));
  });

  it('picks the partition the client’s default partitioner picks', () => {
    for (const partitions of [1, 3, 12, 7]) {
      for (const key of keys.slice(1)) {
        const buffer = Buffer.from(key);
        expect(partitionForKey(buffer, partitions)).toBe(defaultPartitioner({} as never, buffer) % partitions);
      }
    }
  });
});
