import { faultScenario } from './shared/fault-scenario.js';

// A processor instance SIGKILLed while a transaction is prepared but not committed, restarted 10 s
// later: the transaction must abort, the successor must fence it and restore state from the changelog.
// The shared shape (rate, load, gates): ./shared/fault-scenario.ts.
export default faultScenario({
  name: 'processor-crash',
  description: 'a processor SIGKILLed mid-transaction in steady at 800 ev/s, restarted 10 s later; exactly-once holds',
  faults: [
    { kind: 'processor-kill', phase: 'steady', atMs: '20s', durationMs: '10s', instance: 1, whileTransactionOpen: true },
  ],
  faultGates: ['minResultsInFault > 0'],
});
