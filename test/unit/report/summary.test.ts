import { describe, expect, it } from 'vitest';
import type { CompletedResult } from '../../../src/report/result-schema.js';
import { renderSummaryMarkdown } from '../../../src/report/summary.js';
import { completedResultFixture, failedResultFixture, incompleteResultFixture } from '../../fixtures/report/result-fixture.js';

describe('renderSummaryMarkdown', () => {
  it('puts the INCOMPLETE banner first, loudly', () => {
    const lines = renderSummaryMarkdown(incompleteResultFixture()).split('\n');
    expect(lines.slice(0, 7)).toEqual([
      '# streamproof fixture-scenario: INCOMPLETE',
      '',
      '> [!WARNING]',
      '> **INCOMPLETE — partial run, NOT a pass**',
      '>',
      '> **This run is INCOMPLETE: nothing below is a pass. Numbers cover only what was measured before it stopped.**',
      '> - interrupted by SIGINT after 42 s',
    ]);
  });

  it('puts the FAILED banner first, with the errors', () => {
    const markdown = renderSummaryMarkdown(failedResultFixture());
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('# streamproof fixture-scenario: FAILED');
    expect(lines[3]).toBe('> **FAILED — the harness or stack broke; nothing was proven**');
    expect(lines).toContain('> - SP_SERVICE_UNHEALTHY: Kafka broker 1 did not become healthy');
    expect(markdown).toContain('_No verdict: the verifier did not run to the end._');
    expect(markdown).toContain('- `SP_SERVICE_UNHEALTHY`: Kafka broker 1 did not become healthy (hint: see the broker log under ~/.cache/streamproof/state)');
  });

  it('a completed, passing run says PASS and shows rates, stages, invariants, gates, delivery and environment', () => {
    const markdown = renderSummaryMarkdown(completedResultFixture());
    const lines = markdown.split('\n');
    expect(lines[0]).toBe('# streamproof fixture-scenario: PASS');
    expect(lines[3]).toBe('> **PASS — 3 invariant(s) hold, 2 gate(s) passed**');
    expect(lines).toContain('| 1,000 events/s | 992.5 events/s | 99.3% | — |');
    // p95 is read from the histogram: the fixture's is a placeholder, so —.
    expect(lines).toContain('| l3_window | 60,000 | 340 ms | 595 ms | — | 850 ms | 1.27 s | 1.7 s | 382.5 ms |');
    expect(lines).toContain('| I1 ingest exactly once | pass | 0 | acked=119,990, found=119,990, missing=0, duplicated=0 |');
    expect(lines).toContain('| `p99(l3) < 2s` | pass | 850 ms | 2 s | pass p99(l3_window) = 850 ms < 2 s |');
    expect(lines).toContain('| objects | 4,803 | 2 |');
    expect(lines).toContain('| git commit | 0123456789abcdef0123456789abcdef01234567 |');
    // Section order: the banner, then rates before latency before invariants before gates.
    const order = ['## Rates', '## Latency per stage', '## Invariants', '## Gates', '## Counters', '## Delivery: observed vs modelled', '## Environment'].map((h) => lines.indexOf(h));
    expect(order.every((index, i) => index > 3 && (i === 0 || index > order[i - 1]!))).toBe(true);
  });

  it('a failed invariant makes it FAIL, with counts and examples', () => {
    const base = completedResultFixture();
    const result: CompletedResult = {
      ...base,
      verdict: {
        pass: false,
        invariants: base.verdict.invariants.map((inv) => (inv.id === 'I2' ? { ...inv, pass: false, violations: 2, examples: ['gen-1:17', 'gen-1:18'] } : inv)),
      },
    };
    const lines = renderSummaryMarkdown(result).split('\n');
    expect(lines[0]).toBe('# streamproof fixture-scenario: FAIL');
    expect(lines[2]).toBe('> [!CAUTION]');
    expect(lines).toContain('> - I2 processing exactly once: 2 violation(s)');
    expect(lines).toContain('- I2 examples: `gen-1:17`, `gen-1:18`');
  });

  it('escapes pipes so a message cannot break a table row', () => {
    const base = completedResultFixture();
    const result: CompletedResult = { ...base, gates: [{ ...base.gates[0]!, message: 'a | b' }] };
    expect(renderSummaryMarkdown(result)).toContain('| a \\| b |');
  });

  it('shows resources and noise after the latency table, with how to read it and a warning when load exceeds the cores', () => {
    const markdown = renderSummaryMarkdown(completedResultFixture());
    const lines = markdown.split('\n');
    const at = lines.indexOf('## Resources and noise');
    expect(at).toBeGreaterThan(lines.indexOf('## Latency per stage'));
    expect(at).toBeLessThan(lines.indexOf('## Invariants'));
    expect(lines).toContain('| role | CPU s | CPU % of one core | peak RSS | PIDs |');
    expect(lines).toContain('| harness | 54.3 | 45.2% | 310 MiB | 1 |');
    expect(lines).toContain('| brokers | 72 | 60% | 2.1 GiB | 3 |');
    expect(lines).toContain('| load average (1 min): min / mean / max | 1.1 / 1.85 / 2.6 |');
    expect(lines).toContain('| CPU steal | 0.8% |');
    expect(markdown).toContain('A load average above the core count (2) means runnable tasks waited for a CPU, so the latencies above include that wait');
    expect(lines).toContain('**Noisy run: load reached 2.6 on 2 cores: latencies include waiting for CPU.**');
  });

  it('leaves out absent roles, warns of steal, and says when no resources were recorded', () => {
    const base = completedResultFixture();
    const resources = { ...base.resources!, roles: { harness: base.resources!.roles.harness! }, machine: { ...base.resources!.machine, loadAverage1m: { min: 0.2, mean: 0.5, max: 1.4 }, stealPct: 12.25 } };
    const markdown = renderSummaryMarkdown({ ...base, resources });
    expect(markdown).not.toContain('| brokers |');
    expect(markdown).toContain('**Noisy run: steal was 12.3%: other guests took CPU from this machine.**');
    const { resources: _r, ...old } = base;
    expect(renderSummaryMarkdown(old)).toContain('## Resources and noise\n\n_No resource figures recorded in this run._');
  });
});
