/** Summaries of repeated measurements: these machines are noisy, so every figure is a median with its spread. */

/** The median, the extremes and the number of samples. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** Summarises samples (at least one). */
export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) throw new Error("spread of no samples");
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
  return { median, min: s[0] as number, max: s[s.length - 1] as number, n: s.length };
}

/** The p-th percentile (nearest rank) of samples. */
export function percentile(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

/** A number as the tables print it: one decimal below 100, none above. */
export const fmt = (x: number): string => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toFixed(1));

/** `12.3 ms (10.1-15.0)`: the median and the range. */
export const fmtSpread = (s: Spread, unit = " ms"): string =>
  `${fmt(s.median)}${unit} (${fmt(s.min)}-${fmt(s.max)})`;

/** Milliseconds since `t0` (from `performance.now()`). */
export const since = (t0: number): number => performance.now() - t0;
