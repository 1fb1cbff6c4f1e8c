import { setTimeout as sleep } from 'node:timers/promises';
import { BatchingProducer } from '../kafka/producer.js';
import type { RunningDeliverySink } from '../pipeline/delivery/run-sink.js';
import type { StackEndpoints } from '../base/endpoints.js';
import { CONTROL_KEY, formatEndOfInput } from '../contract/control.js';
import type { Topology } from '../contract/topology.js';
import type { Scenario } from '../scenario/schema.js';
import type { LagSampler } from './lag-sampler.js';
import type { ProcessorFleet } from '../drivers/registry.js';

/**
 * End of a run. Event time stops when the load stops, so the watermark would never pass the
 * last windows; like Flink's final watermark at the end of bounded input, the runner writes one
 * control record per raw-events partition whose event time lies past every window's close. The
 * processors treat it as a watermark observation only (no result, late or DLQ entry; the
 * verifier skips it). Then the run waits, bounded by run.drainTimeoutMs, until the processors
 * have committed every raw-events offset (their last transaction carries the final windows)
 * and the delivery sink has delivered every committed result. The record's format is the
 * contract's (src/contract/control.ts, docs/contract.md "End of input").
 */

export async function sendEndOfInput(endpoints: StackEndpoints, topology: Topology, scenario: Scenario, nowEpochMs = Date.now()): Promise<void> {
  const { windowMs, outOfOrdernessMs, allowedLatenessMs } = scenario.processor;
  const eventTimeMs = nowEpochMs + windowMs + outOfOrdernessMs + allowedLatenessMs + 1_000;
  const producer = new BatchingProducer(endpoints.kafka, { clientId: 'streamproof-end-of-input' });
  try {
    await producer.connect();
    const partitions = scenario.topology.rawEventsPartitions;
    await Promise.all(
      Array.from({ length: partitions }, (_, partition) => producer.sendToPartition(topology.names.raw, partition, CONTROL_KEY, formatEndOfInput(eventTimeMs))),
    );
  } finally {
    await producer.close();
  }
}

export interface DrainOutcome {
  complete: boolean;
  waitedMs: number;
  /** What was still outstanding when the timeout hit. */
  outstanding: string[];
  /**
   * Processor instances that died without being asked to (one line each). Not fatal: the
   * survivors take their partitions over, and the verifier proves what was committed.
   */
  processorDeaths: string[];
}

export async function waitForDrain(input: {
  fleet: ProcessorFleet;
  sink: RunningDeliverySink | null;
  lag: LagSampler;
  topology: Topology;
  scenario: Scenario;
  signal: AbortSignal;
  log: (line: string) => void;
}): Promise<DrainOutcome> {
  const started = Date.now();
  const deadline = started + input.scenario.run.drainTimeoutMs;
  let processed = false;
  const deaths = new Set<string>();
  // A kind that runs none of ours (external) reports 0 instances and never dies here.
  const everyInstanceDied = () => input.fleet.instances > 0 && deaths.size >= input.fleet.instances;
  while (Date.now() < deadline && !input.signal.aborted) {
    const sample = await input.lag.sampleOnce();
    if (sample && sample.lagEvents === 0) {
      processed = true;
      break;
    }
    // A dead instance is a finding, not the end of the run: its partitions go to the survivors.
    for (const line of input.fleet.deaths()) {
      if (!deaths.has(line)) input.log(`warning: ${line}; verifying what was committed`);
      deaths.add(line);
    }
    if (everyInstanceDied()) break; // nobody left to drain
    await sleep(500);
  }
  for (const line of input.fleet.deaths()) deaths.add(line);
  const outstanding: string[] = [];
  if (!processed) outstanding.push(`processors still ${input.lag.latest?.lagEvents ?? 'an unknown number of'} events behind${everyInstanceDied() ? ' (every processor died)' : ''}`);
  if (processed && input.sink) {
    try {
      await input.sink.drain({ timeoutMs: Math.max(1_000, deadline - Date.now()), intervalMs: 250 });
      await input.sink.scanS3();
    } catch (error) {
      outstanding.push(`delivery not drained: ${(error as Error).message}`);
    }
  }
  const outcome = { complete: outstanding.length === 0, waitedMs: Date.now() - started, outstanding, processorDeaths: [...deaths] };
  input.log(outcome.complete ? `drained in ${(outcome.waitedMs / 1000).toFixed(1)} s` : `drain incomplete after ${(outcome.waitedMs / 1000).toFixed(1)} s: ${outstanding.join('; ')}`);
  return outcome;
}
