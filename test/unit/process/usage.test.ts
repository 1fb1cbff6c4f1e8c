import { describe, expect, it } from 'vitest';
import { identify } from '../../../src/process/identity.js';
import {
  clockTicksPerSecond,
  cpuPercentBetween,
  parseCpuTimes,
  parseLoadAvg,
  parseProcStat,
  parseSchedstat,
  parseVmRssBytes,
  readMachineSample,
  readThreadSchedstat,
  readProcessUsage,
} from '../../../src/process/usage.js';

// Captured on Linux 6.1 (x86_64); the command name of the second holds spaces and a ')'.
const STAT = '18308 (cat) R 18306 18306 14353 0 -1 4194304 99 0 0 0 7 3 0 0 20 0 1 0 385704 3133440 362 18446744073709551615 93983444672512 93983444692393 140722496137248 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 93983444708400 93983444710016 93983772807168 140722496146102 140722496146122 140722496146122 140722496147435 0\n';
const STAT_ODD_NAME = '4242 (a b) (c)) S 1 4242 4242 0 -1 4194560 2000 0 0 0 1234 567 0 0 20 0 12 0 99887766 3000000000 90000 18446744073709551615 1 1 0 0 0 0 0 4096 0 0 0 0 17 0 0 0 0 0 0\n';
const STATUS = 'Name:\tcat\nUmask:\t0022\nState:\tR (running)\nVmPeak:\t    3060 kB\nVmSize:\t    3060 kB\nVmHWM:\t    2056 kB\nVmRSS:\t    2056 kB\nRssAnon:\t      88 kB\nThreads:\t1\n';
const ZOMBIE_STATUS = 'Name:\tnode\nState:\tZ (zombie)\nThreads:\t1\n';
const PROC_STAT = 'cpu  430712 407 67391 258681 1553 0 2266 6143 0 0\ncpu0 215000 200 33000 129000 700 0 1100 3000 0 0\ncpu1 215712 207 34391 129681 853 0 1166 3143 0 0\nintr 123\nctxt 456\n';

describe('parseProcStat', () => {
  it('reads utime, stime and the start time, counting fields from the last `)`', () => {
    expect(parseProcStat(STAT)).toEqual({ utimeTicks: 7, stimeTicks: 3, startTime: 385704 });
    expect(parseProcStat(STAT_ODD_NAME)).toEqual({ utimeTicks: 1234, stimeTicks: 567, startTime: 99887766 });
  });

  it('refuses text that is not a stat line', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('12 (x) S 1 2 3')).toBeNull();
  });
});

describe('parseVmRssBytes', () => {
  it('reads VmRSS in bytes, and null when the kernel reports none', () => {
    expect(parseVmRssBytes(STATUS)).toBe(2056 * 1024);
    expect(parseVmRssBytes(ZOMBIE_STATUS)).toBeNull();
  });
});

describe('parseLoadAvg', () => {
  it('reads the three load averages', () => {
    expect(parseLoadAvg('0.01 0.82 2.77 1/381 18310\n')).toEqual({ load1m: 0.01, load5m: 0.82, load15m: 2.77 });
    expect(parseLoadAvg('garbage')).toBeNull();
  });
});

describe('parseCpuTimes and cpuPercentBetween', () => {
  it('sums the aggregate line (guest time is already in user) and keeps idle and steal apart', () => {
    expect(parseCpuTimes(PROC_STAT)).toEqual({ totalTicks: 430712 + 407 + 67391 + 258681 + 1553 + 0 + 2266 + 6143, idleTicks: 258681 + 1553, stealTicks: 6143 });
    expect(parseCpuTimes('cpu0 1 2 3 4\n')).toBeNull();
  });

  it('gives busy and steal as % of all CPU time between two readings', () => {
    const from = { totalTicks: 1_000, idleTicks: 400, stealTicks: 10 };
    const to = { totalTicks: 1_200, idleTicks: 450, stealTicks: 20 };
    expect(cpuPercentBetween(from, to)).toEqual({ busyPct: 75, stealPct: 5 });
    expect(cpuPercentBetween(from, from)).toBeNull();
  });
});

describe('the readers, on this process for real', () => {
  it('CLK_TCK is what getconf says (100 on Linux)', () => {
    expect(clockTicksPerSecond()).toBe(100);
  });

  it('reads our own CPU time and RSS, and nothing for a PID whose start time does not match', () => {
    const self = identify(process.pid);
    const before = readProcessUsage(self);
    expect(before).not.toBeNull();
    const until = Date.now() + 150;
    let spin = 0;
    while (Date.now() < until) spin += Math.sqrt(spin + 1);
    const after = readProcessUsage(self)!;
    expect(after.cpuSeconds).toBeGreaterThan(before!.cpuSeconds);
    expect(after.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(after.rssBytes).toBeLessThan(process.memoryUsage().rss * 2);
    expect(readProcessUsage({ pid: process.pid, startTime: (self.startTime ?? 0) + 1 })).toBeNull();
    expect(readProcessUsage({ pid: process.pid, startTime: null })).toBeNull();
  });

  it('reads the machine: a load average and CPU times', () => {
    const sample = readMachineSample();
    expect(sample.load?.load1m).toBeGreaterThanOrEqual(0);
    expect(sample.cpu?.totalTicks).toBeGreaterThan(0);
  });
});

describe('parseSchedstat / readThreadSchedstat', () => {
  it('reads time on a CPU and time waiting for one, and refuses what is not a schedstat line', () => {
    expect(parseSchedstat('1523000 98000 12\n')).toEqual({ onCpuNs: 1_523_000, runqueueWaitNs: 98_000 });
    expect(parseSchedstat('')).toBeNull();
    expect(parseSchedstat('abc def 1')).toBeNull();
  });

  it("this thread's own figures grow while it spins", () => {
    const before = readThreadSchedstat();
    expect(before).not.toBeNull();
    const until = performance.now() + 30;
    while (performance.now() < until) {
      // spin: on a CPU the whole time
    }
    const after = readThreadSchedstat()!;
    expect(after.onCpuNs).toBeGreaterThan(before!.onCpuNs);
    expect(after.runqueueWaitNs).toBeGreaterThanOrEqual(before!.runqueueWaitNs);
  });
});
