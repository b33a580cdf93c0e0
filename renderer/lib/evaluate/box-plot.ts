// Tukey box plots of per-image scores (Tukey 1977; McGill, Tukey & Larsen 1978): median and
// quartiles, whiskers to the most extreme scores within 1.5 IQR of the box, the rest as outliers.
// Quartiles are Hyndman & Fan type 7 (linear interpolation, R's and numpy's default), the
// definition the bootstrap's confidence intervals use (main/evaluate/statistics/bootstrap.ts).

export interface BoxStats {
  /** Finite scores summarised. */
  n: number;
  q1: number;
  median: number;
  q3: number;
  /** Whisker ends: the lowest and highest scores inside [q1 − 1.5·IQR, q3 + 1.5·IQR]. */
  low: number;
  high: number;
  /** Scores outside the fences, ascending. */
  outliers: number[];
}

/** Quantile q ∈ [0, 1] of ascending `sorted` (Hyndman & Fan type 7). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The box of the finite values; null when there are none. */
export function boxStats(values: ArrayLike<number>): BoxStats | null {
  const sorted: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) sorted.push(values[i]!);
  if (sorted.length === 0) return null;
  sorted.sort((a, b) => a - b);
  const q1 = quantileSorted(sorted, 0.25);
  const median = quantileSorted(sorted, 0.5);
  const q3 = quantileSorted(sorted, 0.75);
  const reach = 1.5 * (q3 - q1);
  const inside = sorted.filter((v) => v >= q1 - reach && v <= q3 + reach);
  return {
    n: sorted.length,
    q1,
    median,
    q3,
    // The box's quartiles always lie inside the fences, so at least the values between them are in.
    low: inside[0] ?? q1,
    high: inside.at(-1) ?? q3,
    outliers: sorted.filter((v) => v < q1 - reach || v > q3 + reach),
  };
}
