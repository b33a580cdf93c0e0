// Faithfulness metrics on a model whose output is a known linear function, f₀(x) = Σ w·x and
// f₁(x) = 0, so every perturbation curve has a closed form: removing pixels to 0 lowers f₀ by
// exactly their w·x. Also the expectations of random orderings and uniform noise, MoRF ≥ LeRF for
// the model's own Gradient × Input, region ranking, and the trapezoid areas of pixel flipping,
// deletion and insertion.
import { describe, expect, it } from 'vitest';
import type { Forward } from '../../main/explain/forward.js';
import { deletion, insertion } from '../../main/evaluate/faithfulness/deletion-insertion.js';
import { faithfulnessCorrelation } from '../../main/evaluate/faithfulness/faithfulness-correlation.js';
import { pixelFlipping } from '../../main/evaluate/faithfulness/pixel-flipping.js';
import { abpc, perturbationCurve, regionPerturbationLerf, regionPerturbationMorf, regionPerturbationParams } from '../../main/evaluate/faithfulness/region-perturbation.js';
import { callRows } from '../../main/evaluate/faithfulness/curves.js';
import { pixelGroups } from '../../main/evaluate/faithfulness/pixel-order.js';
import { rankedRegions } from '../../main/evaluate/faithfulness/regions.js';
import { argsortDescending } from '../../main/evaluate/radix-sort.js';
import { faithfulnessMetrics } from '../../main/evaluate/registry.js';
import { Random } from '../../main/numeric/random.js';
import { batchOf, H, linearModel, PLANE, run, W } from '../fixtures/linear-model.js';

const rng = new Random(5);
const w = Float32Array.from({ length: PLANE }, () => rng.uniform(-1, 1));
const x = Float32Array.from({ length: PLANE }, () => rng.uniform(0, 1));
const contribution = Float32Array.from(w, (v, p) => v * x[p]!);

