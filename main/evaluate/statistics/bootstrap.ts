// Mean with a percentile bootstrap confidence interval (Efron & Tibshirani 1993, "An introduction
// to the bootstrap", §13.3): resample the n finite scores with replacement B times and take the
// α/2 and 1 − α/2 quantiles (linear interpolation, Hyndman & Fan type 7) of the resampled means.
// NaN scores (metric undefined for that image) are left out and n says how many remain.
import type { Random } from '../../numeric/random.js';

export interface MeanInterval {
  mean: number;
  low: number;
  high: number;
  /** Finite scores used. */
  n: number;
}

export interface BootstrapOptions {
  /** Resamples B (default 2000). */
  resamples?: number;
  /** Coverage (default 0.95). */
  level?: number;
}

/** Quantile q ∈ [0, 1] of ascending `sorted` (Hyndman & Fan type 7). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export function bootstrapMean(scores: ArrayLike<number>, rng: Random, options: BootstrapOptions = {}): MeanInterval {
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new Error(`Confidence level ${level} must lie in (0, 1).`);
  if (!Number.isInteger(resamples) || resamples < 1) throw new Error(`Resamples ${resamples} must be a positive integer.`);
  const finite = Float64Array.from(Array.prototype.filter.call(scores, (v: number) => Number.isFinite(v)) as number[]);
  const n = finite.length;
  if (n === 0) return { mean: NaN, low: NaN, high: NaN, n };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += finite[i]!;
  const mean = sum / n;
  const means = new Float64Array(resamples);
  for (let b = 0; b < resamples; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += finite[rng.int(n)]!;
    means[b] = s / n;
  }
  means.sort();
  const alpha = 1 - level;
  return { mean, low: quantileSorted(means, alpha / 2), high: quantileSorted(means, 1 - alpha / 2), n };
}
