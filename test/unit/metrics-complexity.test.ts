// Complexity metrics on maps whose Gini index and entropy are known in closed form.
import { describe, expect, it } from 'vitest';
import { attributionEntropy, complexity } from '../../main/evaluate/complexity/complexity.js';
import { gini, sparseness } from '../../main/evaluate/complexity/sparseness.js';
import type { MetricBatch } from '../../main/evaluate/metric.js';
import { Random } from '../../main/numeric/random.js';

const giniOf = (values: number[]) => gini(Float32Array.from(values), new Float32Array(values.length));
const entropyOf = (values: number[]) => attributionEntropy(Float32Array.from(values));

describe('sparseness (Gini index of |a|)', () => {
  it('is 1 − 1/n for a one-hot map', () => {
    for (const n of [2, 6, 1024]) {
      const map = new Array(n).fill(0);
      map[n >> 1] = 3;
      expect(giniOf(map)).toBeCloseTo(1 - 1 / n, 12);
    }
  });

  it('is 0 for a constant map, and for an all-zero map by the constant-map rule', () => {
    expect(giniOf([2.5, 2.5, 2.5, 2.5])).toBe(0);
    expect(giniOf([0, 0, 0])).toBe(0);
  });

  it('is Σ(2k − n − 1)|a|₍ₖ₎ / (nΣ|a|) on a hand case, whatever the signs', () => {
    // sorted |a| = 0, 0, 1, 3 with weights −3, −1, 1, 3: (1 + 9) / (4 · 4) = 0.625.
    expect(giniOf([0, 3, 1, 0])).toBeCloseTo(0.625, 12);
    expect(giniOf([0, -3, 1, -0])).toBeCloseTo(0.625, 12);
  });

  it('does not depend on the scale of the map', () => {
    expect(giniOf([1, 2, 3, 10])).toBeCloseTo(giniOf([10, 20, 30, 100]), 6);
  });
});

describe('complexity (entropy of |a| / Σ|a|)', () => {
  it('is ln n for a uniform map, and for an all-zero map by the constant-map rule', () => {
    expect(entropyOf(new Array(1024).fill(-0.3))).toBeCloseTo(Math.log(1024), 10);
    expect(entropyOf([0, 0, 0, 0, 0])).toBeCloseTo(Math.log(5), 12);
  });

  it('is 0 for a one-hot map', () => {
    expect(entropyOf([0, 0, -4, 0])).toBe(0);
  });

  it('is 1.5 ln 2 for contributions ¼, ¼, ½', () => {
    expect(entropyOf([1, -1, 2])).toBeCloseTo(1.5 * Math.LN2, 12);
  });
});

describe('as metrics', () => {
  it('declare sparser as better for sparseness and simpler as better for complexity', () => {
    expect(sparseness.higherIsBetter).toBe(true);
    expect(complexity.higherIsBetter).toBe(false);
    expect(sparseness.needs.mask).toBeUndefined();
  });

  it('score each heatmap of a batch in order', async () => {
    const batch: MetricBatch = {
      n: 2,
      height: 2,
      width: 2,
      heatmaps: Float32Array.from([0, 0, 5, 0, 1, 1, 1, 1]),
      targets: new Int32Array(2),
    };
    const rng = new Random(0);
    expect(Array.from((await sparseness.score(batch, {}, rng)).scores)).toEqual([0.75, 0]);
    const h = (await complexity.score(batch, {}, rng)).scores;
    expect(h[0]).toBe(0);
    expect(h[1]).toBeCloseTo(Math.log(4), 12);
  });
});
