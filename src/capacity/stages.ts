import type { ResourceRole, RunResult } from '../report/result-schema.js';
import type { ProbeDecision } from './decision.js';
import { gateStage } from './decision.js';

/**
 * Which stage saturates first (pure). Per probe, each stage's own figures and whether that stage
 * kept up; across probes, the stage that gave out at the lowest rate is the bottleneck, and every
 * other stage's headroom is the highest rate at which it still kept up, relative to the found rate.
 *
 * Stages and what "kept up" means for each:
 *  - generator (the harness's load generator): on-time share ≥ its gate, and result.bottleneck is
 *    not harness-bound / behind-schedule. When it falls behind, the found rate is the harness's
 *    limit, not the pipeline's, and the report says so.
 *  - ingest (producer → brokers): the L1/L2 (and HTTP) gates pass, nothing failed to send.
 *  - processor: consumer-lag slope within its threshold, the L3 gates pass.
 *  - delivery (Firehose → S3): the L4 and s3Missing gates pass, the drain completed.
 */
export const STAGES = ['generator', 'ingest', 'processor', 'delivery'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  generator: 'the load generator (harness)',
  ingest: 'ingest (producer → Kafka brokers)',
  processor: 'the processor',
  delivery: 'delivery (Firehose → S3)',
};

const GATE_STAGE: Record<string, Stage> = {
  schedule_lag: 'generator',
  onTimeShare: 'generator',
  achievedRate: 'generator',
  l1_produce: 'ingest',
  l1_from_send: 'ingest',
  l2_ingest: 'ingest',
  http_ingest: 'ingest',
  failed: 'ingest',
  httpErrors: 'ingest',
  l3_window: 'processor',
  l3_freshness: 'processor',
  l4_delivery: 'delivery',
  s3Missing: 'delivery',
};

export interface StageFigures {
  keptUp: boolean;
  /** Why not, when it did not. */
  why: string | null;
}

