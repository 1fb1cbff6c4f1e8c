import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { identify, isRunning } from '../../../src/process/identity.js';
import { ProcessRegistry } from '../../../src/process/registry.js';
import { spawnService } from '../../../src/process/spawn-service.js';
import { stopProcess } from '../../../src/process/stop.js';
import { waitUntilExited } from '../../../src/process/wait.js';
import { IGNORES_SIGTERM, killLeftovers, startNodeChild } from './children.js';

afterEach(killLeftovers);

/** On SIGTERM, appends its name to the file and exits: the file records the stop order. */
const RECORDS_STOP = "const fs = require('fs'); process.on('SIGTERM', () => { fs.appendFileSync(process.argv[1], process.argv[2] + '\\n'); process.exit(0); }); console.log('ready'); setInterval(() => {}, 1000);";

describe('ProcessRegistry', () => {
  it('stops exactly its members, latest first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sp-registry-'));
    const order = join(dir, 'order');
    const registry = new ProcessRegistry();
    const outsider = await startNodeChild(RECORDS_STOP, [order, 'outsider']);
    for (const name of ['first', 'second', 'third']) {
      registry.add({ name, identity: (await startNodeChild(RECORDS_STOP, [order, name])).identity });
    }
    const stopped = await registry.stopAll({ graceMs: 5_000 });
    expect(stopped.map((s) => [s.name, s.outcome])).toEqual([['third', 'terminated'], ['second', 'terminated'], ['first', 'terminated']]);
    expect(await readFile(order, 'utf8')).toBe('third\nsecond\nfirst\n');
    expect(isRunning(outsider.identity)).toBe(true);
    expect(registry.list()).toEqual([]);
    await rm(dir, { recursive: true, force: true });
  });

  it('stops a stage together, and a restarted member keeps its place', async () => {
    const registry = new ProcessRegistry();
    const a = await startNodeChild(IGNORES_SIGTERM);
    const b = await startNodeChild(IGNORES_SIGTERM);
    registry.add({ name: 'node-1', identity: a.identity, stage: 'nodes' });
    registry.add({ name: 'node-2', identity: b.identity, stage: 'nodes' });
    const c = await startNodeChild(IGNORES_SIGTERM);
    registry.add({ name: 'tail', identity: c.identity });
    const restarted = await startNodeChild(IGNORES_SIGTERM);
    registry.add({ name: 'node-1', identity: restarted.identity, stage: 'nodes' });
    expect(registry.list().map((m) => m.name)).toEqual(['node-1', 'node-2', 'tail']);

    const started = Date.now();
    const stopped = await registry.stopAll({ graceMs: 800 });
    // tail alone (one grace period), then both nodes at once (one more), not three in a row.
    expect(Date.now() - started).toBeLessThan(2_300);
    expect(stopped[0]?.name).toBe('tail');
    expect(new Set(stopped.slice(1).map((s) => s.name))).toEqual(new Set(['node-1', 'node-2']));
    expect(stopped.every((s) => s.outcome === 'killed')).toBe(true);
    expect(isRunning(a.identity)).toBe(true); // replaced by the restart: no longer a member
  });
});

describe('detached services', () => {
  it('logs to a file and, stopped as a group, take their own children with them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sp-service-'));
    const logFile = join(dir, 'service.log');
    const leader = spawnService({
      command: process.execPath,
      args: ['-e', "const c = require('child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' }); console.log(c.pid); setInterval(() => {}, 1000);"],
      logFile,
    });
    try {
      let grandchildPid = NaN;
      for (let i = 0; i < 100 && !Number.isInteger(grandchildPid); i += 1) {
        await new Promise((r) => setTimeout(r, 50));
        grandchildPid = Number.parseInt(await readFile(logFile, 'utf8'), 10);
      }
      const grandchild = identify(grandchildPid);
      expect(isRunning(grandchild)).toBe(true);
      expect(await stopProcess(leader, { graceMs: 5_000, group: true })).toBe('terminated');
      expect(await waitUntilExited(grandchild, 5_000)).toBe(true);
    } finally {
      await stopProcess(leader, { graceMs: 0, group: true });
      await rm(dir, { recursive: true, force: true });
    }
  });
});
