import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { KafkaAdmin, withKafkaAdmin } from '../../../src/kafka/admin.js';
import { startProcessors, type ProcessorFleet } from '../../../src/pipeline/processor/supervisor.js';
import { stackControl } from '../../../src/stack/broker-control.js';
import { readStackState } from '../../../src/stack/state.js';
import { buildTopology, type Topology } from '../../../src/contract/topology.js';
import { provisionTopology } from '../../../src/stack/provision.js';
import { deleteTopics, endpoints, freshPrefix } from '../support.js';
import { checkRun, crashWorkload, describeCheck, expectExactlyOnce, runRealtimeLoad, sendEndOfInput, waitUntilCommitted } from './support.js';

/**
 * The worst broker to lose: the one that coordinates the processors' consumer group and the
 * transactions of instance 0. A scenario's broker-kill hits it one run in three (coordinators are
 * placed by a hash of the group and transactional ids); when it did, both processors committed
 * nothing until the broker came back (~40 s). Here the topic prefix is drawn until both
 * coordinators sit on one broker, that broker is SIGKILLed under load, and the group must go on
 * committing while it is dead — every instance, the coordinators having moved to a survivor once
 * the controller fenced it — and the run must still be exactly-once. Progress is asserted, not how fast it came.
 */
const stack = await endpoints();
const state = await readStackState();
const threeNativeBrokers = stack.provider === 'native' && stack.kafka.brokers === 3 && state !== null;
const created: string[] = [];
let fleet: ProcessorFleet | null = null;
let killed: number | null = null;

afterAll(async () => {
  await fleet?.stop();
  if (killed !== null) await (await stackControl()).restartBroker(killed).catch(() => undefined);
  await deleteTopics(stack, created);
});

const WINDOW_MS = 2_000;
const CORE = { windowMs: WINDOW_MS, outOfOrdernessMs: 500, allowedLatenessMs: 0, idleTimeoutMs: 10_000 };

/** A topology whose group and instance-0 transactional id share their coordinator broker. */
async function topologyWithSharedCoordinator(): Promise<{ topology: Topology; coordinator: number }> {
  return withKafkaAdmin(stack.kafka, async (admin) => {
    for (let attempt = 0; attempt < 60; attempt += 1) {
      const prefix = freshPrefix('coord-loss');
      const group = `${prefix}processor`;
      const txn = `${prefix}processor-0`;
      const groupAt = (await admin.coordinators('group', [group])).get(group);
      const txnAt = (await admin.coordinators('transaction', [txn])).get(txn);
      if (groupAt !== undefined && groupAt === txnAt) return { topology: buildTopology({ brokers: 3, partitions: 12, prefix }), coordinator: groupAt };
    }
    throw new Error('no prefix in 60 draws put the group and the transactional id on one coordinator');
  });
}

async function committedTotal(admin: KafkaAdmin, groupId: string, topic: string): Promise<bigint> {
  let total = 0n;
  for (const offset of (await admin.groupOffsets(groupId, topic)).values()) if (offset > 0n) total += offset;
  return total;
}

describe.runIf(threeNativeBrokers)('processors lose their group and transaction coordinator', () => {
  it('keep committing while the coordinating broker is dead, and stay exactly-once', { timeout: 300_000 }, async () => {
    const { topology, coordinator } = await topologyWithSharedCoordinator();
    await provisionTopology(stack, topology, { delivery: false });
    created.push(...topology.topics.map((t) => t.name));
    const prefix = topology.names.raw.slice(0, -'raw-events'.length);
    const logDir = await mkdtemp(join(tmpdir(), 'it-coord-loss-'));
    const config = { processor: { topicPrefix: prefix, core: CORE, maxBatchRecords: 500, sessionTimeoutMs: 6_000 }, statusIntervalMs: 1_000 };
    fleet = await startProcessors({ count: 2, logDir, config });
    const f = fleet;
    const control = await stackControl();

    const load = runRealtimeLoad(stack, topology.names.raw, crashWorkload('it-coord-loss', 13), { ratePerS: 800, durationMs: 100_000 });
    await sleep(12_000);
    const survivors = new KafkaAdmin({ ...stack.kafka, bootstrapServers: stack.kafka.bootstrapServers.filter((_, i) => i + 1 !== coordinator) }, 'it-coord-loss-watch');
    const before = await committedTotal(survivors, f.groupId, topology.names.raw);
    await control.killBroker(coordinator);
    killed = coordinator;
    const killedAtMs = Date.now();
    // Fencing takes ~6 s, then the coordinators move to the survivors. From 10 s after the kill,
    // each instance must commit transactions again while the broker is still dead — before the
    // fix instance 0 was stuck ~50 s in one transaction step, until the broker came back. How soon
    // is not asserted (a busy machine took 39 s): the broker stays dead for up to 75 s, while the
    // load goes on, and the test waits until each instance has committed or that time is up.
    await sleep(10_000);
    const committedAt10s = [0, 1].map((i) => f.status(i)?.transactionsCommitted ?? 0);
    const committedSince = () => [0, 1].map((i) => (f.status(i)?.transactionsCommitted ?? 0) - (committedAt10s[i] as number));
    while (committedSince().some((n) => n <= 0) && Date.now() - killedAtMs < 75_000) await sleep(1_000);
    const committedWhileDead = committedSince();
    const deadForS = Math.round((Date.now() - killedAtMs) / 1000);
    const whileDead = await committedTotal(survivors, f.groupId, topology.names.raw);
    await survivors.close();
    f.assertHealthy();
    await control.restartBroker(coordinator);
    killed = null;

    const loaded = await load;
    await sendEndOfInput(stack, topology.names.raw, 12, loaded.maxEventTimeMs + WINDOW_MS + CORE.outOfOrdernessMs + 1_000);
    await waitUntilCommitted(stack, f.groupId, topology.names.raw, 12, { timeoutMs: 120_000, onPoll: () => f.assertHealthy() });
    await f.stop();
    fleet = null;
    const check = await checkRun(stack, topology, WINDOW_MS);
    console.log(
      `coordinator loss (broker ${coordinator}): offsets committed ${before} before the kill, ${whileDead} after ${deadForS} s dead; ` +
        `transactions per instance from 10 s after the kill until then: ${committedWhileDead.join('/')}; ${describeCheck(check)}\n  logs: ${logDir}`,
    );

    // The group went on while its coordinator was dead: offsets committed beyond what was
    // committed when the broker died (800 ev/s arrive meanwhile).
    expect(whileDead).toBeGreaterThan(before);
    // Every instance went on while the broker was dead, not only the one whose coordinators survived.
    expect(committedWhileDead[0]).toBeGreaterThan(0);
    expect(committedWhileDead[1]).toBeGreaterThan(0);
    expectExactlyOnce(check, loaded);
  });
});
