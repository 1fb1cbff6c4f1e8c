import { faultScenario } from './shared/fault-scenario.js';

// The Firehose/S3 endpoint hangs for 15 s (SIGSTOP; the emulator keeps its objects): the delivery sink
// must retry within its budget and deliver every result afterwards, duplicates accounted for.
// The shared shape (rate, load, gates): ./shared/fault-scenario.ts.
export default faultScenario({
  name: 'delivery-outage',
  description: 'the Firehose/S3 endpoint hung for 15 s in steady at 800 ev/s; every result still reaches S3, duplicates counted',
  faults: [
    { kind: 'delivery-outage', phase: 'steady', atMs: '25s', durationMs: '15s' },
  ],
  faultGates: ['minResultsInFault > 0'],
});
