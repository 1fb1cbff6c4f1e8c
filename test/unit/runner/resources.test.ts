import { describe, expect, it } from 'vitest';
import type { ProcessIdentity } from '../../../src/process/identity.js';
import type { CpuTimes, MachineSample, ProcessUsage } from '../../../src/process/usage.js';
import type { ResourceRole } from '../../../src/report/result-schema.js';
import type { StackState } from '../../../src/stack/state.js';
import { ResourceSampler, stackRoleProcesses, type ResourceReaders } from '../../../src/runner/resources.js';

/** A scripted machine: tests set what /proc would say before each sample. */
class FakeProc implements ResourceReaders {
  usage = new Map<string, ProcessUsage>();
  load: number | null = 1;
  cpu: CpuTimes | null = { totalTicks: 0, idleTicks: 0, stealTicks: 0 };
  set(id: ProcessIdentity, cpuSeconds: number, rssBytes: number): void {
    this.usage.set(`${id.pid}:${id.startTime}`, { cpuSeconds, rssBytes });
  }
  gone(id: ProcessIdentity): void {
    this.usage.delete(`${id.pid}:${id.startTime}`);
  }
  process(id: ProcessIdentity): ProcessUsage | null {
    return this.usage.get(`${id.pid}:${id.startTime}`) ?? null;
  }
  machine(): MachineSample {
    return { load: this.load === null ? null : { load1m: this.load, load5m: 0, load15m: 0 }, cpu: this.cpu };
  }
  cores(): number {
    return 2;
  }
}

function setup(): { proc: FakeProc; roles: Partial<Record<ResourceRole, ProcessIdentity[]>>; clock: { now: number; monoMs(): number }; sampler: ResourceSampler } {
  const proc = new FakeProc();
  const roles: Partial<Record<ResourceRole, ProcessIdentity[]>> = {};
  const clock = { now: 0, monoMs: () => clock.now };
  const sampler = new ResourceSampler({ roles: async () => roles, clock, readers: proc, intervalMs: 1_000 });
  return { proc, roles, clock, sampler };
}

const harness = { pid: 10, startTime: 500 };
const p0 = { pid: 20, startTime: 600 };
const p0again = { pid: 21, startTime: 9_000 };
const p1 = { pid: 22, startTime: 601 };

