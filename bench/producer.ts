/**
 * bench:producer — how fast our producer is against the running 3-broker stack, next to Kafka's
 * own Java producer, and how accurately the open-loop sender holds a rate. Prints figures;
 * asserts nothing (timings are not tests). See docs/benchmarks.md.
 *
 *   npm run bench:producer [-- --sizes 256,1024 --seconds 10 --rounds 1 --producers 1
 *                              --accuracy-size 1024 --accuracy-seconds 10 --skip-java
 *                              --sweep --sweep-seconds 4 --sweep-size 1024 --sections 1,2,3
 *                              --paths before,after]
 *
 * 1. Maximum sustained events/s per record size: our BatchingProducer closed loop (kept
 *    saturated for --seconds) and org.apache.kafka.tools.ProducerPerformance (same size, same
 *    topic config, acks=all, idempotence), each on a fresh topic; the ratio ours / Java. With
 *    --rounds N the pair runs N times, alternating, and medians are compared (the machine is shared).
 * 2. Open-loop rate accuracy at 50 % and 80 % of our measured maximum (at --accuracy-size):
 *    worst 1 s bucket |achieved − target| / target, schedule lag, and how busy the machine's cores
 *    were; once per --paths entry (before: events built and produced on the sending thread, the
 *    path before issue 17; worker: a load worker builds them, the producers still on the sending
 *    thread; after: a load worker and the producers on a thread of their own), --rounds times
 *    each, the paths alternating, so before and after come from one invocation.
 * 4. L1 at a light fixed rate (--l1-rate, default 800 events/s, --accuracy-size bytes, --l1-seconds):
 *    our open loop and ProducerPerformance paced to the same rate (--throughput), one after the
 *    other on separate topics, alternating which goes first; p50/p99 compared per round and as
 *    medians. Not at the same time: on 2 cores each one's start-up (the JVM's JIT, our threads'
 *    module loading) then lands in the other's measurement, which measured the interference.
 * 3. --sweep (or --sections 3): batchMaxRecords, lingerMs and maxInFlightBatches variants, each with a full
 *    read-back checking duplicates and per-partition order.
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { formatError } from '../src/base/errors.js';
import { loadStackEndpoints } from '../src/stack/state.js';
import { ensureKafkaJars, KAFKA_VERSION } from '../src/stack/native/install.js';
import { BenchTopics, bounded, measureAccuracy, measureJava, measureOurs, measureTuning, type BenchConfig, type OpenLoopPath } from './producer-runs.js';

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '256,1024' },
    seconds: { type: 'string', default: '10' },
    'accuracy-size': { type: 'string', default: '1024' },
    'accuracy-seconds': { type: 'string', default: '10' },
    'skip-java': { type: 'boolean', default: false },
    sweep: { type: 'boolean', default: false },
    'sweep-seconds': { type: 'string', default: '4' },
    'sweep-size': { type: 'string', default: '1024' },
    rounds: { type: 'string', default: '1' },
    sections: { type: 'string', default: '1,2,4' },
    'l1-rate': { type: 'string', default: '800' },
    'l1-seconds': { type: 'string', default: '20' },
    producers: { type: 'string', default: '1' },
    paths: { type: 'string', default: 'before,after' },
  },
});

const sizes = args.sizes.split(',').map(Number);
const durationMs = Number(args.seconds) * 1000;
const accuracySize = Number(args['accuracy-size']);
const accuracyMs = Number(args['accuracy-seconds']) * 1000;
const rounds = Math.max(1, Number(args.rounds));
const producers = Number(args.producers);
// Open-loop sections run once per path (see the header): where the events are built and where the producers run.
const PATHS: Record<string, OpenLoopPath> = {
  before: { name: 'before', loadWorkers: 0, producerThread: false },
  worker: { name: 'worker', loadWorkers: 1, producerThread: false },
  after: { name: 'after', loadWorkers: 1, producerThread: true },
};
const paths = args.paths.split(',').map((name) => {
  const path = PATHS[name.trim()];
  if (!path) {
    console.error(`error: --paths: no path named "${name}" (known: ${Object.keys(PATHS).join(', ')})`);
    process.exit(2);
  }
  return path;
});
const sections = new Set(args.sections.split(',').map(Number));
if (args.sweep) sections.add(3);

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : 'n/a');
const pct = (ratio: number) => `${(ratio * 100).toFixed(2)} %`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');

const SWEEP: BenchConfig[] = [
  { maxInFlightBatches: 1 },
  { maxInFlightBatches: 2 },
  { maxInFlightBatches: 3 },
  { maxInFlightBatches: 5 },
  { batchMaxRecords: 500 },
  { batchMaxRecords: 5_000 },
  { lingerMs: 0 },
  { lingerMs: 20 },
  { producers: 2 },
  { producers: 3 },
  { producers: 3, batchMaxRecords: 5_000 },
];

async function main(): Promise<void> {
  const stack = await loadStackEndpoints();
  const topics = new BenchTopics(stack);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`\n${signal}: deleting bench topics`);
      void topics.deleteAll().finally(() => process.exit(130));
    });
  }
  // Generous: a phase takes its duration plus set-up, drain and clean-up; beyond this it is stuck.
  const limitMs = (ms: number) => ms * 3 + 120_000;
  const spec = topics.topicSpec;
  console.log(`stack: ${stack.provider}, ${stack.kafka.brokers} broker(s) ${stack.kafka.bootstrapServers.join(',')}; Kafka ${KAFKA_VERSION}`);
  console.log(`topic config: ${spec.partitions} partitions, RF ${spec.replicationFactor}, ${Object.entries(spec.configs).map(([k, v]) => `${k}=${v}`).join(' ')}`);
  console.log(`load average at start: ${load()} (the brokers share this machine)\n`);

  const classpath = args['skip-java'] ? undefined : await ensureKafkaJars((line) => console.log(line));
  const maxBySize = new Map<number, number>();
  try {
    if (sections.has(1)) console.log(`## 1. maximum sustained throughput (closed loop, acks=all, idempotent), ${rounds} round(s) per size`);
    for (const size of sections.has(1) ? sizes : []) {
      const oursRates: number[] = [];
      const javaRates: number[] = [];
      for (let round = 1; round <= rounds; round += 1) {
        const ours = await bounded(`ours ${size} B round ${round}`, limitMs(durationMs), () => measureOurs(stack, topics, size, durationMs, { producers }));
        await topics.delete(ours.topic);
        oursRates.push(ours.ackedPerS);
        const t = ours.tuning;
        console.log(
          `ours  ${size} B #${round}: ${fmt(ours.ackedPerS)} events/s (${fmt(ours.ackedValueBytesPerS / 2 ** 20, 2)} MiB/s) over ${fmt(ours.elapsedMs / 1000, 1)} s; ` +
            `acked ${ours.acked}, failed ${ours.failed}, unresolved ${ours.unresolved}, in topic ${ours.inTopic}; CPU ${fmt(ours.cpuUsPerEvent, 1)} µs/event; send→ack p50 ${fmt(ours.latency.percentileMs(50), 1)} ms p99 ${fmt(ours.latency.percentileMs(99), 1)} ms; ` +
            `${ours.producers} producer(s), batch ${t.batchMaxRecords} linger ${t.lingerMs} ms in-flight ${t.maxInFlightBatches} compression ${t.compression}, window ${ours.windowRecords}; load ${load()}` +
            (ours.firstError ? `; first error: ${ours.firstError}` : ''),
        );
        if (!classpath) continue;
        // Aim at about the same duration as ours; Java stops on its record count (or the time limit).
        const records = Math.min(5_000_000, Math.max(50_000, Math.round(ours.ackedPerS * (durationMs / 1000) * 1.5)));
        const java = await bounded(`java ${size} B round ${round}`, limitMs(durationMs * 4), () =>
          measureJava(stack, topics, { classpath, sizeBytes: size, records, timeLimitMs: durationMs * 4 + 20_000 }),
        );
        javaRates.push(java.recordsPerS);
        console.log(
          `java  ${size} B #${round}: ${fmt(java.recordsPerS)} records/s (${fmt(java.mbPerS, 2)} MB/s), ${java.records} records${java.timedOut ? ' (time limit: interim figures)' : ''}, in topic ${java.inTopic}; ` +
            `CPU ${fmt(java.cpuUsPerRecord, 1)} µs/record (JVM start-up included); latency avg ${fmt(java.avgLatencyMs, 1)} ms p50 ${java.p50Ms} ms p99 ${java.p99Ms} ms; load ${load()}`,
        );
        console.log(`ratio ${size} B #${round}: ours / java = ${(ours.ackedPerS / java.recordsPerS).toFixed(2)} (events/s), ${(ours.cpuUsPerEvent / java.cpuUsPerRecord).toFixed(2)} (CPU per event)`);
      }
      maxBySize.set(size, median(oursRates));
      const javaMedian = javaRates.length > 0 ? median(javaRates) : Number.NaN;
      console.log(`=> ${size} B: ours ${fmt(median(oursRates))} events/s, java ${fmt(javaMedian)} records/s (medians), ratio ${(median(oursRates) / javaMedian).toFixed(2)}\n`);
    }
    if (classpath && sections.has(1)) console.log('(Java ProducerPerformance runs with its defaults: batch.size 16384, linger.ms 5, max.in.flight.requests.per.connection 5, null keys / sticky partitioner.)');

    let max = maxBySize.get(accuracySize);
    if (max === undefined && sections.has(2)) {
      const ours = await bounded(`ours ${accuracySize} B`, limitMs(durationMs), () => measureOurs(stack, topics, accuracySize, durationMs, { producers }));
      await topics.delete(ours.topic);
      max = ours.ackedPerS;
    }
    if (!sections.has(2)) max = undefined;
    if (max !== undefined) console.log(`\n## 2. open-loop rate accuracy, ${accuracySize} B events (live generator), ${accuracyMs / 1000} s each; our max ${fmt(max)} events/s`);
    for (const share of max === undefined ? [] : [0.5, 0.8]) for (let round = 1; round <= rounds; round += 1) for (const path of paths) {
      const rate = Math.round((max as number) * share);
      const a = await bounded(`open loop ${rate} events/s, ${path.name}`, limitMs(accuracyMs), () => measureAccuracy(stack, topics, accuracySize, rate, accuracyMs, producers, path));
      console.log(
        `${share * 100} % = ${fmt(rate)} events/s, ${path.name} #${round}: worst 1 s bucket error ${pct(a.worstErrorRatio)} (second ${a.worstSecond}), mean ${pct(a.meanErrorRatio)}; ` +
          `schedule lag p50 ${fmt(a.lagP50Ms, 2)} ms p99 ${fmt(a.lagP99Ms, 2)} ms max ${fmt(a.lagMaxMs, 1)} ms; L1 p50 ${fmt(a.ackP50Ms, 1)} ms p99 ${fmt(a.ackP99Ms, 1)} ms (from send ${fmt(a.fromSendP50Ms, 1)} / ${fmt(a.fromSendP99Ms, 1)} ms); ` +
          `sent ${a.sent} acked ${a.acked} failed ${a.failed} unresolved ${a.unresolved}; CPU ${a.cpuCores.toFixed(2)} cores; machine busy ${pct(a.machineBusy)}; sending thread waited for a core ${pct(a.senderRunqueueWaitShare)} of the time; load ${load()}\n` +
          `    sent per second: ${a.sentPerSecond.join(' ')}`,
      );
    }

    if (sections.has(4) && classpath) {
      const rate = Number(args['l1-rate']);
      const l1Ms = Number(args['l1-seconds']) * 1000;
      console.log(`\n## 4. L1 at ${fmt(rate)} events/s, ${accuracySize} B, ${l1Ms / 1000} s, ours and ProducerPerformance one after the other (separate topics, order alternating)`);
      const javaP50: number[] = [];
      const oursP50 = new Map<string, number[]>(paths.map((p) => [p.name, []]));
      const runJava = async (round: number) => {
        const java = await bounded(`java L1 ${rate}/s round ${round}`, limitMs(l1Ms * 2), () =>
          measureJava(stack, topics, { classpath, sizeBytes: accuracySize, records: Math.round((rate * l1Ms) / 1000), timeLimitMs: l1Ms * 2 + 20_000, throughput: rate }),
        );
        javaP50.push(java.p50Ms);
        console.log(`#${round} java: p50 ${java.p50Ms} ms p99 ${java.p99Ms} ms avg ${fmt(java.avgLatencyMs, 1)} ms (${java.records} records); load ${load()}`);
      };
      for (let round = 1; round <= rounds; round += 1) {
        if (round % 2 === 0) await runJava(round);
        for (const path of paths) {
          const a = await bounded(`L1 ${rate}/s round ${round}, ${path.name}`, limitMs(l1Ms), () => measureAccuracy(stack, topics, accuracySize, rate, l1Ms, producers, path));
          oursP50.get(path.name)!.push(a.ackP50Ms);
          console.log(
            `#${round} ours ${path.name}: L1 p50 ${fmt(a.ackP50Ms, 1)} ms p99 ${fmt(a.ackP99Ms, 1)} ms, from send p50 ${fmt(a.fromSendP50Ms, 1)} ms p99 ${fmt(a.fromSendP99Ms, 1)} ms (schedule lag p50 ${fmt(a.lagP50Ms, 2)} p99 ${fmt(a.lagP99Ms, 2)} ms, acked ${a.acked}/${a.sent}); load ${load()}`,
          );
        }
        if (round % 2 === 1) await runJava(round);
      }
      for (const [name, values] of oursP50) {
        console.log(`=> L1 p50 medians: ours ${name} ${fmt(median(values), 1)} ms, java ${fmt(median(javaP50), 1)} ms; ratio ours / java = ${(median(values) / median(javaP50)).toFixed(2)}`);
      }
    }

    if (sections.has(3)) {
      const sweepSize = Number(args['sweep-size']);
      const sweepMs = Number(args['sweep-seconds']) * 1000;
      console.log(`\n## 3. tuning sweep, ${sweepSize} B, ${sweepMs / 1000} s closed loop each, full read-back (read_committed)`);
      console.log('| producers | batchMaxRecords | lingerMs | maxInFlightBatches | events/s | CPU µs/event | send→ack p99 ms | acked | failed | read back | duplicates | partition order | key order |');
      console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
      const errors: string[] = [];
      for (const tuning of SWEEP) {
        const r = await bounded(`sweep ${JSON.stringify(tuning)}`, limitMs(sweepMs) + 180_000, () => measureTuning(stack, topics, sweepSize, sweepMs, tuning));
        if (r.firstError) errors.push(`${JSON.stringify(tuning)}: ${r.firstError}`);
        const t = r.tuning;
        console.log(
          `| ${r.producers} | ${t.batchMaxRecords} | ${t.lingerMs} | ${t.maxInFlightBatches} | ${fmt(r.ackedPerS)} | ${fmt(r.cpuUsPerEvent, 1)} | ${fmt(r.latency.percentileMs(99), 0)} | ` +
            `${r.acked} | ${r.failed} | ${r.readBack.records} | ${r.readBack.duplicates} | ${r.readBack.orderViolations} | ${r.readBack.keyOrderViolations} |`,
        );
      }
      for (const line of errors) console.log(`first failure with ${line}`);
    }
  } finally {
    await topics.deleteAll();
    console.log(`\nload average at end: ${load()}`);
  }
}

try {
  await main();
} catch (error) {
  console.error(formatError(error));
  process.exitCode = 1;
}
// A phase that timed out may still hold sockets and timers: do not wait for them.
process.exit();
