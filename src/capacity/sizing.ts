/**
 * The sizing projection for a target peak (pure arithmetic, every assumption stated in the
 * result so the report can print it). Linear extrapolation from what was measured on this box:
 *
 *  - planned rate = target peak × (1 + headroom);
 *  - partitions: the measured rate per raw-events partition holds at scale (linear per
 *    partition); never fewer partitions than processor instances (one partition feeds at most
 *    one instance);
 *  - processor instances: the lowest measured per-instance rate (found rate ÷ instances over the
 *    counts searched: the most pessimistic) holds at scale (linear per instance);
 *  - brokers: the measured rate per broker holds (linear), at least the replication factor;
 *  - the box's CPU share: the pipeline's roles (brokers + processors) kept C of the box's cores
 *    busy at the found rate; events per busy core stays constant, giving the cores the planned
 *    rate needs;
 *  - Flink (the seed's deployment): one slot per parallel subtask, task managers =
 *    ceil(instances ÷ slots per task manager);
 *  - Firehose under the production buffering hints: window results per event and bytes per result
 *    as measured (an upper bound: results are per user and window, so more events per window
 *    share results), a buffer flushes at the size or the interval, whichever comes first, one
 *    S3 PUT per object, the peak held all month (730 h) for the PUT count (an upper bound).
 */
export interface SizingInput {
  targetPeak: number;
  /** e.g. 0.3 for 30 %. */
  headroom: number;
  measured: {
    foundRate: number;
    partitions: number;
    brokers: number;
    replicationFactor: number;
    /** Lowest found rate ÷ instances over the counts searched. */
    perInstanceRate: number;
    /** Cores the pipeline (brokers + processors) kept busy at the found rate; null if not sampled. */
    pipelineCores: number | null;
    machineCores: number;
    /** Window results delivered per acknowledged event; null without delivery figures. */
    resultsPerEvent: number | null;
    bytesPerResult: number | null;
    gzipRatio: number | null;
  };
  flinkSlotsPerTaskManager: number;
  buffering: { sizeBytes: number; intervalS: number };
}

export interface SizingProjection {
  plannedRate: number;
  partitions: number;
  processorInstances: number;
  brokers: number;
  cores: number | null;
  flink: { taskManagers: number; slotsPerTaskManager: number; slots: number };
  firehose: {
    resultsPerS: number;
    bytesPerS: number;
    trigger: 'size' | 'interval';
    flushEveryS: number;
    objectsPerHour: number;
    objectRawBytes: number;
    objectGzipBytes: number | null;
    addedLatencyMeanS: number;
    addedLatencyMaxS: number;
    putsPerMonth: number;
  } | null;
  assumptions: string[];
}

export const HOURS_PER_MONTH = 730;

export function projectSizing(input: SizingInput): SizingProjection {
  const m = input.measured;
  if (!(input.targetPeak > 0)) throw new RangeError(`target peak must be > 0, got ${input.targetPeak}`);
  if (!(input.headroom >= 0)) throw new RangeError(`headroom must be ≥ 0, got ${input.headroom}`);
  if (!(m.foundRate > 0) || !(m.partitions > 0) || !(m.brokers > 0) || !(m.perInstanceRate > 0)) throw new RangeError('measured rates and counts must be > 0');
  const plannedRate = input.targetPeak * (1 + input.headroom);
  const perPartition = m.foundRate / m.partitions;
  const perBroker = m.foundRate / m.brokers;
  const processorInstances = Math.ceil(plannedRate / m.perInstanceRate);
  const partitions = Math.max(Math.ceil(plannedRate / perPartition), processorInstances);
  const brokers = Math.max(Math.ceil(plannedRate / perBroker), m.replicationFactor);
  const cores = m.pipelineCores !== null && m.pipelineCores > 0 ? Math.ceil((plannedRate / m.foundRate) * m.pipelineCores) : null;
  const slots = processorInstances;
  const flink = { taskManagers: Math.ceil(slots / input.flinkSlotsPerTaskManager), slotsPerTaskManager: input.flinkSlotsPerTaskManager, slots };

  const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d });
  const assumptions = [
    `planned rate = target peak ${f(input.targetPeak)} events/s × (1 + headroom ${f(input.headroom * 100)} %) = ${f(plannedRate)} events/s`,
    `linear per partition: ${f(m.foundRate)} events/s over ${m.partitions} raw-events partitions = ${f(perPartition, 1)} events/s per partition`,
    `linear per processor instance: ${f(m.perInstanceRate, 1)} events/s per instance (the lowest measured), and at least one partition per instance`,
    `linear per broker: ${f(m.foundRate)} events/s over ${m.brokers} broker(s) = ${f(perBroker, 1)} events/s per broker, at least the replication factor ${m.replicationFactor}`,
    m.pipelineCores !== null
      ? `the box's CPU share: brokers + processors kept ${f(m.pipelineCores, 2)} of ${m.machineCores} cores busy at the found rate; events per busy core held constant`
      : 'CPU per role was not sampled: no core count projected',
    `the measurements were taken with every service on one ${m.machineCores}-core machine shared with the load generator: real brokers and processors on their own hosts will do better per unit, so these counts are upper bounds`,
    `Flink: one slot per parallel subtask, ${input.flinkSlotsPerTaskManager} slots per task manager (the seed's deployment)`,
  ];

  let firehose: SizingProjection['firehose'] = null;
  if (m.resultsPerEvent !== null && m.bytesPerResult !== null && m.resultsPerEvent > 0 && m.bytesPerResult > 0) {
    const resultsPerS = input.targetPeak * m.resultsPerEvent;
    const bytesPerS = resultsPerS * m.bytesPerResult;
    const fillS = input.buffering.sizeBytes / bytesPerS;
    const trigger = fillS < input.buffering.intervalS ? 'size' : 'interval';
    const flushEveryS = Math.min(fillS, input.buffering.intervalS);
    const objectsPerHour = 3600 / flushEveryS;
    const objectRawBytes = Math.min(input.buffering.sizeBytes, bytesPerS * flushEveryS);
    firehose = {
      resultsPerS,
      bytesPerS,
      trigger,
      flushEveryS,
      objectsPerHour,
      objectRawBytes,
      objectGzipBytes: m.gzipRatio !== null ? objectRawBytes * m.gzipRatio : null,
      // Records arrive evenly over a buffer's life: on average they wait half of it.
      addedLatencyMeanS: flushEveryS / 2,
      addedLatencyMaxS: flushEveryS,
      putsPerMonth: objectsPerHour * HOURS_PER_MONTH,
    };
    assumptions.push(
      `Firehose at the target peak (not the planned rate): ${f(m.resultsPerEvent, 4)} window results per event and ${f(m.bytesPerResult)} bytes per result as measured — an upper bound, since results are per user and window`,
      `production buffering hints ${f(input.buffering.sizeBytes / 1024 / 1024)} MiB / ${input.buffering.intervalS} s, whichever first; records arrive evenly (mean wait half a buffer); one S3 PUT per object; the peak held all month (${HOURS_PER_MONTH} h) for the PUT count — an upper bound`,
    );
    if (m.gzipRatio !== null) assumptions.push(`gzip ratio ${f(m.gzipRatio, 3)} (the delivery model's)`);
  } else {
    assumptions.push('no delivery figures were measured (delivery disabled, or no probe delivered): no Firehose projection');
  }
  return { plannedRate, partitions, processorInstances, brokers, cores, flink, firehose, assumptions };
}
