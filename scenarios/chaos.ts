import { faultScenario } from './shared/fault-scenario.js';

// Jepsen-style: a fault drawn from the seed every 20 s (kind and target), each healed after 8 s. The
// same seed gives the same plan (printed at the start and kept in result.json): `--set faults.0.seed=8`
// draws another.
// The shared shape (rate, load, gates): ./shared/fault-scenario.ts.
export default faultScenario({
  name: 'chaos',
  description: 'a random fault from the seed every 20 s (8 s each) at 800 ev/s; the same seed replays the same plan',
  faults: [
    { kind: 'chaos', seed: 7, phase: 'steady', atMs: '5s', everyMs: '20s', durationMs: '8s' },
  ],
  faultGates: ['minAckedInFault > 0'],
});
