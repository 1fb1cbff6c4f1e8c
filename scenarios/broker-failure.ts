import { faultScenario } from './shared/fault-scenario.js';

// One of three brokers SIGKILLed in the steady phase and restarted 15 s later: three replicas with
// min.insync.replicas=2 keep the cluster writable; every client of the harness must ride through.
// The shared shape (rate, load, gates): ./shared/fault-scenario.ts.
export default faultScenario({
  name: 'broker-failure',
  description: 'one of three brokers killed in steady at 800 ev/s and restarted 15 s later; exactly-once and recovery < 30 s',
  faults: [
    { kind: 'broker-kill', phase: 'steady', atMs: '25s', durationMs: '15s', broker: 2 },
  ],
  faultGates: ['recoveryS < 30'],
});
