// ROAD's noisy linear imputation (Rong et al. 2022) against hand-solved systems on tiny images and
// a dense Gaussian elimination of the same equations written out here from the paper's definition
// (each removed pixel = the weighted mean of its in-image neighbours, edges 1/6, corners 1/12); the
// noise's statistics; cumulative removal against removing the union at once; the all-removed
// fill; and region perturbation, pixel flipping, deletion and faithfulness correlation run with it.
import { describe, expect, it } from 'vitest';
import { scoreCurves } from '../../main/evaluate/faithfulness/curves.js';
import { deletion } from '../../main/evaluate/faithfulness/deletion-insertion.js';
import { faithfulnessCorrelation } from '../../main/evaluate/faithfulness/faithfulness-correlation.js';
import { perturber, sourceOf } from '../../main/evaluate/faithfulness/perturbation.js';
import type { PerturbationSource } from '../../main/evaluate/faithfulness/perturber.js';
import { pixelFlipping } from '../../main/evaluate/faithfulness/pixel-flipping.js';
import { regionPerturbationMorf } from '../../main/evaluate/faithfulness/region-perturbation.js';
import { rankedRegions } from '../../main/evaluate/faithfulness/regions.js';
import { NoisyLinearImputation } from '../../main/evaluate/faithfulness/road-imputation.js';
import { Random } from '../../main/numeric/random.js';
import { batchOf, H, PLANE, run, W } from '../fixtures/linear-model.js';

function sourceFrom(image: Float32Array, height: number, width: number, channels = 1, bounds = { low: Array<number>(channels).fill(0), high: Array<number>(channels).fill(1) }): PerturbationSource {
  return { image, channels, plane: height * width, height, width, bounds };
}

/** The image with `pixels` removed at once by a noiseless imputation. */
function imputed(source: PerturbationSource, pixels: number[], noise = 0): Float32Array {
  const out = source.image.slice();
  new NoisyLinearImputation(source, new Random(0), noise).remove(out, Int32Array.from(pixels));
  return out;
}

/**
 * The oracle: the paper's equations d_i x_i − Σ_{removed j} w_ij x_j = Σ_{kept k} w_ik v_k for one
 * channel, written as a dense matrix and solved by Gaussian elimination with partial pivoting.
 */
function denseImputation(plane: Float32Array, height: number, width: number, removed: Uint8Array): Float64Array {
  const weight = (dy: number, dx: number) => (dy === 0 || dx === 0 ? 1 / 6 : 1 / 12);
  const unknowns: number[] = [];
  const index = new Map<number, number>();
  for (let p = 0; p < height * width; p++) if (removed[p]) index.set(p, unknowns.push(p) - 1);
  const n = unknowns.length;
  const a = unknowns.map(() => new Float64Array(n + 1));
  unknowns.forEach((p, i) => {
    const [y, x] = [Math.floor(p / width), p % width];
    for (let dy = -1; dy <= 1; dy++)
      for (let dx = -1; dx <= 1; dx++) {
        const [yy, xx] = [y + dy, x + dx];
        if ((dy === 0 && dx === 0) || yy < 0 || yy >= height || xx < 0 || xx >= width) continue;
        const [q, row] = [yy * width + xx, a[i]!];
        row[i] = row[i]! + weight(dy, dx);
        if (index.has(q)) row[index.get(q)!] = row[index.get(q)!]! - weight(dy, dx);
        else row[n] = row[n]! + weight(dy, dx) * plane[q]!;
      }
  });
  for (let k = 0; k < n; k++) {
    let pivot = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(a[i]![k]!) > Math.abs(a[pivot]![k]!)) pivot = i;
    [a[k], a[pivot]] = [a[pivot]!, a[k]!];
    for (let i = k + 1; i < n; i++) {
      const [row, top] = [a[i]!, a[k]!];
      const f = row[k]! / top[k]!;
      if (f !== 0) for (let j = k; j <= n; j++) row[j] = row[j]! - f * top[j]!;
    }
  }
  const solution = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = a[i]![n]!;
    for (let j = i + 1; j < n; j++) s -= a[i]![j]! * solution[j]!;
    solution[i] = s / a[i]![i]!;
  }
  const out = Float64Array.from(plane);
  unknowns.forEach((p, i) => (out[p] = solution[i]!));
  return out;
}

