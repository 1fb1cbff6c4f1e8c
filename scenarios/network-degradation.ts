import { faultScenario } from './shared/fault-scenario.js';

// The network between every client of the run and every broker degraded through Toxiproxy: 200 ms
// of latency (± 50 ms) for 20 s of steady, then healed. Every client of a run with a network fault
// bootstraps through the proxies (docs/faults.md), so producer, processors, sink and observers all
// feel it; the brokers' own replication does not. At smoke's rate for 90 s of load, well under
// 3 minutes on the native 3-broker stack; needs the stack with Toxiproxy (a run that starts the
// stack starts it so; a running stack must have been started with `stack up --toxiproxy`).
export default faultScenario({
  name: 'network-degradation',
  description: '200 ms ± 50 ms latency between every client and every broker for 20 s in steady at 800 ev/s (Toxiproxy); exactly-once holds',
  faults: [
    { kind: 'network', phase: 'steady', atMs: '25s', durationMs: '20s', toxic: 'latency', latencyMs: '200ms', jitterMs: '50ms' },
  ],
  faultGates: ['minAckedInFault > 0'],
});
