/**
 * Live progress of a run: on a TTY one line redrawn in place; otherwise (CI) a plain line every
 * few seconds. Reads a snapshot function; knows nothing of how the numbers are produced.
 */
/** Events per second from a growing counter, over the last few seconds of samples. */
export class RateMeter {
  readonly #samples: Array<{ atMs: number; count: number }> = [];

  perSecond(count: number, nowMs = Date.now()): number {
    this.#samples.push({ atMs: nowMs, count });
    // Keep at least two samples, so a slow caller (one line every 5 s) still gets a rate.
    while (this.#samples.length > 2 && nowMs - this.#samples[0]!.atMs > 3_000) this.#samples.shift();
    const first = this.#samples[0]!;
    const spanMs = nowMs - first.atMs;
    return spanMs > 0 ? ((count - first.count) * 1000) / spanMs : 0;
  }
}

export interface ProgressSnapshot {
  phase: string;
  elapsedMs: number;
  totalMs: number;
  targetEventsPerS: number;
  achievedEventsPerS: number;
  p99Ms: Partial<Record<'l2' | 'l3', number | null>>;
  consumerLagEvents: number | null;
  violationsSoFar: number;
}

function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '–';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${ms.toFixed(ms < 10 ? 1 : 0)}ms`;
}

export function formatProgress(s: ProgressSnapshot): string {
  const remainingS = Math.max(0, Math.round((s.totalMs - s.elapsedMs) / 1000));
  return [
    `[${s.phase}]`,
    `${Math.round(s.elapsedMs / 1000)}s/${Math.round(s.totalMs / 1000)}s (${remainingS}s left)`,
    `rate ${Math.round(s.achievedEventsPerS)}/${Math.round(s.targetEventsPerS)} ev/s`,
    `p99 L2 ${fmtMs(s.p99Ms.l2)} L3 ${fmtMs(s.p99Ms.l3)}`,
    `lag ${s.consumerLagEvents ?? '–'}`,
    `violations ${s.violationsSoFar}`,
  ].join('  ');
}

export class ProgressReporter {
  #timer: NodeJS.Timeout | null = null;
  readonly #tty: boolean;

  constructor(
    private readonly snapshot: () => ProgressSnapshot,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly plainEveryMs = 5_000,
  ) {
    this.#tty = Boolean(out.isTTY);
  }

  start(): void {
    this.#timer = setInterval(() => this.#draw(), this.#tty ? 500 : this.plainEveryMs);
  }

  #draw(): void {
    const line = formatProgress(this.snapshot());
    if (this.#tty) this.out.write(`\r\x1b[2K${line.slice(0, (this.out.columns ?? 160) - 1)}`);
    else this.out.write(`${line}\n`);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (this.#tty) this.out.write('\r\x1b[2K');
  }
}
