import { randomBytes } from 'node:crypto';

/**
 * Run ids sort by time (Grafana's run_id variable lists newest first) and carry the scenario;
 * the short form prefixes this run's topics, bucket and stream, so runs never see each
 * other's data.
 */
export function makeRunId(scenario: string, now: Date, random: () => Buffer = () => randomBytes(2)): { runId: string; shortId: string } {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z'); // 20261125T203500Z
  const suffix = random().toString('hex');
  return { runId: `${stamp}-${scenario}-${suffix}`, shortId: `sp${stamp.slice(2, 8)}${stamp.slice(9, 15)}${suffix}`.toLowerCase() };
}

/** The short id (topic prefix) a run id was made with: makeRunId's second half, from its first. */
export function shortIdOf(runId: string): string | null {
  const match = /^(\d{8}T\d{6}Z)-.+-([0-9a-f]{4})$/i.exec(runId);
  if (!match) return null;
  const [, stamp, suffix] = match as unknown as [string, string, string];
  return `sp${stamp.slice(2, 8)}${stamp.slice(9, 15)}${suffix}`.toLowerCase();
}
