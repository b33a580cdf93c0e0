// The statistics of the Evaluate view's table and ranking, against published tables, textbook
// examples and hand computations.
import { describe, expect, it } from 'vitest';
import { bootstrapMean, quantileSorted } from '../../main/evaluate/statistics/bootstrap.js';
import { holmAdjust } from '../../main/evaluate/statistics/holm.js';
import { normalUpperTail } from '../../main/evaluate/statistics/normal.js';
import { averageRanks, finiteAverageRanks } from '../../main/evaluate/statistics/ranks.js';
import { spearman, spearmanComplete } from '../../main/evaluate/statistics/spearman.js';
import { ssim } from '../../main/evaluate/statistics/ssim.js';
import { signedRankCounts, wilcoxonSignedRank } from '../../main/evaluate/statistics/wilcoxon.js';
import { Random } from '../../main/numeric/random.js';

/** Differences 1…n with the given magnitudes negated, against zeros. */
function signed(n: number, negative: number[]): { x: number[]; y: number[] } {
  const x = Array.from({ length: n }, (_, i) => (negative.includes(i + 1) ? -(i + 1) : i + 1));
  return { x, y: new Array(n).fill(0) };
}

describe('bootstrap confidence interval of the mean', () => {
  const sample = Array.from({ length: 50 }, (_, i) => Math.sin(i) * 3 + i / 10);

  it('is the same for the same seed and differs for another', () => {
    const a = bootstrapMean(sample, new Random(42));
    expect(bootstrapMean(sample, new Random(42))).toEqual(a);
    expect(bootstrapMean(sample, new Random(43)).low).not.toBe(a.low);
  });

  it('contains the sample mean and reports n', () => {
    const { mean, low, high, n } = bootstrapMean(sample, new Random(1));
    expect(mean).toBeCloseTo(sample.reduce((s, v) => s + v, 0) / 50, 12);
    expect(low).toBeLessThan(mean);
    expect(high).toBeGreaterThan(mean);
    expect(n).toBe(50);
  });

  it('leaves out NaN scores and counts only the rest', () => {
    const r = bootstrapMean([1, NaN, 3, NaN, 5], new Random(1), { resamples: 500 });
    expect(r.n).toBe(3);
    expect(r.mean).toBe(3);
    expect(bootstrapMean([NaN], new Random(1))).toEqual({ mean: NaN, low: NaN, high: NaN, n: 0 });
  });

  it('collapses to the value for a constant sample', () => {
    const r = bootstrapMean([0.4, 0.4, 0.4], new Random(3));
    for (const v of [r.mean, r.low, r.high]) expect(v).toBeCloseTo(0.4, 15);
    expect(r.n).toBe(3);
  });

  it('is about ±1.96 s/√n wide for a large normal sample', () => {
    const rng = new Random(9);
    const x = Array.from({ length: 400 }, () => rng.normal());
    const mean = x.reduce((s, v) => s + v, 0) / x.length;
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - mean) ** 2, 0) / (x.length - 1));
    const { low, high } = bootstrapMean(x, new Random(10));
    expect((high - low) / 2 / ((1.96 * sd) / 20)).toBeGreaterThan(0.9);
    expect((high - low) / 2 / ((1.96 * sd) / 20)).toBeLessThan(1.1);
  });

  it('interpolates quantiles linearly between order statistics', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.025)).toBeCloseTo(1.075, 12);
    expect(quantileSorted([1, 2, 3, 4], 1)).toBe(4);
  });
});

