import { markdownTable } from '../report/format.js';
import { formatDuration, formatPct, formatRate } from './format.js';
import type { CapacityReport, CountSearch } from './run-capacity.js';
import { STAGE_LABELS } from './stages.js';

/** capacity.md: the found rate per instance count, the bottleneck and headroom, every probe, scaling, sizing and its assumptions. */
export function headline(report: CapacityReport): string {
  const state = report.state === 'completed' ? '' : ` — ${report.state.toUpperCase()}: ${report.reason ?? ''}`;
  const found = report.searches.map((s) => `${s.instances} instance(s): ${formatRate(s.finding.foundRate)}`).join('; ');
  return `${found || 'no probe ran'}${state}`;
}

function ms(v: number | undefined): string {
  return v === undefined ? '—' : `${Math.round(v).toLocaleString('en-US')} ms`;
}

function searchSection(s: CountSearch, report: CapacityReport): string[] {
  const f = s.finding;
  const lines = [
    `## ${s.instances} processor instance(s)`,
    '',
    `- **Found rate: ${formatRate(f.foundRate)}** (highest sustainable); lowest unsustainable above it: ${formatRate(f.failedRate)}; precision reached ${formatPct(f.achievedPrecision)} (asked ${formatPct(report.settings.search.precision)})${f.converged ? '' : ' — **not converged**'}.`,
    `- Why the search stopped: ${f.reason}.`,
    `- **Bottleneck**: ${s.bottleneck.summary}.`,
    ...s.bottleneck.headroom.map((h) => `  - ${STAGE_LABELS[h.stage]}: ${h.note}${h.headroomPct !== null ? ` (headroom ≥ ${h.headroomPct.toFixed(0)} % over the found rate)` : ''}`),
    ...f.notes.map((n) => `- Noise: ${n}`),
    '',
    markdownTable(
      ['#', 'rate', 'outcome', 'on-time', 'lag slope ev/s²', 'lag median', 'achieved', 'p99 L1', 'p99 L3', 'p99 L4', 'cores: brokers / processors / harness', 'took', 'why probed'],
      s.probes.map((p) => [
        String(p.index),
        formatRate(p.rate),
        p.sustainable ? 'sustainable' : p.decision.summary,
        formatPct(p.decision.onTimeShare, 2),
        p.decision.lagSlopeEventsPerS2 === null ? '—' : p.decision.lagSlopeEventsPerS2.toFixed(1),
        p.stages.consumerLagMedianEvents === null ? '—' : String(Math.round(p.stages.consumerLagMedianEvents)),
        formatRate(p.stages.achievedEventsPerS),
        ms(p.stages.p99Ms.l1_produce),
        ms(p.stages.p99Ms.l3_window),
        ms(p.stages.p99Ms.l4_delivery),
        ['brokers', 'processors', 'harness'].map((r) => (p.stages.coresByRole[r as 'brokers'] ?? 0).toFixed(2)).join(' / '),
        formatDuration(p.durationMs),
        p.why,
      ]),
    ),
    '',
    'Per probe, the run directory (result.json, summary.md, report.html):',
    '',
    ...s.probes.map((p) => `- probe ${p.index} (${formatRate(p.rate)}): \`${p.resultDir}\``),
    '',
  ];
  return lines;
}

function stackWarmUpLines(report: CapacityReport): string[] {
  const w = report.stackWarmUp;
  if (!w) return ['Stack warm-up: none (`--stack-warm-up 0s`): the first probes ran on the stack as it was.', ''];
  return [
    `Stack warm-up: ${formatDuration(w.holdMs)} at ${formatRate(w.rate)} (${w.instances} instance(s)) before the first probe, not judged, inside the budget (${formatDuration(w.durationMs)}; achieved ${formatRate(w.achievedEventsPerS)}, on-time ${formatPct(w.onTimeShare, 2)}): ${w.summary}. Run: \`${w.resultDir}\`.`,
    '',
  ];
}

