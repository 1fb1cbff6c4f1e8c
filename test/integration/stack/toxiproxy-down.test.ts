import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PORTS } from '../../../src/base/endpoints.js';
import { isRunning } from '../../../src/process/identity.js';
import { ensureToxiproxy } from '../../../src/stack/native/install.js';
import { identityOf, killProcess, startService } from '../../../src/stack/native/processes.js';
import { ToxiproxyApi, toxiproxyCommand } from '../../../src/stack/native/toxiproxy.js';
import { isPortFree } from '../../../src/stack/ports.js';
import { stackDown, stackStatus } from '../../../src/stack/stack-control.js';
import { readStackState, writeStackState, type ManagedProcess } from '../../../src/stack/state.js';

/**
 * `stack down` stops the Toxiproxy server it started, by its PID. Runs in its own state directory
 * (this file's process only) with a Toxiproxy server and no Kafka, so it leaves the stack the other
 * tests use alone. The API port is the default shifted by 6000: no helper's or CI's stack uses it.
 */
const previousStateDir = process.env.STREAMPROOF_STATE_DIR;
const stateDir = await mkdtemp(join(tmpdir(), 'it-toxiproxy-down-'));
process.env.STREAMPROOF_STATE_DIR = stateDir;
let started: ManagedProcess | null = null;
afterAll(async () => {
  if (started && isRunning(identityOf(started))) killProcess(started);
  if (previousStateDir === undefined) delete process.env.STREAMPROOF_STATE_DIR;
  else process.env.STREAMPROOF_STATE_DIR = previousStateDir;
  await rm(stateDir, { recursive: true, force: true });
});

describe('stack down with Toxiproxy', () => {
  it('stops the Toxiproxy server: its PID is gone', { timeout: 120_000 }, async () => {
    const port = DEFAULT_PORTS.toxiproxyApi + 6_000;
    expect(await isPortFree(port)).toBe(true);
    const server = await ensureToxiproxy(() => undefined); // cached after the stack's first --toxiproxy
    const runDir = join(stateDir, 'run');
    await mkdir(runDir, { recursive: true });
    started = startService(toxiproxyCommand(server, port, runDir));
    const proc = started;
    const api = new ToxiproxyApi(`http://127.0.0.1:${port}`);
    for (let i = 0; ; i += 1) {
      if (await api.version().then(() => true, () => false)) break;
      if (i > 100) throw new Error('toxiproxy did not answer within 10 s');
      await new Promise((r) => setTimeout(r, 100));
    }
    await writeStackState({
      version: 1,
      startedAt: new Date().toISOString(),
      endpoints: {
        provider: 'native',
        kafka: { bootstrapServers: [], brokers: 0, tls: false },
        aws: { region: 'us-east-1', forcePathStyle: true, firehoseBehaviour: 'emulator-immediate' },
        toxiproxy: { apiUrl: `http://127.0.0.1:${port}`, kafka: { bootstrapServers: [], brokers: 0, tls: false }, proxies: [] },
      },
      processes: [proc],
      runDir,
    });
    const lines: string[] = [];
    await stackStatus((line) => lines.push(line));
    expect(lines.find((l) => l.startsWith('toxiproxy '))).toMatch(/healthy\s+0 broker proxies, no toxics/);

    await stackDown((line) => lines.push(line));
    expect(isRunning(identityOf(proc))).toBe(false);
    expect(lines.some((l) => l.startsWith(`stopped toxiproxy (pid ${proc.pid}`))).toBe(true);
    expect(await readStackState()).toBeNull();
    expect(await api.version().then(() => 'answered', () => 'gone')).toBe('gone');
  });
});
