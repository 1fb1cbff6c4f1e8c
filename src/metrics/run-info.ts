import type { GaugeHandle } from './handles.js';

/**
 * Phase and fault info metrics: value 1 while active, 0 afterwards. Dashboards draw them as
 * annotation regions (`== 1`), so a latency spike can be read against "fault: broker-1 down".
 * Invariant: at most one phase is at 1 at any time.
 */
export class RunInfo {
  private currentPhase: string | undefined;

  constructor(
    private readonly phaseInfo: GaugeHandle<'phase'>,
    private readonly faultInfo: GaugeHandle<'fault' | 'target'>,
  ) {}

  get phase(): string | undefined {
    return this.currentPhase;
  }

  /** Ends the current phase (if any) and starts `phase`. */
  setPhase(phase: string): void {
    if (this.currentPhase === phase) return;
    if (this.currentPhase !== undefined) this.phaseInfo.set({ phase: this.currentPhase }, 0);
    this.phaseInfo.set({ phase }, 1);
    this.currentPhase = phase;
  }

  endPhase(): void {
    if (this.currentPhase === undefined) return;
    this.phaseInfo.set({ phase: this.currentPhase }, 0);
    this.currentPhase = undefined;
  }

  faultStarted(fault: string, target: string): void {
    this.faultInfo.set({ fault, target }, 1);
  }

  faultEnded(fault: string, target: string): void {
    this.faultInfo.set({ fault, target }, 0);
  }
}
