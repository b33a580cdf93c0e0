// Krippendorff's α against the published worked example of Krippendorff (2011), a case computed by
// hand from the coincidence matrix, and the properties the coefficient is defined to have.
import { describe, expect, it } from 'vitest';
import { alphaFromCounts, krippendorffAlpha, type MeasurementLevel } from '../../main/evaluate/statistics/krippendorff.js';
import { Random } from '../../main/numeric/random.js';

const _ = NaN;
// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", §C: 4 observers × 12 units,
// 7 values missing (unit 12 has a single, unpairable value).
const published = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
];

describe("Krippendorff's alpha", () => {
  it('reproduces the published values of the 4-observer, 12-unit example with missing data', () => {
    // Krippendorff 2011: nominal .743, ordinal .815, interval .849; ratio .797 is irr::kripp.alpha's
    // documented output on the same data.
    expect(krippendorffAlpha(published, 'nominal')).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(published, 'ordinal')).toBeCloseTo(0.815, 3);
    expect(krippendorffAlpha(published, 'interval')).toBeCloseTo(0.849, 3);
    expect(krippendorffAlpha(published, 'ratio')).toBeCloseTo(0.797, 3);
  });

  it('matches a two-observer case computed by hand from its coincidence matrix', () => {
    // Units (1,1), (2,2), (3,2): o_11 = 2, o_22 = 2, o_23 = o_32 = 1; n = (2, 3, 1), n = 6.
    // α = 1 − (n − 1) · 2 o_23 δ²_23 / Σ_{c≠k} n_c n_k δ²_ck.
    const data = [
      [1, 2, 3],
      [1, 2, 2],
    ];
    expect(krippendorffAlpha(data, 'nominal')).toBeCloseTo(1 - (5 * 2) / 22, 12); // 6/11
    expect(krippendorffAlpha(data, 'interval')).toBeCloseTo(1 - (5 * 2) / 34, 12); // 12/17
    // Ordinal δ²: 1–2 (5/2)², 2–3 (4/2)², 1–3 (6 − 3/2)².
    expect(krippendorffAlpha(data, 'ordinal')).toBeCloseTo(1 - (5 * 8) / 180, 12); // 7/9
    // Ratio δ²: 1–2 (1/3)², 2–3 (1/5)², 1–3 (2/4)².
    expect(krippendorffAlpha(data, 'ratio')).toBeCloseTo(163 / 193, 12);
  });

  it('is 1 when every observer gives every unit the same value', () => {
    const data = [
      [1, 2, 3, 4],
      [1, 2, 3, _],
      [1, 2, 3, 4],
    ];
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as const) expect(krippendorffAlpha(data, level)).toBe(1);
  });

  it('is undefined when the pairable values do not vary or fewer than two are pairable', () => {
    expect(krippendorffAlpha([[2, 2, 2], [2, 2, 2]], 'interval')).toBeNaN();
    // Unit 2's lone 5 is not pairable, so only 2s are left to agree on.
    expect(krippendorffAlpha([[2, 5], [2, _]], 'nominal')).toBeNaN();
    expect(krippendorffAlpha([[1, _, 3], [_, 2, _]], 'ordinal')).toBeNaN();
    expect(krippendorffAlpha([], 'nominal')).toBeNaN();
  });

  it('falls below zero when observers disagree systematically', () => {
    expect(krippendorffAlpha([[1, 2], [2, 1]], 'nominal')).toBeLessThan(0);
  });

  it('gives the same α for the interval and ordinal levels on complete rankings without ties', () => {
    // Every observer uses each rank once, so all n_c are equal and the ordinal δ² is the interval
    // δ² times a constant, which cancels in D_o / D_e.
    const rng = new Random(3);
    const rankings = Array.from({ length: 9 }, () => {
      const ranks = [1, 2, 3, 4, 5];
      for (let i = ranks.length - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
      }
      return ranks;
    });
    expect(krippendorffAlpha(rankings, 'ordinal')).toBeCloseTo(krippendorffAlpha(rankings, 'interval'), 12);
  });

  it('takes the values-by-units counts directly and agrees with the tabulated form', () => {
    // Units of the published example as counts of values 1…5.
    const values = [1, 2, 3, 4, 5];
    const counts = new Float64Array(12 * 5);
    for (const row of published) row.forEach((value, u) => Number.isNaN(value) || counts[u * 5 + value - 1]!++);
    for (const level of ['nominal', 'ordinal', 'interval', 'ratio'] as MeasurementLevel[])
      expect(alphaFromCounts(values, counts, level)).toBeCloseTo(krippendorffAlpha(published, level), 12);
  });

  it('refuses negative values at the ratio level', () => {
    expect(() => krippendorffAlpha([[-1, 2], [1, 2]], 'ratio')).toThrow(/non-negative/);
  });
});