describe('region perturbation on a linear model', () => {
  it('gives the exact curve f(x⁰) − f(xᵏ) = the removed tiles’ w·x, and AOPC its mean (Samek et al. 2017, eq. 12)', async () => {
    const heatmap = contribution.slice();
    const result = await run(regionPerturbationMorf, batchOf(w, x, heatmap), { regionSize: 4, steps: 4, perturbation: 'black' });
    // Four 4×4 tiles, ranked by mean relevance.
    const tiles = rankedRegions(heatmap, H, W, 4, 'grid', 4);
    const expected = [0];
    for (const t of tiles) expected.push(expected.at(-1)! + Array.from(t).reduce((s, p) => s + contribution[p]!, 0));
    expect(Array.from(result.curves!.y)).toEqual(expected.map((v) => expect.closeTo(v, 5)));
    expect(result.scores[0]).toBeCloseTo(expected.reduce((a, b) => a + b, 0) / 5, 5);
    expect(Array.from(result.curves!.x)).toEqual([0, 1, 2, 3, 4]);
  });

  it('ranks a map by magnitude when its method says its sign is no evidence, by value otherwise, or as the parameter says', async () => {
    const heatmap = contribution.map((v) => -v);
    const params = { regionSize: 2, steps: 8, perturbation: 'black' };
    const score = async (relevance: 'signed' | 'absolute' | undefined, map: Float32Array, mode = 'method') =>
      (await run(regionPerturbationMorf, { ...batchOf(w, x, map), relevance }, { ...params, relevance: mode })).scores[0]!;
    const byMagnitude = await score(undefined, heatmap.map(Math.abs));
    expect(await score('absolute', heatmap)).toBe(byMagnitude);
    expect(await score(undefined, heatmap, 'absolute')).toBe(byMagnitude);
    // Signed: the most negative contributions go last, so the curve is −contribution's own.
    expect(await score('signed', heatmap)).toBe(await score(undefined, heatmap, 'signed'));
    expect(await score('signed', heatmap)).not.toBe(byMagnitude);
  });

  it('scores the model’s own Gradient × Input higher under MoRF than under LeRF, and ABPC as the gap between them', async () => {
    const batch = batchOf(w, x, contribution.slice());
    const params = { regionSize: 2, perturbation: 'black' };
    const morf = (await run(regionPerturbationMorf, batch, params)).scores[0]!;
    const lerf = (await run(regionPerturbationLerf, batch, params)).scores[0]!;
    expect(morf).toBeGreaterThan(lerf);
    expect((await run(abpc, batch, params)).scores[0]).toBeCloseTo(morf - lerf, 5);
  });

  it('gives a random map half the total contribution as AOPC on average, as a random order of tiles should', async () => {
    const n = 400;
    const images = new Float32Array(n * PLANE);
    for (let i = 0; i < n; i++) images.set(x, i * PLANE);
    const random = new Random(9).fill(new Float32Array(n * PLANE)) as Float32Array;
    const result = await run(regionPerturbationMorf, batchOf(w, images, random), { regionSize: 4, steps: 4, perturbation: 'black' });
    const total = contribution.reduce((a, b) => a + b, 0);
    // E[f0 − fk] = (k/T)·Σ w·x for T equal tiles, so E[AOPC] = (1/(T+1)) Σ_k (k/T)·Σ w·x = Σ w·x / 2.
    const mean = result.scores.reduce((a, b) => a + b, 0) / n;
    expect(Math.abs(mean - total / 2)).toBeLessThan(0.05 * Math.abs(total) + 0.02);
  });

  it('replaces removed pixels with uniform noise over the input range, whose expected effect is w·(x − ½)', async () => {
    const heatmap = contribution.slice();
    const p = regionPerturbationParams.parse({ regionSize: 8, steps: 1 });
    let sum = 0;
    const repeats = 2000;
    for (let r = 0; r < repeats; r++) sum += (await perturbationCurve(batchOf(w, x, heatmap), p, 'morf', new Random(r))).y[1]!;
    const expected = Array.from(w).reduce((s, v, q) => s + v * (x[q]! - 0.5), 0);
    // Each pixel's noise has variance 1/12: the mean of the repeats is within 4 standard errors.
    const standardError = Math.sqrt(Array.from(w).reduce((s, v) => s + (v * v) / 12, 0) / repeats);
    expect(Math.abs(sum / repeats - expected)).toBeLessThan(4 * standardError);
  });

  it('ranks greedy patches by summed relevance without overlap, and grid tiles by mean relevance', () => {
    const heatmap = new Float32Array(PLANE);
    heatmap[9] = 5; // (1, 1)
    heatmap[10] = 4; // (1, 2): overlaps every 2×2 patch that holds (1, 1) or touches it
    heatmap[63] = 1;
    const greedy = rankedRegions(heatmap, H, W, 2, 'greedy', 3);
    // The best patches hold both (1, 1) and (1, 2); of those tied, the one whose corner comes first.
    expect(Array.from(greedy[0]!)).toEqual([1, 2, 9, 10]);
    expect(greedy.some((r) => r.includes(63))).toBe(true);
    const seen = new Set<number>();
    for (const r of greedy) for (const q of r) expect(seen.has(q)).toBe(false), seen.add(q);
    const grid = rankedRegions(heatmap, H, W, 4, 'grid', 4);
    expect(Array.from(grid[0]!)).toContain(9);
    expect(Array.from(grid[1]!)).toContain(63);
  });
});

