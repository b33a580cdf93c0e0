// Equal-width histograms of per-image scores on a shared range, so the distributions of the
// methods can be read against each other.

export interface Histogram {
  /** Bin edges, bins + 1 of them, from low to high. */
  edges: number[];
  counts: number[];
  /** Finite values counted. */
  total: number;
}

/** The range of the finite values of every series (a unit range around a single value). */
export function sharedRange(series: readonly ArrayLike<number>[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.length; i++) {
      const v = s[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (lo > hi) return [0, 1];
  if (lo === hi) return [lo - 0.5, hi + 0.5];
  return [lo, hi];
}

/**
 * Counts of finite values in `bins` equal bins over [low, high]; each bin holds [edge, next edge)
 * except the last, which also holds `high`. Values outside the range are not counted.
 */
export function histogram(values: ArrayLike<number>, low: number, high: number, bins: number): Histogram {
  const width = (high - low) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? high : low + i * width));
  const counts = new Array<number>(bins).fill(0);
  let total = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v) || v < low || v > high) continue;
    counts[Math.min(bins - 1, Math.floor((v - low) / width))]!++;
    total++;
  }
  return { edges, counts, total };
}

/** Sturges' rule, bounded to a readable number of bars. */
export function binCount(n: number): number {
  return Math.max(5, Math.min(40, Math.ceil(Math.log2(Math.max(1, n)) + 1)));
}
