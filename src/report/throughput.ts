import type { RunResult } from './result-schema.js';

/** MB/s (10^6 bytes) of acknowledged event payload over the load span; null without bytesAcked or a load span. */
export function throughputMBps(result: Pick<RunResult, 'counters' | 'timeline'>): number | null {
  const bytes = result.counters.bytesAcked;
  const load = result.timeline.find((t) => t.kind === 'load');
  if (bytes === undefined || !load || load.endEpochMs === null || load.endEpochMs <= load.startEpochMs) return null;
  return bytes / ((load.endEpochMs - load.startEpochMs) / 1000) / 1e6;
}
