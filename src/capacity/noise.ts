import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The machine's noise, measured cheaply before the first probe, and the precision it allows.
 *
 * On a shared machine the CPU a process gets changes from moment to moment, and a capacity found
 * on it moves with it: a search cannot be more precise than that. Before the first probe (the
 * stack idle) we spin a fixed piece of arithmetic for `slices` slices of `sliceMs` each (10 ×
 * 500 ms, 5 s in all, with a short sleep between) and count how much of it each slice got done:
 * the work a slice gets is the CPU the scheduler gave us then. The noise is the spread of that
 * work, (p90 − p10) / (2 × median): how far the CPU available to a run swings around its
 * median. The finest precision accepted is max(MIN_PRECISION, noise); a --precision finer than
 * that is refused before any probe, naming the figure and what would work. (The machine's idle
 * share is no measure on a shared box: other tenants may keep it at 0 % while we still get our
 * share of the cores.)
 */
export const MIN_PRECISION = 0.02;
export const NOISE_SLICES = 10;
export const NOISE_SLICE_MS = 500;

export interface NoiseMeasurement {
  /** Work units done per slice. */
  workPerSlice: number[];
  /** (p90 − p10) / (2 × median); 0 with fewer than two slices. */
  noise: number;
  /** max(MIN_PRECISION, noise). */
  floor: number;
  method: string;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.round(q * (sorted.length - 1))))]!;
}

export function noiseFromWork(workPerSlice: readonly number[], sliceMs = NOISE_SLICE_MS): NoiseMeasurement {
  const method = `a fixed CPU-bound loop run in ${workPerSlice.length} slices of ${sliceMs} ms before the first probe; noise = (p90 − p10) / (2 × median) of the work each slice got done; the finest precision allowed is max(${MIN_PRECISION * 100} %, noise)`;
  if (workPerSlice.length < 2) return { workPerSlice: [...workPerSlice], noise: 0, floor: MIN_PRECISION, method };
  const sorted = [...workPerSlice].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  // No work at all in the median slice: the machine gives us nothing, so the noise is total.
  const noise = median > 0 ? (quantile(sorted, 0.9) - quantile(sorted, 0.1)) / (2 * median) : 1;
  return { workPerSlice: [...workPerSlice], noise, floor: Math.max(MIN_PRECISION, noise), method };
}

/** One slice: how many rounds of a small fixed computation fit in `sliceMs` of wall time. */
function spin(sliceMs: number): number {
  const end = performance.now() + sliceMs;
  let rounds = 0;
  let x = 1;
  while (performance.now() < end) {
    for (let i = 0; i < 1_000; i += 1) x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
    rounds += 1;
  }
  // Keep x alive so the loop is not optimised away.
  return x < 0 ? -1 : rounds;
}

export async function measureNoise(slices = NOISE_SLICES, sliceMs = NOISE_SLICE_MS, signal?: AbortSignal): Promise<NoiseMeasurement> {
  const work: number[] = [];
  for (let i = 0; i < slices && !signal?.aborted; i += 1) {
    work.push(spin(sliceMs));
    await sleep(20);
  }
  return noiseFromWork(work, sliceMs);
}