function shuffled(n: number, rng: Random): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

describe('noisy linear imputation (ROAD) without noise', () => {
  it('fills the centre of a 3×3 image with the mean of its 8 neighbours weighted 1/6 (edges) and 1/12 (corners)', () => {
    const image = Float32Array.from([1, 2, 3, 4, 99, 6, 7, 8, 9]);
    const out = imputed(sourceFrom(image, 3, 3), [4]);
    // (2 + 4 + 6 + 8)/6 + (1 + 3 + 7 + 9)/12 = 20/6 + 20/12 = 5.
    expect(out[4]).toBeCloseTo(5, 5);
    for (const p of [0, 1, 2, 3, 5, 6, 7, 8]) expect(out[p]).toBe(image[p]);
  });

  it('renormalises a corner pixel over its 3 in-image neighbours: (2·right + 2·below + diagonal)/5', () => {
    const image = Float32Array.from([99, 2, 3, 4, 5, 6, 7, 8, 9]);
    // (2/6 + 4/6 + 5/12) / (1/6 + 1/6 + 1/12) = (2·2 + 2·4 + 5)/5 = 17/5.
    expect(imputed(sourceFrom(image, 3, 3), [0])[0]).toBeCloseTo(17 / 5, 5);
  });

  it('solves two adjacent removed pixels jointly, each the weighted mean including the other’s imputed value', () => {
    // 3×4: top row and the left middle pixel 1, the rest 0; (1, 1) and (1, 2) removed.
    const image = Float32Array.from([1, 1, 1, 1, 1, 9, 9, 0, 0, 0, 0, 0]);
    const out = imputed(sourceFrom(image, 3, 4), [5, 6]);
    // x₁ = x₂/6 + (1/12 + 1/6 + 1/12 + 1/6) = x₂/6 + 1/2 and x₂ = x₁/6 + (1/12 + 1/6 + 1/12) = x₁/6 + 1/3,
    // so x₁ = (36·½ + 6·⅓)/35 = 4/7 and x₂ = (36·⅓ + 6·½)/35 = 3/7.
    expect(out[5]).toBeCloseTo(4 / 7, 5);
    expect(out[6]).toBeCloseTo(3 / 7, 5);
  });

  it('imputes each channel on its own with the same weights', () => {
    const image = Float32Array.from([1, 2, 3, 4, 99, 6, 7, 8, 9, 0, 0, 0, 6, 99, 0, 0, 0, 0]);
    const out = imputed(sourceFrom(image, 3, 3, 2), [4]);
    expect(out[4]).toBeCloseTo(5, 5);
    // Second channel: only the left neighbour is non-zero: 6/6.
    expect(out[9 + 4]).toBeCloseTo(1, 5);
  });

  it('matches a dense solve of the same equations within 10⁻⁴ of the input range, down to a single kept pixel', () => {
    const rng = new Random(7);
    for (const [height, width] of [
      [16, 16],
      [32, 32],
    ] as const) {
      const plane = height * width;
      for (const kept of [1, 3, 20, plane / 2, plane - 5]) {
        // A range of 4 (−1 … 3) checks that the tolerance scales with it.
        const image = rng.fill(new Float32Array(plane), -1, 3) as Float32Array;
        const source = sourceFrom(image, height, width, 1, { low: [-1], high: [3] });
        const order = shuffled(plane, rng);
        const removed = new Uint8Array(plane);
        for (let k = 0; k < plane - kept; k++) removed[order[k]!] = 1;
        const exact = denseImputation(image, height, width, removed);
        // Removed in steps of 16, as a curve would, to exercise the warm start too.
        const running = image.slice();
        const imputation = new NoisyLinearImputation(source, new Random(0), 0);
        for (let at = 0; at < plane - kept; at += 16) imputation.remove(running, order.subarray(at, Math.min(plane - kept, at + 16)));
        let worst = 0;
        for (let p = 0; p < plane; p++) worst = Math.max(worst, Math.abs(running[p]! - exact[p]!));
        expect(worst).toBeLessThan(1e-4 * 4);
      }
    }
  });

  it('fills an image with every pixel removed with each channel’s mean of the original, where the system is singular', () => {
    const image = Float32Array.from([1, 2, 3, 4, 5, 6, 10, 20, 30, 40, 50, 60]);
    const out = imputed(sourceFrom(image, 2, 3, 2), [0, 1, 2, 3, 4, 5]);
    expect(Array.from(out)).toEqual([3.5, 3.5, 3.5, 3.5, 3.5, 3.5, 35, 35, 35, 35, 35, 35]);
  });

  it('gives the image as it would be with the union removed at once when pixels are removed group by group', () => {
    const rng = new Random(3);
    const [height, width] = [12, 12];
    const image = rng.fill(new Float32Array(2 * height * width)) as Float32Array;
    const source = sourceFrom(image, height, width, 2);
    const order = shuffled(height * width, rng);
    const running = image.slice();
    const cumulative = new NoisyLinearImputation(source, new Random(5), 0.05);
    for (let at = 0; at < 100; at += 10) {
      cumulative.remove(running, order.subarray(at, at + 10));
      // The same noise draws in the same order: the same image up to the solver's tolerance.
      const once = source.image.slice();
      new NoisyLinearImputation(source, new Random(5), 0.05).remove(once, order.subarray(0, at + 10));
      for (let v = 0; v < running.length; v++) expect(running[v]).toBeCloseTo(once[v]!, 5);
    }
  });

  it('starts over from the original image after reset(), as faithfulness correlation’s independent subsets need', () => {
    const image = Float32Array.from([1, 2, 3, 4, 99, 6, 7, 8, 9]);
    const imputation = perturber('road', sourceFrom(image, 3, 3), new Random(0), { roadNoise: 0 });
    imputation.remove(image.slice(), Int32Array.from([0, 1, 2]));
    imputation.reset();
    const fresh = image.slice();
    imputation.remove(fresh, Int32Array.from([4]));
    expect(fresh[4]).toBeCloseTo(5, 5);
    expect(fresh[0]).toBe(1);
  });
});

