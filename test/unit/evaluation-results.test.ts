// The summary of an evaluation, pinned by hand-computed cases: ranking in the metric's direction
// with missing scores last, Holm-adjusted paired tests, mean curves with their normal bands, and the
// normal quantile against published table values.
import { describe, expect, it } from 'vitest';
import { chanceVerdicts, curveBands, pairedTests, rankColumns, summariseEvaluation } from '../../main/evaluate/run/results.js';
import { normalQuantile } from '../../main/evaluate/statistics/normal.js';

describe('evaluation results', () => {
  it('ranks columns by mean in the metric’s direction, columns without a score last', () => {
    expect(rankColumns([0.2, NaN, 0.9, 0.5], true)).toEqual([2, 3, 0, 1]);
    expect(rankColumns([0.2, NaN, 0.9, 0.5], false)).toEqual([0, 3, 2, 1]);
    expect(rankColumns([1, 1, 0], true)).toEqual([0, 1, 2]);
  });

  it('tests every pair once and Holm-adjusts their p-values together', () => {
    // a beats b on all 6 pairs by distinct amounts (exact two-sided p = 2/64), b and c tie everywhere (no p-value).
    const a = Float64Array.from([2, 4, 6, 8, 10, 12]);
    const b = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const c = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const tests = pairedTests([a, b, c]);
    expect(tests.map((t) => [t.a, t.b])).toEqual([[0, 1], [0, 2], [1, 2]]);
    expect(tests[0]!.p).toBeCloseTo(2 / 64, 12);
    expect(tests[0]!.meanDifference).toBe(3.5);
    expect(tests[2]!.p).toBeNaN();
    // Two p-values in the family: the smaller is doubled, the larger kept at least as large.
    expect(tests[0]!.pHolm).toBeCloseTo(4 / 64, 12);
    expect(tests[1]!.pHolm).toBeCloseTo(4 / 64, 12);
    expect(tests[2]!.pHolm).toBeNaN();
  });

  it('summarises each metric and column with its mean, n, median and spread, and marks the best', () => {
    // Columns × metrics × rows = 2 × 1 × 4.
    const scores = Float64Array.from([1, 2, 3, NaN, 4, 4, 4, 4]);
    const { table, rankings } = summariseEvaluation(scores, { columns: 2, metrics: [{ id: 'm', higherIsBetter: false }], rows: 4, baseline: null }, { seed: 1, resamples: 200, level: 0.95 });
    expect(table[0]![0]).toMatchObject({ mean: 2, n: 3, median: 2, std: 1 });
    expect(table[0]![1]).toMatchObject({ mean: 4, low: 4, high: 4, n: 4, std: 0 });
    expect(rankings[0]!.best).toBe(0);
    expect(rankings[0]!.order).toEqual([0, 1]);
  });

  it('draws mean curves and normal bands from the per-image curves', () => {
    // One column, two images, two points: (0, 2) and (2, 4).
    const { mean, low, high } = curveBands(Float32Array.from([0, 2, 2, 4]), 1, 2, 2, 0.95);
    expect(Array.from(mean)).toEqual([1, 3]);
    // s = √2, n = 2: half-width 1.959964 · √2 / √2.
    expect(high[0]! - mean[0]!).toBeCloseTo(1.959964, 5);
    expect(mean[1]! - low[1]!).toBeCloseTo(1.959964, 5);
  });

  it('computes normal quantiles to the table values', () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963985, 8);
    expect(normalQuantile(0.995)).toBeCloseTo(2.575829304, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 8);
  });
});

describe('comparison with chance', () => {
  // Eight images; the baseline scores 0 everywhere.
  const baseline = new Float64Array(8);
  const rising = Float64Array.from({ length: 8 }, (_, i) => i + 1); // every difference positive: W⁺ = 36, exact p = 2/2⁸
  const falling = rising.map((v) => -v); // every difference negative: W⁺ = 0, same p
  const mixed = Float64Array.from([1, -1, 2, -2, 3, -3, 4, -4]); // symmetric: W⁺ = half the rank sum
  const same = new Float64Array(8); // no non-zero difference

  it('calls a method better or worse than a random map only when the Holm-adjusted paired test says so, in the metric’s direction', () => {
    const verdicts = chanceVerdicts([rising, falling, mixed, same, baseline], 4, true);
    expect(verdicts.map((v) => v.column)).toEqual([0, 1, 2, 3]);
    expect(verdicts.map((v) => v.verdict)).toEqual(['better', 'worse', 'indistinguishable', 'undefined']);
    expect(verdicts[0]!.p).toBeCloseTo(2 / 256, 12);
    // Holm over the three defined comparisons: the two smallest p are multiplied by 3 and 2, then the running maximum.
    expect(verdicts[0]!.pHolm).toBeCloseTo(3 * (2 / 256), 12);
    expect(verdicts[1]!.pHolm).toBeCloseTo(3 * (2 / 256), 12);
    expect(verdicts[0]!.meanDifference).toBe(4.5);
    expect(verdicts[3]!.n).toBe(0);
    // Lower is better: the same differences swap the verdicts.
    expect(chanceVerdicts([rising, falling, baseline], 2, false).map((v) => v.verdict)).toEqual(['worse', 'better']);
  });

  it('keeps a method that beats chance on few images indistinguishable once corrected for the other comparisons', () => {
    // Six images: exact p = 2/64 alone, 0.09 after Holm over three methods.
    const six = (v: Float64Array) => v.subarray(0, 6);
    const verdicts = chanceVerdicts([six(rising), six(falling), six(mixed), six(baseline)], 3, true);
    expect(verdicts[0]!.p).toBeCloseTo(2 / 64, 12);
    expect(verdicts.map((v) => v.verdict)).toEqual(['indistinguishable', 'indistinguishable', 'indistinguishable']);
  });
});