export interface ProbeStages {
  /** Events/s acknowledged over the hold (the mean of its scheduled seconds; without any, the run's on-time rate). */
  achievedEventsPerS: number;
  /** Median consumer lag over the hold, events; null when not sampled. */
  consumerLagMedianEvents: number | null;
  lagSlopeEventsPerS2: number | null;
  p99Ms: Partial<Record<'l1_produce' | 'l2_ingest' | 'l3_window' | 'l4_delivery' | 'schedule_lag', number>>;
  /** Cores each role kept busy on average over the probe (CPU seconds ÷ sampled seconds). */
  coresByRole: Partial<Record<ResourceRole, number>>;
  machineBusyPct: number | null;
  machineCores: number | null;
  harnessVerdict: string | null;
  stages: Record<Stage, StageFigures>;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export function probeStages(result: RunResult, decision: ProbeDecision, holdPhase: string): ProbeStages {
  const hold = result.timeSeries.filter((r) => r.phase === holdPhase);
  // The hold's seconds with a target: its last row may be the second the schedule ended in.
  const scheduled = hold.filter((r) => r.targetEventsPerS > 0);
  const lagMedian = median(hold.map((r) => r.consumerLagEvents).filter((v): v is number => v !== null));
  const p99Ms: ProbeStages['p99Ms'] = {};
  // Over the hold, as its gates are judged (older results without phase figures: the whole run).
  const judged = result.phaseStages?.[holdPhase] ?? result.stages;
  for (const stage of ['l1_produce', 'l2_ingest', 'l3_window', 'l4_delivery', 'schedule_lag'] as const) {
    const s = judged[stage];
    if (s && s.count > 0) p99Ms[stage] = s.p99Ms;
  }
  const coresByRole: ProbeStages['coresByRole'] = {};
  const res = result.resources;
  if (res && res.sampledMs > 0) {
    for (const [role, r] of Object.entries(res.roles)) if (r) coresByRole[role as ResourceRole] = r.cpuSeconds / (res.sampledMs / 1000);
  }
  const stages: Record<Stage, StageFigures> = {
    generator: { keptUp: true, why: null },
    ingest: { keptUp: true, why: null },
    processor: { keptUp: true, why: null },
    delivery: { keptUp: true, why: null },
  };
  const fail = (stage: Stage, why: string) => {
    if (stages[stage].keptUp) stages[stage] = { keptUp: false, why };
  };
  const verdict = result.bottleneck?.verdict ?? null;
  if (verdict === 'harness-bound' || verdict === 'behind-schedule') fail('generator', result.bottleneck!.summary);
  const share = decision.criteria.find((c) => c.criterion === 'onTimeShare');
  if (share && !share.pass) fail('generator', share.detail);
  const slope = decision.criteria.find((c) => c.criterion === 'lagSlope');
  if (slope && !slope.pass && decision.lagSlopeEventsPerS2 !== null) fail('processor', slope.detail);
  if ((result.counters.drainIncomplete ?? 0) > 0) fail('delivery', 'the drain did not complete within its timeout');
  for (const gate of result.gates) {
    if (gate.pass) continue;
    const stage = GATE_STAGE[String(gateStage(gate.expression))];
    if (stage) fail(stage, gate.message);
  }
  if (result.state === 'aborted') {
    const stage = GATE_STAGE[String(gateStage(result.abortedBy))];
    if (stage) fail(stage, `aborted early: \`${result.abortedBy}\``);
  }
  return {
    // Not result.rates: that is over the whole load, the settle ramp included.
    achievedEventsPerS: scheduled.length > 0 ? scheduled.reduce((sum, r) => sum + r.achievedEventsPerS, 0) / scheduled.length : result.rates.achievedEventsPerS,
    consumerLagMedianEvents: lagMedian,
    lagSlopeEventsPerS2: decision.lagSlopeEventsPerS2,
    p99Ms,
    coresByRole,
    machineBusyPct: res?.machine.busyPct ?? null,
    machineCores: res?.machine.cores ?? null,
    harnessVerdict: verdict,
    stages,
  };
}

export interface ProbeForStages {
  rate: number;
  sustainable: boolean;
  stages: ProbeStages;
}

export interface BottleneckFinding {
  /** The stage that gave out at the lowest probed rate; null when none did (every probe passed). */
  stage: Stage | null;
  /** The rate at which it first gave out. */
  atRate: number | null;
  harnessBound: boolean;
  summary: string;
  /** Per other stage: the highest probed rate at which it kept up, and that ÷ the found rate − 1 (a lower bound of its headroom). */
  headroom: Array<{ stage: Stage; keptUpToRate: number | null; headroomPct: number | null; note: string }>;
}

export function findBottleneck(probes: readonly ProbeForStages[], foundRate: number | null): BottleneckFinding {
  const sorted = [...probes].sort((a, b) => a.rate - b.rate);
  const firstOut = new Map<Stage, number>();
  for (const p of sorted) for (const s of STAGES) if (!p.stages.stages[s].keptUp && !firstOut.has(s)) firstOut.set(s, p.rate);
  // The bottleneck: the stage out at the lowest rate; at the same rate, the generator first
  // (a late sender starves everything downstream, so their figures are not theirs).
  let stage: Stage | null = null;
  let atRate: number | null = null;
  for (const s of STAGES) {
    const r = firstOut.get(s);
    if (r !== undefined && (atRate === null || r < atRate)) {
      stage = s;
      atRate = r;
    }
  }
  const unexplained = stage === null && sorted.some((p) => !p.sustainable);
  const headroom = STAGES.filter((s) => s !== stage).map((s) => {
    const kept = sorted.filter((p) => p.stages.stages[s].keptUp && (firstOut.get(s) === undefined || p.rate < firstOut.get(s)!));
    const keptUpToRate = kept.length > 0 ? kept[kept.length - 1]!.rate : null;
    const headroomPct = keptUpToRate !== null && foundRate !== null && foundRate > 0 ? (keptUpToRate / foundRate - 1) * 100 : null;
    const note =
      keptUpToRate === null
        ? 'no probe shows it keeping up'
        : firstOut.has(s)
          ? `kept up to ${keptUpToRate} events/s, gave out at ${firstOut.get(s)} events/s`
          : `kept up at every probed rate (up to ${keptUpToRate} events/s): its own limit is higher, not measured`;
    return { stage: s, keptUpToRate, headroomPct, note };
  });
  const harnessBound = stage === 'generator';
  const summary =
    stage === null
      ? unexplained
        ? 'a probe failed (an invariant or a gate no stage owns) but no stage fell behind: see the probes'
        : 'no stage gave out at any probed rate'
      : harnessBound && foundRate === null
        ? `the load generator (the harness itself) fell behind at every probed rate, down to ${atRate} events/s: nothing was sustainable because the HARNESS could not offer the load on time on this machine; the pipeline's capacity was not measured`
        : harnessBound
        ? `the load generator (the harness itself) fell behind first, at ${atRate} events/s: the found rate is the HARNESS's limit on this machine, not the pipeline's; the pipeline's own capacity is higher by at least what the other stages' headroom says`
        : `${STAGE_LABELS[stage]} gave out first, at ${atRate} events/s`;
  return { stage, atRate, harnessBound, summary, headroom };
}
