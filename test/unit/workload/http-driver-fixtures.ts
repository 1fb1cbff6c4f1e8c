import type { EventGenerator, GeneratedRecord } from '../../../src/workload/generator.js';
import { validEvent } from '../pipeline/collector/fixtures.js';

export const START_EPOCH_MS = 1_700_000_000_000;

/** Every 4th seq (3, 7, …) is malformed; intendedAt is recorded in the event. */
export function scriptedGenerator(): Pick<EventGenerator, 'generatorId' | 'next'> & { intendedAts: number[] } {
  let seq = 0;
  const intendedAts: number[] = [];
  return {
    generatorId: 'g1',
    intendedAts,
    next(intendedAtMs: number): GeneratedRecord {
      const mySeq = seq++;
      intendedAts.push(intendedAtMs);
      if (mySeq % 4 === 3) {
        return { kind: 'malformed', generatorId: 'g1', seq: mySeq, key: 'u-x', json: `{"seq":${mySeq}}`, defect: 'missing-user-id' };
      }
      const event = validEvent(mySeq, { intendedAt: Math.floor(intendedAtMs) });
      return { kind: 'event', event, key: event.userId, json: JSON.stringify(event), timing: 'on-time' };
    },
  };
}
