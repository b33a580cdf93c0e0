// Spearman's rank correlation (Spearman 1904): Pearson's r of the average ranks, which is exact
// with ties (the 1 − 6Σd²/(n(n²−1)) shortcut is not). NaN when either side is constant.
import { averageRanks } from './ranks.js';

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