describe('noisy linear imputation (ROAD) noise', () => {
  it('adds zero-mean Gaussian noise of σ = roadNoise × the channel’s input range to each imputed value', () => {
    const rng = new Random(11);
    const [height, width] = [16, 16];
    const plane = height * width;
    // Input range 5 (−2 … 3) and roadNoise 0.01: σ = 0.05.
    const image = rng.fill(new Float32Array(plane), -2, 3) as Float32Array;
    const source = sourceFrom(image, height, width, 1, { low: [-2], high: [3] });
    const pixels = shuffled(plane, rng).subarray(0, 100);
    const noiseless = imputed(source, Array.from(pixels));
    let [sum, squares, count] = [0, 0, 0];
    for (let draw = 0; draw < 200; draw++) {
      const out = image.slice();
      new NoisyLinearImputation(source, new Random(100 + draw), 0.01).remove(out, pixels);
      for (const p of pixels) {
        const e = out[p]! - noiseless[p]!;
        sum += e;
        squares += e * e;
        count++;
      }
    }
    const mean = sum / count;
    const sigma = Math.sqrt(squares / count - mean * mean);
    // 20,000 draws: the mean's standard error is 0.05/√20000 ≈ 3.5·10⁻⁴, σ's about 2.5·10⁻⁴.
    expect(Math.abs(mean)).toBeLessThan(1.5e-3);
    expect(sigma).toBeGreaterThan(0.05 * 0.97);
    expect(sigma).toBeLessThan(0.05 * 1.03);
  });

  it('leaves kept pixels exactly as they were', () => {
    const rng = new Random(12);
    const image = rng.fill(new Float32Array(64)) as Float32Array;
    const pixels = Int32Array.from([3, 17, 18, 40]);
    const out = image.slice();
    new NoisyLinearImputation(sourceFrom(image, 8, 8), rng, 0.1).remove(out, pixels);
    for (let p = 0; p < 64; p++) if (!pixels.includes(p)) expect(out[p]).toBe(image[p]);
  });
});

