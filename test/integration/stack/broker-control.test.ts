import { afterAll, describe, expect, it } from 'vitest';
import { isStopped } from '../../../src/process/identity.js';
import { stackControl } from '../../../src/stack/broker-control.js';
import { probeKafka, probeMoto } from '../../../src/stack/health.js';
import { identityOf, isAlive } from '../../../src/stack/native/processes.js';
import { readStackState } from '../../../src/stack/state.js';
import { stackStatus } from '../../../src/stack/stack-control.js';
import { endpoints } from '../support.js';

/**
 * StackControl on the real 3-broker native stack: a killed broker is restarted with a new PID
 * and serves again; a paused broker and a paused moto are shown as paused and answer again after
 * resume; a broker that does not exist is refused. Every test heals what it broke.
 */
const stack = await endpoints();
const state = await readStackState();
const threeNativeBrokers = stack.provider === 'native' && stack.kafka.brokers === 3 && state !== null;

async function proc(service: string) {
  const current = await readStackState();
  const found = current?.processes.find((p) => p.service === service);
  if (!found) throw new Error(`no ${service} in the stack state`);
  return found;
}

async function statusLines(): Promise<string[]> {
  const lines: string[] = [];
  await stackStatus((line) => lines.push(line));
  return lines;
}

afterAll(async () => {
  if (!threeNativeBrokers) return;
  const control = await stackControl();
  for (const service of ['kafka-2', 'kafka-3', 'moto']) {
    const p = await proc(service).catch(() => null);
    if (p && isStopped(identityOf(p))) await (service === 'moto' ? control.resumeDelivery() : control.resumeBroker(Number(service.slice(6))));
  }
  if (!isAlive(await proc('kafka-2'))) await control.restartBroker(2);
}, 180_000);

describe.runIf(threeNativeBrokers)('StackControl on the native stack', () => {
  it('kills broker 2 by its PID and restarts it: new PID, serves again, status true', { timeout: 180_000 }, async () => {
    const control = await stackControl();
    const before = await proc('kafka-2');
    await control.killBroker(2);
    expect(isAlive(before)).toBe(false);
    expect((await statusLines()).some((l) => /^kafka-2\s+\d+\s+UNHEALTHY\s+process not running/.test(l))).toBe(true);
    await control.restartBroker(2);
    const after = await proc('kafka-2');
    expect(after.pid).not.toBe(before.pid);
    expect(isAlive(after)).toBe(true);
    const only2 = { ...stack.kafka, bootstrapServers: [stack.kafka.bootstrapServers[1] as string] };
    expect((await probeKafka(only2, 3)).healthy).toBe(true);
    const row = (await statusLines()).find((l) => l.startsWith('kafka-2 '));
    expect(row).toMatch(new RegExp(`^kafka-2\\s+${after.pid}\\s+healthy`));
  });

  it('pauses broker 3 (shown as PAUSED, same PID) and resumes it', { timeout: 120_000 }, async () => {
    const control = await stackControl();
    const before = await proc('kafka-3');
    await control.pauseBroker(3);
    try {
      expect(isStopped(identityOf(before))).toBe(true);
      expect((await statusLines()).find((l) => l.startsWith('kafka-3 '))).toMatch(new RegExp(`^kafka-3\\s+${before.pid}\\s+PAUSED\\s+paused \\(SIGSTOP\\)`));
    } finally {
      await control.resumeBroker(3);
    }
    expect(isStopped(identityOf(before))).toBe(false);
    const only3 = { ...stack.kafka, bootstrapServers: [stack.kafka.bootstrapServers[2] as string] };
    expect((await probeKafka(only3, 3, 20_000)).healthy).toBe(true);
  });

  it('pauses and resumes moto: S3 hangs while paused and answers after', { timeout: 60_000 }, async () => {
    const control = await stackControl();
    const moto = await proc('moto');
    await control.pauseDelivery();
    try {
      expect(isStopped(identityOf(moto))).toBe(true);
      expect((await probeMoto(stack.aws.endpoint ?? '')).healthy).toBe(false);
    } finally {
      await control.resumeDelivery();
    }
    expect((await probeMoto(stack.aws.endpoint ?? '')).healthy).toBe(true);
  });

  it('refuses a broker that does not exist, touching nothing', async () => {
    const control = await stackControl();
    await expect(control.killBroker(4)).rejects.toThrow(/no broker 4 in this stack: it has 3 broker\(s\), numbered 1\.\.3/);
    await expect(control.pauseBroker(0)).rejects.toThrow(/no broker 0/);
    expect((await readStackState())?.processes.filter((p) => p.service.startsWith('kafka-')).every((p) => isAlive(p))).toBe(true);
  });
});