describe('Wilcoxon signed-rank test', () => {
  it('counts the null distribution of W⁺: 2ⁿ subsets, 6 of {1…10} summing to 8', () => {
    const counts = signedRankCounts(10);
    expect(counts.reduce((s, v) => s + v, 0)).toBe(1024);
    expect(Array.from(counts.subarray(0, 10))).toEqual([1, 1, 1, 2, 2, 3, 4, 5, 6, 8]);
  });

  // Standard table (e.g. Siegel 1956, Table G): for n = 10 the two-sided critical T is 8 at α = 0.05 and 3 at α = 0.01.
  it('reproduces the n = 10 critical values of the published table', () => {
    const p = (negative: number[]) => wilcoxonSignedRank(signed(10, negative).x, signed(10, negative).y).p;
    expect(p([8])).toBeLessThanOrEqual(0.05);
    expect(p([9])).toBeGreaterThan(0.05);
    expect(p([3])).toBeLessThanOrEqual(0.01);
    expect(p([4])).toBeGreaterThan(0.01);
    // Exact: P(T ≤ 8) = 25/1024, two-sided 50/1024.
    expect(p([8])).toBeCloseTo(50 / 1024, 15);
    expect(p([1, 2])).toBeCloseTo(10 / 1024, 15);
  });

  it("gives Darwin's Zea mays differences (Fisher 1935) T = 24 and exact p = 0.04126", () => {
    const d = [6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75];
    const r = wilcoxonSignedRank(d, new Array(15).fill(0));
    expect(r).toMatchObject({ statistic: 120 - 24, n: 15, method: 'exact' });
    expect(r.p).toBeCloseTo(0.041259765625, 12); // = 2 · 676 / 2¹⁵
  });

  it('is symmetric in the order of the pair and 1 when no side dominates', () => {
    const { x, y } = signed(4, [1, 4]); // W⁺ = 5 = W⁻
    expect(wilcoxonSignedRank(x, y).p).toBe(1);
    const a = [3, 1, 4, 1, 5, 9, 2];
    const b = [2, 7, 1, 8, 2, 8, 1];
    expect(wilcoxonSignedRank(a, b).p).toBeCloseTo(wilcoxonSignedRank(b, a).p, 15);
  });

  it('drops zero differences and pairs with a NaN', () => {
    const { x, y } = signed(10, [8]);
    const withZeros = wilcoxonSignedRank([...x, 2, NaN, 5], [...y, 2, 1, NaN]);
    expect(withZeros).toEqual(wilcoxonSignedRank(x, y));
    expect(wilcoxonSignedRank([1, 2], [1, 2]).p).toBeNaN();
  });

  it('uses the continuity-corrected normal approximation beyond n = 25', () => {
    // n = 30, negatives ranked 3, 6, 10, 15, 21 (Σ 55): z = (|410 − 232.5| − ½) / √2363.75.
    const { x, y } = signed(30, [3, 6, 10, 15, 21]);
    const r = wilcoxonSignedRank(x, y);
    expect(r).toMatchObject({ statistic: 410, n: 30, method: 'normal' });
    expect(r.p).toBeCloseTo(2 * normalUpperTail(177 / Math.sqrt(2363.75)), 12);
    expect(r.p).toBeCloseTo(0.000272007593, 8); // scipy.stats.wilcoxon(method='approx')
  });

  it('corrects the variance for tied |d| and drops zeros before ranking', () => {
    // 15 non-zero differences; |d| ties: {1,1,1}, {2,2,2}, {3,3}, {5,5}, {7,7}: Σ(t³ − t) = 24 + 24 + 6 + 6 + 6 = 66.
    const d = [1, 1, 2, 2, 2, 3, -3, 4, 5, -5, 6, 7, 7, 8, -1, 0, 0];
    const r = wilcoxonSignedRank(d, new Array(d.length).fill(0));
    expect(r).toMatchObject({ statistic: 100, n: 15, method: 'normal' });
    const variance = (15 * 16 * 31) / 24 - 66 / 48;
    expect(r.p).toBeCloseTo(2 * normalUpperTail((40 - 0.5) / Math.sqrt(variance)), 12);
    expect(r.p).toBeCloseTo(0.0245480673932704, 6); // scipy.stats.wilcoxon(method='approx')
  });

  it('has a normal tail matching the table: P(Z > 1.96) = 0.025, P(Z > 0) = ½', () => {
    expect(normalUpperTail(1.959963984540054)).toBeCloseTo(0.025, 7);
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 7);
    expect(normalUpperTail(-1.6448536269514722)).toBeCloseTo(0.95, 7);
  });
});

