/**
 * Demand across processor-instance counts (pure): scaling efficiency and the fewest instances
 * that sustain a load, from the found rate per count.
 *
 * efficiency(n) = rate(n) / ((n / n0) × rate(n0)), n0 the smallest count searched (1 when it was
 * searched: the rate(n) / (n × rate(1))). 1.0 = linear; below it, adding instances buys
 * less than proportionally (shared brokers, a shared CPU, skewed keys).
 */
export interface CountRate {
  instances: number;
  /** Found rate; null when nothing was sustainable at that count. */
  rate: number | null;
}

export interface ScalingRow extends CountRate {
  efficiency: number | null;
  perInstanceRate: number | null;
}

export function scalingRows(counts: readonly CountRate[]): ScalingRow[] {
  const sorted = [...counts].sort((a, b) => a.instances - b.instances);
  const base = sorted[0];
  return sorted.map((c) => ({
    ...c,
    perInstanceRate: c.rate === null ? null : c.rate / c.instances,
    efficiency: base && base.rate !== null && base.rate > 0 && c.rate !== null ? c.rate / ((c.instances / base.instances) * base.rate) : null,
  }));
}

/** The fewest instances whose found rate is at least `load`; null when no count searched does. */
export function fewestInstancesFor(counts: readonly CountRate[], load: number): number | null {
  const enough = counts.filter((c) => c.rate !== null && c.rate >= load).map((c) => c.instances);
  return enough.length > 0 ? Math.min(...enough) : null;
}
