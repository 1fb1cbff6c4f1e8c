import { readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { nonLoopbackListeners } from '../listening-sockets.js';
import { endpoints } from '../support.js';
import { checkRun, crashWorkload, describeCheck, expectExactlyOnce, freshProcessorTopology, startFlinkFleet, runRealtimeLoad, sendEndOfInput, waitUntilCommitted, jvmProcessorTestLifecycle } from './support.js';

/**
 * The Flink processor (processors/flink, a MiniCluster JVM) under a crash, on the real stack:
 * while load runs, the JVM is SIGKILLed and started again — from its last retained checkpoint —
 * twice. Its exactly-once KafkaSink must then leave, under read_committed, results equal to the
 * recomputation from raw-events (fingerprints included), every event in exactly one of a result,
 * late-events or the DLQ, and no result key emitted twice; the killed JVM's open transactions are
 * aborted, never visible. Its servers listen on loopback only.
 */
const stack = await endpoints();
const ctx = jvmProcessorTestLifecycle(stack);

const WINDOW_MS = 2_000;
const WINDOWING = { windowMs: WINDOW_MS, outOfOrdernessMs: 500, allowedLatenessMs: 0, idleTimeoutMs: 10_000, maxEventTimeAheadMs: null };

/** Resolves once a checkpoint completed after `sinceMs` (epoch ms) has been retained, so a kill has something new to resume from. */
async function untilCheckpointed(dir: string, timeoutMs: number, sinceMs = 0): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = await readdir(join(dir, 'checkpoints'), { recursive: true }).catch(() => [] as string[]);
    const completed = files.filter((f) => f.endsWith('_metadata')).map((f) => join(dir, 'checkpoints', f));
    const times = await Promise.all(completed.map((f) => stat(f).then((s) => s.mtimeMs, () => 0)));
    if (times.some((t) => t > sinceMs)) return;
    if (Date.now() > deadline) throw new Error(`no checkpoint completed in ${dir} within ${timeoutMs} ms`);
    await sleep(250);
  }
}

describe('flink processor crash (SIGKILL of the MiniCluster JVM under load, restart from its checkpoint)', () => {
  it('results still equal the recomputation, every event in exactly one place, no key emitted twice', { timeout: 180_000 }, async () => {
    const topology = await freshProcessorTopology(stack, 'flink-crash');
    ctx.created.push(...topology.topics.map((t) => t.name));
    const applicationId = `${topology.names.raw.slice(0, -'raw-events'.length)}flink`;
    ctx.stateDir = join(tmpdir(), `it-flink-crash-${applicationId}`);
    const { names } = topology;
    ctx.fleet = await startFlinkFleet({ stack, build: ctx.build, names, applicationId, stateDir: ctx.stateDir, windowing: WINDOWING, heapMb: 768 });
    const f = ctx.fleet;
    // The MiniCluster's REST endpoint, BLOB server and task-manager ports bind every interface unless told otherwise.
    expect(nonLoopbackListeners(f.identity(0)?.pid ?? -1)).toEqual([]);
    const load = runRealtimeLoad(
      stack,
      names.raw,
      crashWorkload('it-flink-crash', 11),
      { ratePerS: 600, durationMs: 15_000 },
    );
    await untilCheckpointed(ctx.stateDir, 60_000);
    await sleep(1_000);
    const before = f.status(0);
    f.kill(0);
    await sleep(1_000);
    await f.restart(0);
    const restartedAt = Date.now();
    const firstRestore = f.lastLine(0, 'submitted');
    // Let the restarted job complete a checkpoint of its own, then kill it at an arbitrary moment after.
    await untilCheckpointed(ctx.stateDir, 60_000, restartedAt);
    await sleep(Math.floor(Math.random() * 2_000));
    f.kill(0); // anywhere: mid-checkpoint or between them
    await f.restart(0);
    const secondRestore = f.lastLine(0, 'submitted');

    const loaded = await load;
    await sendEndOfInput(stack, names.raw, 12, loaded.maxEventTimeMs + WINDOW_MS + WINDOWING.outOfOrdernessMs + 1_000);
    await waitUntilCommitted(stack, applicationId, names.raw, 12, { timeoutMs: 120_000, onPoll: () => f.assertHealthy() });
    await f.stop();
    ctx.fleet = null;

    const check = await checkRun(stack, topology, WINDOW_MS);
    console.log(`flink crash: ${describeCheck(check)}; restored from ${String(firstRestore?.restoredFrom)}, then ${String(secondRestore?.restoredFrom)}`);
    expect(before?.state).toBe('RUNNING'); // the kill landed while it was working
    // Each restart resumed from a retained checkpoint, not from scratch.
    expect(String(firstRestore?.restoredFrom)).toMatch(/chk-\d+$/);
    expect(String(secondRestore?.restoredFrom)).toMatch(/chk-\d+$/);
    // The second resumed from a checkpoint the restored job took itself, not the first restore point again.
    expect(String(secondRestore?.restoredFrom)).not.toBe(String(firstRestore?.restoredFrom));
    // No late > 0 here: a restart replays a backlog faster than periodic watermarks advance, so events that were late in real time may legitimately be counted.
    expectExactlyOnce(check, loaded);
  });
});