describe('Holm–Bonferroni adjustment', () => {
  it('multiplies the i-th smallest p by m − i + 1 and keeps the adjusted values monotone', () => {
    // sorted 0.005·4 = 0.02, 0.01·3 = 0.03, 0.03·2 = 0.06, 0.04·1 = 0.04 → max(0.06, 0.04) = 0.06.
    const adjusted = Array.from(holmAdjust([0.01, 0.04, 0.03, 0.005]));
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 15));
  });

  it('caps at 1 and leaves NaN p-values out of m', () => {
    // m = 3: 0.02 · 3 = 0.06, 0.6 · 2 = 1.2 → 1, 0.7 · 1 → max(1, 0.7) = 1.
    const adjusted = Array.from(holmAdjust([0.6, NaN, 0.02, 0.7]));
    expect(adjusted[0]).toBe(1);
    expect(adjusted[1]).toBeNaN();
    expect(adjusted[2]).toBeCloseTo(0.06, 15);
    expect(adjusted[3]).toBe(1);
  });
});

describe('Spearman rank correlation', () => {
  it('uses average ranks for ties: ρ = 4.5 / √(4.5 · 5) for x = 1, 2, 2, 3 and y = 1, 3, 2, 4', () => {
    expect(Array.from(averageRanks([1, 2, 2, 3]).ranks)).toEqual([1, 2.5, 2.5, 4]);
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(4.5 / Math.sqrt(22.5), 12);
  });

  it('is ±1 for monotone relations and NaN when one side is constant', () => {
    expect(spearman([1, 2, 3, 4], [1, 8, 27, 64])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, -10])).toBeCloseTo(-1, 12);
    expect(spearman([1, 2, 3], [5, 5, 5])).toBeNaN();
  });

  it('ranks only the finite values, ties averaged, and leaves NaN unranked', () => {
    expect(Array.from(finiteAverageRanks([3, NaN, 1, 3, -Infinity, 2, 3]))).toEqual([4, NaN, 1, 4, NaN, 2, 4]);
    expect(Array.from(finiteAverageRanks([0.5, -0, 0, 7]))).toEqual([3, 1.5, 1.5, 4]);
    expect(Array.from(finiteAverageRanks([]))).toEqual([]);
  });

  it('gives the same ranks as the comparator sort on finite values', () => {
    const values = Array.from({ length: 200 }, (_, i) => Math.round(Math.sin(i * 7.3) * 20) / 4);
    expect(Array.from(finiteAverageRanks(values))).toEqual(Array.from(averageRanks(values).ranks));
  });

  it('correlates only the pairs where both values are finite and counts them', () => {
    // Pairs left: x = 1, 2, 3, 5 and y = 2, 1, 3, 5; Σd² = 2, so ρ = 1 − 6·2 / (4·15) = 0.8.
    expect(spearmanComplete([1, 2, 3, NaN, 5, 6], [2, 1, 3, 4, 5, NaN])).toEqual({ rho: expect.closeTo(0.8, 12), n: 4 });
    expect(spearmanComplete([1, NaN], [NaN, 2])).toEqual({ rho: NaN, n: 0 });
  });
});

describe('SSIM', () => {
  it('is 1 for identical maps, including constant ones', () => {
    const rng = new Random(5);
    const a = Float32Array.from({ length: 32 * 32 }, () => rng.normal());
    expect(ssim(a, a, 32, 32)).toBeCloseTo(1, 12);
    expect(ssim([2, 2, 2, 2], [2, 2, 2, 2], 2, 2)).toBe(1);
  });

  it('matches Wang et al. (2004) eq. 13 computed by hand in one uniform window', () => {
    // a = 0 1 0 1, b = 1 0 1 0, L = 1: μ = ½, σ² = ¼, σxy = −¼, C1 = 1e-4, C2 = 9e-4.
    const expected = ((0.5 + 1e-4) * (-0.5 + 9e-4)) / ((0.5 + 1e-4) * (0.5 + 9e-4));
    expect(ssim([0, 1, 0, 1], [1, 0, 1, 0], 2, 2, { weights: 'uniform' })).toBeCloseTo(expected, 12);
  });

  it('drops below 1 as noise is added, and more for more noise', () => {
    const rng = new Random(6);
    const a = Array.from({ length: 24 * 24 }, (_, i) => Math.sin(i / 7));
    const little = a.map((v) => v + 0.05 * rng.normal());
    const much = a.map((v) => v + 0.5 * rng.normal());
    const s1 = ssim(a, little, 24, 24, { dataRange: 2 });
    const s2 = ssim(a, much, 24, 24, { dataRange: 2 });
    expect(s1).toBeLessThan(1);
    expect(s2).toBeLessThan(s1);
  });
});
