import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ensureMoto } from '../../../src/stack/native/install.js';
import type { ServiceControl } from './outage.js';

/**
 * A private moto server for fault tests, on a free loopback port, separate from the stack's.
 * Every signal goes to the PID this helper spawned, never by name.
 *
 *  - restartControl: stop = SIGTERM and wait for exit; start = spawn again and wait healthy.
 *    moto keeps state in memory, so a restart comes back with no bucket and no stream.
 *  - freezeControl: stop = SIGSTOP, start = SIGCONT. State survives; requests sent meanwhile
 *    are accepted by the kernel and answered late, which makes ambiguous timeouts (duplicates).
 */
export class MotoProcess {
  private child: ChildProcess | null = null;
  private frozen = false;

  private constructor(
    private readonly serverPath: string,
    readonly port: number,
    private readonly logDir: string,
  ) {}

  static async launch(): Promise<MotoProcess> {
    const serverPath = process.env.STREAMPROOF_MOTO_SERVER ?? (await ensureMoto(() => undefined));
    const moto = new MotoProcess(serverPath, await freePort(), await mkdtemp(join(tmpdir(), 'sp-moto-fault-')));
    await moto.start();
    return moto;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('moto is already running');
    const log = createWriteStream(join(this.logDir, 'moto.log'), { flags: 'a' });
    const child = spawn(this.serverPath, ['-H', '127.0.0.1', '-p', String(this.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    this.child = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`moto exited with ${child.exitCode}; see ${this.logDir}/moto.log`);
      const healthy = await fetch(`${this.url}/moto-api/data.json`).then((r) => r.ok, () => false);
      if (healthy) return;
      if (Date.now() > deadline) throw new Error(`moto on ${this.url} not healthy after 30 s; see ${this.logDir}/moto.log`);
      await delay(100);
    }
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.pid === undefined) return;
    this.child = null;
    if (this.frozen) this.thaw(child);
    if (child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(child.pid, 'SIGTERM');
    const killed = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
    if (!killed) {
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
  }

  freeze(): void {
    if (!this.child?.pid || this.frozen) return;
    process.kill(this.child.pid, 'SIGSTOP');
    this.frozen = true;
  }

  private thaw(child: ChildProcess): void {
    if (child.pid !== undefined && this.frozen) process.kill(child.pid, 'SIGCONT');
    this.frozen = false;
  }

  unfreeze(): void {
    if (this.child) this.thaw(this.child);
  }

  restartControl(): ServiceControl {
    return { stop: () => this.stop(), start: () => this.start() };
  }

  freezeControl(): ServiceControl {
    return {
      stop: async () => this.freeze(),
      start: async () => this.unfreeze(),
    };
  }

  async dispose(): Promise<void> {
    await this.stop();
    await rm(this.logDir, { recursive: true, force: true });
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
