import { faultScenario } from './shared/fault-scenario.js';

// A broker hung, not dead (SIGSTOP for 10 s, then SIGCONT): sockets stay open and nothing answers, the
// failure clients detect only by timeouts.
// The shared shape (rate, load, gates): ./shared/fault-scenario.ts.
export default faultScenario({
  name: 'broker-hang',
  description: 'one of three brokers paused (SIGSTOP) for 10 s in steady at 800 ev/s, then resumed; exactly-once holds',
  faults: [
    { kind: 'broker-pause', phase: 'steady', atMs: '25s', durationMs: '10s', broker: 2 },
  ],
  faultGates: ['minAckedInFault > 0'],
});