describe('faithfulness metrics with perturbation road', () => {
  const rng = new Random(5);
  const w = Float32Array.from({ length: PLANE }, () => rng.uniform(-1, 1));
  const x = Float32Array.from({ length: PLANE }, () => rng.uniform(0, 1));
  const heatmap = Float32Array.from(w, (v, p) => v * x[p]!);
  const linear = (image: Float64Array) => image.reduce((s, v, p) => s + w[p]! * v, 0);

  it('region perturbation tracks f of the dense imputation of every region removed so far, and of the image mean once all are', async () => {
    const result = await run(regionPerturbationMorf, batchOf(w, x, heatmap), { regionSize: 2, steps: 16, perturbation: 'road', roadNoise: 0 });
    const regions = rankedRegions(heatmap, H, W, 2, 'grid', 16);
    const removed = new Uint8Array(PLANE);
    const f0 = linear(Float64Array.from(x));
    const mean = x.reduce((a, b) => a + b, 0) / PLANE;
    const expected = [0];
    for (const [k, region] of regions.entries()) {
      for (const p of region) removed[p] = 1;
      // The 16th region empties the image: the singular system's fill, the image mean.
      expected.push(f0 - linear(k < 15 ? denseImputation(x, H, W, removed) : new Float64Array(PLANE).fill(mean)));
    }
    expect(Array.from(result.curves!.y)).toEqual(expected.map((v) => expect.closeTo(v, 4)));
  });

  it('pixel flipping runs to the all-removed image, the image mean, and keeps its curve for a seed whatever the model-call size', async () => {
    const result = await run(pixelFlipping, batchOf(w, x, heatmap), { pixelsPerStep: 4, perturbation: 'road', output: 'logit' });
    const y = result.curves!.y;
    expect(y).toHaveLength(17);
    const mean = x.reduce((a, b) => a + b, 0) / PLANE;
    const wSum = w.reduce((a, b) => a + b, 0);
    // The last image is the mean plus noise of σ 0.01 per pixel: f within 4σ of Σw·mean.
    const spread = 0.01 * Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    expect(Math.abs(y[16]! - wSum * mean)).toBeLessThan(4 * spread);
    // The noise is drawn heatmap by heatmap, step by step: the model-call size does not change it.
    const batch = batchOf(w, x, heatmap);
    const curveWith = async (rows: number) => {
      const seeded = new Random(9);
      const road = perturber('road', sourceOf(batch, 0), seeded);
      const groups = Array.from({ length: 16 }, (_, k) => Int32Array.from({ length: 4 }, (_, j) => k * 4 + j));
      return scoreCurves(batch, { steps: 16, output: 'logit', groups: () => groups, change: (_i, image, pixels) => road.remove(image, pixels) }, undefined, rows);
    };
    expect(Array.from(await curveWith(1))).toEqual(Array.from(await curveWith(128)));
  });

  it('deletion and faithfulness correlation accept it and give finite scores', async () => {
    const batch = batchOf(w, x, heatmap);
    const del = await run(deletion, batch, { perturbation: 'road' });
    expect(Number.isFinite(del.scores[0])).toBe(true);
    const correlation = await run(faithfulnessCorrelation, batch, { perturbation: 'road', roadNoise: 0, subsets: 40, subsetSize: 8 });
    // Each subset is imputed from the original alone, so the drop is f(x) − f(imputed subset): for
    // the model's own w·x map the correlation is positive.
    expect(correlation.scores[0]).toBeGreaterThan(0);
  });

  it('declares roadNoise 0.01, the default of region perturbation, while the others keep their papers’ perturbations', () => {
    expect(regionPerturbationMorf.params.parse({})).toMatchObject({ perturbation: 'road', roadNoise: 0.01 });
    expect(pixelFlipping.params.parse({})).toMatchObject({ perturbation: 'black', roadNoise: 0.01 });
    expect(deletion.params.parse({})).toMatchObject({ perturbation: 'zero', roadNoise: 0.01 });
    expect(faithfulnessCorrelation.params.parse({})).toMatchObject({ perturbation: 'black', roadNoise: 0.01 });
  });
});
