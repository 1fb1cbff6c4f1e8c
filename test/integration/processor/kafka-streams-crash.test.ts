import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { JvmJobConfig } from '../../../src/drivers/processor/jvm-config.js';
import { startJvmFleet } from '../../../src/drivers/processor/jvm-fleet.js';
import { endpoints } from '../support.js';
import { checkRun, crashWorkload, describeCheck, expectExactlyOnce, freshProcessorTopology, runRealtimeLoad, sendEndOfInput, waitUntilCommitted, jvmProcessorTestLifecycle } from './support.js';

/**
 * The Kafka Streams processor (processors/kafka-streams) under a crash, on the real stack: two
 * instances (JVMs) share raw-events; while load runs, instance 0 is SIGKILLed and started again,
 * later instance 1 too. exactly_once_v2 must then leave, under read_committed, results equal to
 * the recomputation from raw-events (fingerprints included), every event in exactly one of a
 * result, late-events or the DLQ, and no result key emitted twice.
 */
const stack = await endpoints();
const ctx = jvmProcessorTestLifecycle(stack);

const WINDOW_MS = 2_000;
const WINDOWING = { windowMs: WINDOW_MS, outOfOrdernessMs: 500, allowedLatenessMs: 0, idleTimeoutMs: 10_000, maxEventTimeAheadMs: null };

describe('kafka-streams processor crash (SIGKILL of a JVM under load, restart)', () => {
  it('results still equal the recomputation, every event in exactly one place, no key emitted twice', { timeout: 180_000 }, async () => {
    const topology = await freshProcessorTopology(stack, 'ks-crash');
    ctx.created.push(...topology.topics.map((t) => t.name));
    const applicationId = `${topology.names.raw.slice(0, -'raw-events'.length)}kstreams`;
    const { names } = topology;
    ctx.fleet = await startJvmFleet({
      name: 'kafka-streams',
      count: 2,
      classpath: ctx.build.classpath('kafka-streams'),
      mainClass: 'dev.streamproof.kstreams.Main',
      heapMb: 256,
      readyTimeoutMs: 120_000,
      stopGraceMs: 25_000,
      config: (instance): JvmJobConfig => ({
        bootstrapServers: stack.kafka.bootstrapServers.join(','),
        topics: { raw: names.raw, processed: names.processed, late: names.late, dlq: names.dlq },
        applicationId,
        windowing: WINDOWING,
        instance,
        parallelism: 2,
        slots: 1,
        taskManagers: 1,
        checkpointIntervalMs: 100,
        stateDir: join(tmpdir(), `it-ks-crash-${applicationId}-${instance}`),
      }),
    });
    const f = ctx.fleet;
    const load = runRealtimeLoad(
      stack,
      names.raw,
      crashWorkload('it-ks-crash', 11),
      { ratePerS: 600, durationMs: 20_000 },
    );
    await sleep(5_000);
    const before = f.status(0);
    f.kill(0);
    await sleep(1_000);
    await f.restart(0); // same static member id: takes its partitions back; exactly_once_v2 fences the zombie's transaction
    await sleep(2_000 + Math.floor(Math.random() * 3_000));
    f.kill(1); // anywhere: mid-commit or idle
    await f.restart(1);

    const loaded = await load;
    await sendEndOfInput(stack, names.raw, 12, loaded.maxEventTimeMs + WINDOW_MS + WINDOWING.outOfOrdernessMs + 1_000);
    await waitUntilCommitted(stack, applicationId, names.raw, 12, { timeoutMs: 120_000, onPoll: () => f.assertHealthy() });
    await f.stop();
    ctx.fleet = null;

    const check = await checkRun(stack, topology, WINDOW_MS);
    console.log(`kafka-streams crash: ${describeCheck(check)}; instance 0 had read ${String(before?.eventsIn)} records when killed`);
    expect(before?.eventsIn).toBeGreaterThan(0); // the kill landed while it was working
    expect(check.late).toBeGreaterThan(0);
    expectExactlyOnce(check, loaded);
  });
});
