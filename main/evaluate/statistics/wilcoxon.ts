// Paired Wilcoxon signed-rank test, two-sided (Wilcoxon 1945). Zero differences are dropped
// (Wilcoxon's own rule, scipy's default "wilcox"), as are pairs with a NaN. With n ≤ 25 non-zero
// differences and no tied |d| the p-value is exact (the null distribution of W⁺ by counting
// subsets of ranks); otherwise the normal approximation with the tie-corrected variance
// n(n+1)(2n+1)/24 − Σ(t³ − t)/48 and a continuity correction of ½.
import { normalUpperTail } from './normal.js';
import { averageRanks } from './ranks.js';

export interface WilcoxonResult {
  /** W⁺, the sum of the ranks of the positive differences x − y. */
  statistic: number;
  /** Non-zero differences used. */
  n: number;
  /** Two-sided p-value; NaN when no difference is non-zero. */
  p: number;
  method: 'exact' | 'normal';
}

/** Largest n for the exact distribution. */
export const EXACT_LIMIT = 25;

/** Number of subsets of {1, …, n} with each sum 0 … n(n+1)/2: the null counts of W⁺ (× 2ⁿ). */
export function signedRankCounts(n: number): Float64Array {
  const max = (n * (n + 1)) / 2;
  const counts = new Float64Array(max + 1);
  counts[0] = 1;
  for (let r = 1; r <= n; r++) for (let s = (r * (r + 1)) / 2; s >= r; s--) counts[s]! += counts[s - r]!;
  return counts;
}

export function wilcoxonSignedRank(x: ArrayLike<number>, y: ArrayLike<number>): WilcoxonResult {
  if (x.length !== y.length) throw new Error(`Paired samples differ in length (${x.length} vs ${y.length}).`);
  const d: number[] = [];
  for (let i = 0; i < x.length; i++) {
    const di = x[i]! - y[i]!;
    if (Number.isFinite(di) && di !== 0) d.push(di);
  }
  const n = d.length;
  if (n === 0) return { statistic: 0, n, p: NaN, method: 'exact' };
  const { ranks, tieTerm } = averageRanks(d.map(Math.abs));
  let statistic = 0;
  for (let i = 0; i < n; i++) if (d[i]! > 0) statistic += ranks[i]!;
  const total = (n * (n + 1)) / 2;
  if (n <= EXACT_LIMIT && tieTerm === 0) {
    const counts = signedRankCounts(n);
    const lower = Math.min(statistic, total - statistic);
    let tail = 0;
    for (let s = 0; s <= lower; s++) tail += counts[s]!;
    return { statistic, n, p: Math.min(1, (2 * tail) / 2 ** n), method: 'exact' };
  }
  const mean = total / 2;
  const variance = (n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48;
  const z = Math.max(0, Math.abs(statistic - mean) - 0.5) / Math.sqrt(variance);
  return { statistic, n, p: Math.min(1, 2 * normalUpperTail(z)), method: 'normal' };
}