describe('ResourceSampler', () => {
  it('counts CPU from the first sample for processes already running, peak RSS as the max of the summed role', async () => {
    const { proc, roles, clock, sampler } = setup();
    roles.harness = [harness];
    roles.processors = [p0, p1];
    proc.set(harness, 100, 300);
    proc.set(p0, 40, 100);
    proc.set(p1, 50, 100);
    await sampler.sample();
    clock.now = 1_000;
    proc.set(harness, 101.5, 320);
    proc.set(p0, 41, 150);
    proc.set(p1, 50.5, 130);
    await sampler.sample();
    clock.now = 2_000;
    proc.set(harness, 102, 310);
    proc.set(p0, 42, 120);
    proc.set(p1, 51, 120);
    const resources = await sampler.stop();
    expect(resources?.roles).toEqual({
      harness: { cpuSeconds: 2, peakRssBytes: 320, pids: [10] },
      processors: { cpuSeconds: 3, peakRssBytes: 280, pids: [20, 22] },
    });
    expect(resources?.sampledMs).toBe(2_000);
    expect(resources?.sampleIntervalMs).toBe(1_000);
  });

  it('counts a restarted process from its start, keeps what the dead one spent, and never measures a reused PID', async () => {
    const { proc, roles, clock, sampler } = setup();
    roles.processors = [p0];
    proc.set(p0, 10, 100);
    await sampler.sample();
    clock.now = 1_000;
    proc.set(p0, 12, 100);
    await sampler.sample();
    // p0 was killed and restarted as p0again; a process that reuses p0's PID is not ours.
    proc.gone(p0);
    proc.set({ pid: 20, startTime: 7_777 }, 999, 999_999);
    roles.processors = [p0, p0again];
    proc.set(p0again, 0.5, 80);
    clock.now = 2_000;
    await sampler.sample();
    proc.set(p0again, 1.5, 90);
    roles.processors = [p0again];
    clock.now = 3_000;
    const resources = await sampler.stop();
    expect(resources?.roles.processors).toEqual({ cpuSeconds: 2 + 1.5, peakRssBytes: 100, pids: [20, 21] });
  });

  it('machine: load min/mean/max over the samples, busy and steal between the first and last CPU reading, the cores', async () => {
    const { proc, clock, sampler } = setup();
    const loads = [0.5, 2.5, 1.5, 3.5];
    const cpus = [
      { totalTicks: 1_000, idleTicks: 500, stealTicks: 0 },
      { totalTicks: 1_200, idleTicks: 550, stealTicks: 4 },
      { totalTicks: 1_400, idleTicks: 600, stealTicks: 8 },
      { totalTicks: 1_400 + 200, idleTicks: 650, stealTicks: 16 },
    ];
    for (let i = 0; i < loads.length - 1; i += 1) {
      proc.load = loads[i]!;
      proc.cpu = cpus[i]!;
      clock.now = i * 1_000;
      await sampler.sample();
    }
    proc.load = loads[3]!;
    proc.cpu = cpus[3]!;
    clock.now = 3_000;
    const resources = await sampler.stop();
    expect(resources?.machine).toEqual({ cores: 2, loadAverage1m: { min: 0.5, mean: 2, max: 3.5 }, busyPct: 75, stealPct: 2.67 });
    expect(resources?.roles).toEqual({});
  });

  it('stop() is idempotent and samples no more; with no /proc the machine figures are null; no sample at all gives null', async () => {
    const { proc, roles, sampler } = setup();
    proc.load = null;
    proc.cpu = null;
    roles.moto = [{ pid: 30, startTime: 1 }];
    const first = await sampler.stop();
    expect(first?.machine).toEqual({ cores: 2, loadAverage1m: null, busyPct: null, stealPct: null });
    expect(first?.roles.moto).toEqual({ cpuSeconds: 0, peakRssBytes: 0, pids: [] });
    proc.load = 5;
    expect(await sampler.stop()).toEqual(first);
    expect(setup().sampler.summary()).toBeNull();
  });

  it('a role lookup that throws still samples the machine', async () => {
    const proc = new FakeProc();
    const sampler = new ResourceSampler({ roles: () => Promise.reject(new Error('state file half written')), clock: { monoMs: () => 0 }, readers: proc });
    const resources = await sampler.stop();
    expect(resources?.machine.loadAverage1m).toEqual({ min: 1, mean: 1, max: 1 });
  });
});

describe('stackRoleProcesses', () => {
  const state = (provider: 'native' | 'compose'): StackState => ({
    version: 1,
    startedAt: '2026-01-01T00:00:00Z',
    runDir: '/tmp/x',
    endpoints: { provider, kafka: { bootstrapServers: [], brokers: 3, tls: false }, aws: { region: 'us-east-1', forcePathStyle: true, firehoseBehaviour: 'emulator-immediate' } },
    processes: [
      { service: 'kafka-1', pid: 101, startTicks: 11, logFile: '' },
      { service: 'kafka-2', pid: 102, startTicks: 12, logFile: '' },
      { service: 'moto', pid: 103, startTicks: 13, logFile: '' },
      { service: 'prometheus', pid: 104, startTicks: 14, logFile: '' },
      { service: 'something-else', pid: 105, startTicks: 15, logFile: '' },
    ],
  });

  it('maps the native stack services to roles by name, with their recorded start times', () => {
    expect(stackRoleProcesses(state('native'))).toEqual({
      brokers: [{ pid: 101, startTime: 11 }, { pid: 102, startTime: 12 }],
      moto: [{ pid: 103, startTime: 13 }],
      prometheus: [{ pid: 104, startTime: 14 }],
    });
  });

  it('has no roles for a compose stack or none at all', () => {
    expect(stackRoleProcesses(state('compose'))).toEqual({});
    expect(stackRoleProcesses(null)).toEqual({});
  });
});
