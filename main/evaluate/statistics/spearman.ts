// Spearman's rank correlation (Spearman 1904): Pearson's r of the average ranks, which is exact
// with ties (the 1 − 6Σd²/(n(n²−1)) shortcut is not). NaN when either side is constant.
import { pearson } from './pearson.js';
import { averageRanks, finiteAverageRanks } from './ranks.js';

export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length) throw new Error(`Samples differ in length (${x.length} vs ${y.length}).`);
  const n = x.length;
  const rx = averageRanks(x).ranks;
  const ry = averageRanks(y).ranks;
  const mean = (n + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const a = rx[i]! - mean;
    const b = ry[i]! - mean;
    sxy += a * b;
    sxx += a * a;
    syy += b * b;
  }
  return sxx === 0 || syy === 0 ? NaN : sxy / Math.sqrt(sxx * syy);
}

/**
 * Spearman's ρ over the pairs where both values are finite (pairwise-complete), with the number of
 * pairs used; ρ NaN when fewer than 2 pairs remain or a side is constant on them. Ranked in linear
 * time, so it stays fast on the 50,000 images of a large evaluation.
 */
export function spearmanComplete(x: ArrayLike<number>, y: ArrayLike<number>): { rho: number; n: number } {
  if (x.length !== y.length) throw new Error(`Samples differ in length (${x.length} vs ${y.length}).`);
  let n = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) n++;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0, j = 0; i < x.length; i++) if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) (a[j] = x[i]!), (b[j++] = y[i]!);
  if (n < 2) return { rho: NaN, n };
  return { rho: pearson(finiteAverageRanks(a), finiteAverageRanks(b)), n };
}
