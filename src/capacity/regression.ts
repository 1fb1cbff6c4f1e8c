/**
 * Ordinary least squares over (x, y) points: the slope of consumer lag over time is how a probe
 * tells a backlog that grows (the pipeline cannot keep up) from one that merely wobbles, as
 * Theodolite's lag-trend analysis does. Pure.
 */
export interface LinearFit {
  /** dy/dx. */
  slope: number;
  intercept: number;
  points: number;
}

/** The fit, or null with fewer than two points or no spread in x (a slope is undefined then). */
export function linearFit(points: ReadonlyArray<readonly [number, number]>): LinearFit | null {
  const n = points.length;
  if (n < 2) return null;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sxx += (x - mx) * (x - mx);
    sxy += (x - mx) * (y - my);
  }
  if (sxx === 0) return null;
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, points: n };
}