describe('pixel flipping, deletion and insertion on a linear model', () => {
  it('flips pixels in relevance order and scores the trapezoid area under f(xᵏ) over the fraction flipped', async () => {
    const result = await run(pixelFlipping, batchOf(w, x, contribution.slice()), { pixelsPerStep: 16, output: 'logit' });
    const order = Array.from(contribution.keys()).sort((a, b) => contribution[b]! - contribution[a]!);
    const curve = [0, 16, 32, 48, 64].map((k) => order.slice(k).reduce((s, q) => s + contribution[q]!, 0));
    expect(Array.from(result.curves!.y)).toEqual(curve.map((v) => expect.closeTo(v, 5)));
    const area = (curve.reduce((a, b) => a + b, 0) - curve[0]! / 2 - curve[4]! / 2) / 4;
    expect(result.scores[0]).toBeCloseTo(area, 5);
  });

  it('deletes to zero and inserts into a blur, ending at the empty image and at the image itself', async () => {
    const batch = batchOf(w, x, contribution.slice());
    const deleted = await run(deletion, batch, { output: 'logit' });
    const total = contribution.reduce((a, b) => a + b, 0);
    expect(deleted.curves!.y[0]).toBeCloseTo(total, 5);
    expect(deleted.curves!.y.at(-1)).toBeCloseTo(0, 5);
    expect(deleted.curves!.y.length).toBe(9); // one 8-pixel row per step
    const inserted = await run(insertion, batch, { output: 'logit' });
    expect(inserted.curves!.y.at(-1)).toBeCloseTo(total, 5);
    const probabilities = await run(deletion, batch, {});
    expect(probabilities.curves!.y[0]).toBeCloseTo(1 / (1 + Math.exp(-total)), 5);
  });

  it('correlates subset relevance with the score drop perfectly for the exact contributions, and inversely for their negation (Bhatt et al. 2020)', async () => {
    const params = { subsets: 50, subsetSize: 16 };
    expect((await run(faithfulnessCorrelation, batchOf(w, x, contribution.slice()), params)).scores[0]).toBeCloseTo(1, 5);
    expect((await run(faithfulnessCorrelation, batchOf(w, x, contribution.map((v) => -v)), params)).scores[0]).toBeCloseTo(-1, 5);
    const random = new Random(3).fill(new Float32Array(PLANE)) as Float32Array;
    expect(Math.abs((await run(faithfulnessCorrelation, batchOf(w, x, random), { subsets: 400, subsetSize: 16 })).scores[0]!)).toBeLessThan(0.3);
  });

  it('lists every faithfulness metric with its direction and a citation', () => {
    expect(faithfulnessMetrics.map((m) => [m.id, m.higherIsBetter])).toEqual([
      ['region-perturbation', true],
      ['region-perturbation-lerf', false],
      ['abpc', true],
      ['pixel-flipping', false],
      ['deletion', false],
      ['insertion', true],
      ['faithfulness-correlation', true],
    ]);
    for (const m of faithfulnessMetrics) expect(m.citation.length).toBeGreaterThan(5);
  });
});

describe('pixel order', () => {
  it('ranks pixels as a comparator sort does: largest first, equal values (−0 and +0 too) in row-major order', () => {
    const rng = new Random(11);
    for (const n of [1, 7, 1024, 5000]) {
      const values = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : i % 7 === 0 ? -0 : i % 13 === 0 ? 0.25 : i % 17 === 0 ? -Infinity : rng.normal() * 10 ** rng.int(6)));
      const expected = Array.from(values.keys()).sort((a, b) => values[b]! - values[a]! || a - b);
      const order = new Int32Array(n);
      argsortDescending(values, order);
      expect(Array.from(order)).toEqual(expected);
      expect(pixelGroups(values, 16).flatMap((g) => Array.from(g))).toEqual(expected);
    }
  });
});

describe('model calls of the perturbation metrics', () => {
  it('come in a few fixed sizes whatever the number of heatmaps, so ONNX Runtime sees few input shapes', async () => {
    const sizes = new Set<number>();
    const model = linearModel(w);
    const counting: Forward = (images, n) => (sizes.add(n), model(images, n));
    for (const n of [1, 3, 7, 20]) {
      const images = new Float32Array(n * PLANE);
      for (let i = 0; i < n; i++) images.set(x, i * PLANE);
      const batch = { ...batchOf(w, images, new Random(n).fill(new Float32Array(n * PLANE)) as Float32Array), forward: counting };
      await run(pixelFlipping, batch, { pixelsPerStep: 4 });
      await run(faithfulnessCorrelation, batch, { subsets: 30, subsetSize: 8 });
    }
    expect([...sizes].every((s) => [32, 64, 128].includes(s))).toBe(true);
    expect(callRows(256, 256)).toBe(256);
    expect(callRows(33, 256)).toBe(64);
    expect(callRows(200, 256)).toBe(256);
  });
});
