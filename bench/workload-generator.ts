/**
 * Informal speed check of the workload generator and the open-loop sender on one core.
 * Target (issue 3): ≥ 100k events/s. Prints figures; asserts nothing (timings are not tests).
 *
 *   npm run bench:workload [-- <events>]
 */
import { createGenerator, type GeneratorConfigInput } from '../src/workload/generator.js';
import { constantSchedule } from '../src/workload/schedule.js';
import { createSender } from '../src/workload/sender.js';
import { createTimerSleepUntil } from '../src/workload/sleep-until.js';

const events = Number(process.argv[2] ?? 300_000);
const config: GeneratorConfigInput = {
  generatorId: 'bench',
  seed: 1,
  users: 1_000_000,
  keyDistribution: { kind: 'zipf', skew: 1.1 },
  payloadBytes: 512,
  outOfOrderFraction: 0.05,
  outOfOrderMaxMs: 5000,
  lateFraction: 0.01,
  lateDelayMs: 120_000,
  malformedFraction: 0.001,
};
const rate = (n: number, ms: number) => Math.round((n / ms) * 1000).toLocaleString('en-US');

async function main(): Promise<void> {
  let t0 = performance.now();
  const generator = createGenerator(config);
  console.log(`setup (faker pools, zipf CDF for 1e6 users, pad block): ${(performance.now() - t0).toFixed(0)} ms`);

  // Warm up the JIT, then measure the generator alone.
  for (let i = 0; i < 20_000; i += 1) generator.next(1_700_000_000_000 + i);
  let bytes = 0;
  t0 = performance.now();
  for (let i = 0; i < events; i += 1) bytes += generator.next(1_700_000_000_000 + i).json.length;
  const generateMs = performance.now() - t0;
  console.log(`generator: ${rate(events, generateMs)} events/s (${events} events, ${(bytes / events).toFixed(0)} B each, ${rate(bytes / 1e6, generateMs)} MB/s)`);

  // The sender with a no-op port and a schedule already due in full: the most it can push.
  const clock = { monoMs: () => performance.now(), epochMs: () => Date.now() };
  const noop = { recordScheduleLagMs() {}, recordAckLatencyMs() {}, onAcked() {}, onFailed() {} };
  const sender = createSender({
    schedule: constantSchedule(1_000_000, events / 1000),
    generator: createGenerator({ ...config, generatorId: 'bench-sender' }),
    port: { send: () => Promise.resolve() },
    clock,
    sleepUntil: createTimerSleepUntil(clock),
    recorder: noop,
    startEpochMs: Date.now() - events, // everything is due at once
    maxInFlight: 10_000,
  });
  t0 = performance.now();
  const summary = await sender.run();
  const sendMs = performance.now() - t0;
  console.log(`sender (generator + no-op port): ${rate(summary.sent, sendMs)} events/s (${summary.sent} sent, ${summary.acked} acked)`);
}

await main();