export function renderCapacityMarkdown(report: CapacityReport): string {
  const st = report.settings;
  const env = report.environment;
  const lines = [
    `# Capacity: ${report.scenario}`,
    '',
    `**${headline(report)}**`,
    '',
    `${report.startedAt} → ${report.endedAt}; budget ${formatDuration(st.budgetMs)}; exit ${report.exitCode}.`,
    '',
    '## How a probe is judged',
    '',
    `A probe is a real run at one constant rate: warm-up ${formatDuration(st.warmUpMs)}, ${formatDuration(st.holdMs)} at the rate — a settle phase of ${st.settleS} s, measured but not judged, then the hold — then drain (≤ ${formatDuration(st.drainTimeoutMs)}) and verification. Sustainable when, over the hold: it completed; on-time share ≥ ${formatPct(st.onTimeShareMin, 1)}; the consumer-lag slope (least squares) ≤ ${st.maxLagSlope ?? 'max(50, 1 % of the rate)'} events/s²; every gate passes (the scenario's and ${st.slos.length > 0 ? st.slos.map((x) => `\`${x}\``).join(', ') : 'no --slo'}; latency gates scoped to the hold, \`{phase: hold}\`); every invariant holds. Early abort: ${st.earlyAbortGates.map((g) => `\`${g}\``).join(', ')}.`,
    '',
    `Search: from ${formatRate(st.search.startRate)} ×${st.search.growth} until a probe fails, then bisection to ${formatPct(st.search.precision)}; a rate that fails below a passing one is re-probed (≤ ${st.search.maxProbesPerRate} probes per rate, majority decides). Noise: ${formatPct(report.noise.noise)} (floor ${formatPct(report.noise.floor)}; ${report.noise.method}; work per slice ${report.noise.workPerSlice.join(', ')}).`,
    '',
    ...stackWarmUpLines(report),
    ...(env ? [`Machine: ${env.cpus} × ${env.cpuModel}, ${env.provider} stack, ${env.brokers} broker(s), Kafka ${env.kafkaVersion ?? '?'}, commit ${env.gitCommit ?? '?'}${env.gitDirty ? ' (dirty)' : ''}. Every service and the load generator share this machine.`, ''] : []),
    ...report.searches.flatMap((s) => searchSection(s, report)),
  ];
  if (report.scaling.length > 1) {
    lines.push('## Scaling across instance counts', '', markdownTable(['instances', 'found rate', 'per instance', 'efficiency'], report.scaling.map((r) => [String(r.instances), formatRate(r.rate), formatRate(r.perInstanceRate), r.efficiency === null ? '—' : r.efficiency.toFixed(2)])), '', 'efficiency(n) = rate(n) / ((n / n0) × rate(n0)), n0 the smallest count searched; 1.00 is linear.', '');
  }
  if (report.fewestInstances) lines.push(`Fewest instances that sustain ${formatRate(report.fewestInstances.load)}: ${report.fewestInstances.instances ?? 'none of the counts searched'}.`, '');
  if (report.require) lines.push(`--require ${formatRate(report.require.rate)}: ${report.require.met ? 'met' : '**NOT met**'}.`, '');
  if (report.replay) {
    const r = report.replay;
    lines.push(
      '## Replay of the found rate',
      '',
      `The scenario as a plain ${formatDuration(r.durationMs)} run with its own gates, ${r.instances} instance(s): **${r.summary}**.`,
      '',
      markdownTable(
        ['run', 'rate', 'outcome', 'on-time', 'failed gates', 'run directory'],
        r.runs.map((x) => [x.label === 'found' ? 'found rate' : '1.3 × found', formatRate(x.rate), x.pass ? 'pass' : x.state === 'completed' ? 'FAIL' : x.state, formatPct(x.onTimeShare, 2), x.failedGates.join('; ') || '—', `\`${x.resultDir}\``]),
      ),
      '',
    );
  }
  lines.push('## Sizing projection', '');
  if (report.sizing) {
    const z = report.sizing;
    const rows: string[][] = [
      ['planned rate', formatRate(z.plannedRate)],
      ['raw-events partitions', String(z.partitions)],
      ['processor instances', String(z.processorInstances)],
      ['brokers', String(z.brokers)],
      ['cores (brokers + processors)', z.cores === null ? '—' : String(z.cores)],
      ['Flink', `${z.flink.taskManagers} task manager(s) × ${z.flink.slotsPerTaskManager} slots (${z.flink.slots} slots used)`],
    ];
    if (z.firehose) {
      const fh = z.firehose;
      rows.push(
        ['Firehose input', `${fh.resultsPerS.toFixed(1)} results/s, ${(fh.bytesPerS / 1024).toFixed(1)} KiB/s`],
        ['Firehose flush', `every ${fh.flushEveryS.toFixed(0)} s (${fh.trigger} trigger)`],
        ['S3 objects per hour', fh.objectsPerHour.toFixed(1)],
        ['object size', `${(fh.objectRawBytes / 1024 / 1024).toFixed(2)} MiB raw${fh.objectGzipBytes !== null ? `, ${(fh.objectGzipBytes / 1024 / 1024).toFixed(2)} MiB gzip` : ''}`],
        ['added delivery latency', `mean ${fh.addedLatencyMeanS.toFixed(0)} s, max ${fh.addedLatencyMaxS.toFixed(0)} s`],
        ['S3 PUTs per month', Math.round(fh.putsPerMonth).toLocaleString('en-US')],
      );
    }
    lines.push(markdownTable(['for the target peak', 'projection'], rows), '', 'Assumptions:', '', ...z.assumptions.map((a) => `- ${a}`), '');
  } else {
    lines.push(`_None: ${report.sizingSkipped}._`, '');
  }
  return `${lines.join('\n')}\n`;
}
