import { ERROR_CODES, StreamproofError } from '../src/base/errors.js';
import { createPadBlock, PAD_OFFSETS } from '../src/workload/generator-pools.js';
import { createRandom } from '../src/workload/random.js';
import { userIdOf } from '../src/workload/generator.js';

/**
 * Records of an exact value size for the closed-loop producer bench: `{"generatorId":"…","seq":N,"pad":"…"}`
 * padded with incompressible URL-safe characters to `sizeBytes`, keyed by a uniformly drawn
 * userId. Cheap to build (a few string concatenations), so the bench measures the producer, not
 * the faker-based generator; the identity fields still let the read-back check duplicates and
 * per-partition order. The real generator cannot make 256 B events: its fields alone are larger.
 */
export interface BenchRecord {
  key: string;
  value: string;
}

export function exactSizeRecords(sizeBytes: number, options: { generatorId: string; users: number; seed: number }): (index: number) => BenchRecord {
  const random = createRandom(`${options.seed}|bench-records`);
  const block = createPadBlock(random, sizeBytes);
  const head = `{"generatorId":"${options.generatorId}","seq":`;
  const overhead = head.length + ',"pad":""}'.length;
  // The longest seq we will print is 10 digits: check the size leaves room for it.
  if (sizeBytes < overhead + 10) {
    throw new StreamproofError(ERROR_CODES.INVALID_ARGUMENT, `record size ${sizeBytes} B is too small for the identity fields (${overhead + 10} B)`, {
      hint: 'use a record size of at least 64 bytes',
    });
  }
  return (index) => {
    const seq = String(index);
    const padLength = sizeBytes - overhead - seq.length;
    const offset = random.nextInt(PAD_OFFSETS);
    return {
      key: userIdOf(random.nextInt(options.users), options.users),
      value: `${head}${seq},"pad":"${block.slice(offset, offset + padLength)}"}`,
    };
  };
}
