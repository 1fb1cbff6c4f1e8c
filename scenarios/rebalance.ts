import { faultScenario } from './shared/fault-scenario.js';

// Rebalances under load: a third instance joins for 20 s and leaves, then one of the two leaves for
// 20 s and comes back: partitions move between transactional producers while events keep coming.
// The shared shape (rate, load, gates): ./shared/fault-scenario.ts.
export default faultScenario({
  name: 'rebalance',
  description: 'a processor instance added for 20 s, then one removed for 20 s, at 800 ev/s: rebalances under load, exactly-once',
  faults: [
    { kind: 'processor-scale', phase: 'steady', atMs: '10s', durationMs: '20s', change: 'add' },
    { kind: 'processor-scale', phase: 'steady', atMs: '45s', durationMs: '20s', change: 'remove', instance: 1 },
  ],
  faultGates: ['minResultsInFault > 0'],
});
