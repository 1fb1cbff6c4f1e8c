import { afterEach, describe, expect, it } from 'vitest';
import { identify, isRunning, isSameProcess, readStartTime } from '../../../src/process/identity.js';
import { signalProcess } from '../../../src/process/signal.js';
import { killProcess, stopProcess } from '../../../src/process/stop.js';
import { waitUntilExited } from '../../../src/process/wait.js';
import { EXITS_ON_SIGTERM, IGNORES_SIGTERM, killLeftovers, startNodeChild } from './children.js';

// Above the largest pid_max Linux allows (2^22), so no process can have it.
const NO_SUCH_PID = 4_194_304 + 17;

afterEach(killLeftovers);

describe('process identity', () => {
  it('is the PID with its /proc start time', async () => {
    const child = await startNodeChild(EXITS_ON_SIGTERM);
    expect(child.identity.startTime).toBe(readStartTime(child.identity.pid));
    expect(child.identity.startTime).toBeGreaterThan(0);
    expect(isSameProcess(child.identity)).toBe(true);
    expect(isRunning(child.identity)).toBe(true);
    expect(identify(process.pid).startTime).toBeLessThanOrEqual(child.identity.startTime as number);
  });

  it('matches nothing once the process is gone, or when the start time differs or is unknown', async () => {
    const child = await startNodeChild(EXITS_ON_SIGTERM);
    expect(isSameProcess({ pid: child.identity.pid, startTime: (child.identity.startTime as number) - 1 })).toBe(false);
    expect(isSameProcess({ pid: child.identity.pid, startTime: null })).toBe(false);
    expect(isRunning({ pid: NO_SUCH_PID, startTime: 1 })).toBe(false);
    process.kill(child.identity.pid, 'SIGKILL');
    await child.exit;
    expect(isRunning(child.identity)).toBe(false);
  });
});

describe('signalling and stopping by PID', () => {
  it('SIGTERM is enough for a child that honours it', async () => {
    const child = await startNodeChild(EXITS_ON_SIGTERM);
    expect(await stopProcess(child.identity, { graceMs: 5_000 })).toBe('terminated');
    expect(await child.exit).toEqual({ code: 0, signal: null });
  });

  it('a child that ignores SIGTERM gets SIGKILL after the grace period', async () => {
    const child = await startNodeChild(IGNORES_SIGTERM);
    const started = Date.now();
    expect(await stopProcess(child.identity, { graceMs: 400 })).toBe('killed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(await child.exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('refuses a PID whose start time does not match (reused by another process)', async () => {
    const child = await startNodeChild(EXITS_ON_SIGTERM);
    const foreign = { pid: child.identity.pid, startTime: (child.identity.startTime as number) + 1 };
    expect(signalProcess(foreign, 'SIGKILL')).toBe('not-ours');
    expect(await stopProcess(foreign, { graceMs: 100 })).toBe('not-ours');
    expect(await killProcess(foreign)).toBe('not-ours');
    expect(signalProcess({ pid: child.identity.pid, startTime: null }, 'SIGKILL')).toBe('not-ours');
    expect(isRunning(child.identity)).toBe(true); // untouched
    expect(child.exitStatus()).toBeNull();
  });

  it('reports a process that is already gone as not running, and sends nothing', async () => {
    expect(signalProcess({ pid: NO_SUCH_PID, startTime: 1 }, 'SIGTERM')).toBe('not-running');
    expect(await stopProcess({ pid: NO_SUCH_PID, startTime: 1 })).toBe('not-running');
    const child = await startNodeChild(EXITS_ON_SIGTERM);
    expect(await killProcess(child.identity)).toBe('killed');
    await child.exit;
    expect(await stopProcess(child.identity)).toBe('not-running');
  });

  it('waits for an exit, or gives up after the timeout', async () => {
    const child = await startNodeChild(IGNORES_SIGTERM);
    expect(await waitUntilExited(child.identity, 200, 20)).toBe(false);
    signalProcess(child.identity, 'SIGKILL');
    expect(await waitUntilExited(child.identity, 5_000, 20)).toBe(true);
  });
});
