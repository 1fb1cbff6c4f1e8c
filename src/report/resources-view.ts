import { formatBytes, formatNumber } from './format.js';
import { RESOURCE_ROLES, type Resources } from './result-schema.js';

/**
 * The "Resources and noise" figures as rows, shared by summary.md and report.html (pure): what
 * each role of the run cost, and how busy the machine was, so latencies are read with the noise
 * they were measured in.
 */
export interface ResourcesView {
  roleHeader: string[];
  roleRows: string[][];
  machineRows: Array<[string, string]>;
  /** How to read the table. */
  howToRead: string;
  /** A warning when this run's figures are noisy (load above the cores, steal), else null. */
  warning: string | null;
}

const pct = (value: number | null): string => (value === null ? '—' : `${formatNumber(value, 1)}%`);

/** Steal above this share of CPU time is worth a warning: other guests took our CPU. */
const STEAL_WARNING_PCT = 5;

export function resourcesView(resources: Resources): ResourcesView {
  const { machine } = resources;
  const spanS = resources.sampledMs / 1000;
  const roleRows = RESOURCE_ROLES.flatMap((role) => {
    const r = resources.roles[role];
    if (!r) return [];
    const corePct = spanS > 0 ? pct((r.cpuSeconds / spanS) * 100) : '—';
    return [[role, formatNumber(r.cpuSeconds, 1), corePct, formatBytes(r.peakRssBytes), formatNumber(r.pids.length)]];
  });
  const load = machine.loadAverage1m;
  const machineRows: Array<[string, string]> = [
    ['cores', formatNumber(machine.cores)],
    ['load average (1 min): min / mean / max', load ? `${formatNumber(load.min)} / ${formatNumber(load.mean)} / ${formatNumber(load.max)}` : '—'],
    ['CPU busy (all cores)', pct(machine.busyPct)],
    ['CPU steal', pct(machine.stealPct)],
    ['sampled', `${formatNumber(spanS, 1)} s, every ${formatNumber(resources.sampleIntervalMs / 1000, 1)} s`],
  ];
  const howToRead =
    `CPU % is of one core over the sampled span (100% = one core busy all along; this machine has ${machine.cores}). ` +
    `A load average above the core count (${machine.cores}) means runnable tasks waited for a CPU, so the latencies above include that wait; ` +
    'steal is CPU time the hypervisor gave to other guests.';
  const warnings: string[] = [];
  if (load && load.max > machine.cores) warnings.push(`load reached ${formatNumber(load.max)} on ${machine.cores} cores: latencies include waiting for CPU`);
  if (machine.stealPct !== null && machine.stealPct > STEAL_WARNING_PCT) warnings.push(`steal was ${pct(machine.stealPct)}: other guests took CPU from this machine`);
  return {
    roleHeader: ['role', 'CPU s', 'CPU % of one core', 'peak RSS', 'PIDs'],
    roleRows,
    machineRows,
    howToRead,
    warning: warnings.length === 0 ? null : `Noisy run: ${warnings.join('; ')}.`,
  };
}
