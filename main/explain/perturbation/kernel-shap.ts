// KernelSHAP (Lundberg & Lee 2017, "A unified approach to interpreting model predictions",
// Theorem 2): coalitions z of segments, absent segments taken from a background; Shapley kernel
// π(z) = (M−1) / (C(M,|z|)·|z|·(M−|z|)). Coalitions are sampled from π (size ∝ (M−1)/(s(M−s)),
// then a uniform subset, paired with its complement as in the shap package), so the regression
// weights are uniform. Efficiency Σφ = f(x) − f(background) is enforced exactly by eliminating
// the last variable (shap's constrained least squares). Each pixel gets its segment's value.
import { z } from 'zod';
import type { Random } from '../../numeric/random.js';
import { weightedRidge } from './linear-solve.js';
import { baselineImage, checkInput, defineMethod, forwardBatched, targetScore } from './method.js';
import { hideSegments, segmentationParams, segmentImage, spreadOverSegments, type Segmentation } from './segments.js';

export const kernelShapParams = z.object({
  samples: z.number().int().min(2).max(100_000).default(256).describe('Sampled coalitions (shap default 2·M + 2048; Captum benchmark 256).'),
  ...segmentationParams,
  background: z.enum(['zero', 'mean']).default('zero').describe('Value of absent segments: 0, or the image mean of each channel.'),
  batchSize: z.number().int().min(1).max(1024).default(64).describe('Coalition images per forward pass.'),
});

/** Draws a coalition from the Shapley kernel: a size by its kernel mass, then a uniform subset. */
function drawCoalition(out: Float64Array, m: number, sizeCdf: Float64Array, order: Int32Array, rng: Random): void {
  const u = rng.next();
  let s = 1;
  while (s < m - 1 && sizeCdf[s]! <= u) s++;
  for (let j = 0; j < m; j++) order[j] = j;
  // Partial Fisher–Yates: the first s entries of `order` are a uniform subset.
  for (let j = 0; j < s; j++) {
    const k = j + rng.int(m - j);
    const t = order[j]!;
    order[j] = order[k]!;
    order[k] = t;
  }
  out.fill(0);
  for (let j = 0; j < s; j++) out[order[j]!] = 1;
}

/** Shapley values of the segments of `seg` from coalition scores, with Σφ = fx − fb exactly. */
export function constrainedShapley(z01: Float64Array, y: Float64Array, count: number, m: number, fx: number, fb: number): Float64Array {
  const delta = fx - fb;
  const phi = new Float64Array(m);
  if (m === 1) {
    phi[0] = delta;
    return phi;
  }
  // y − fb = Σ φⱼ zⱼ with φ_last = Δ − Σ_{j<last} φⱼ  ⇒  y − fb − z_last·Δ = Σ_{j<last} φⱼ (zⱼ − z_last).
  const d = m - 1;
  const x = new Float64Array(count * d);
  const t = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const zl = z01[i * m + d]!;
    for (let j = 0; j < d; j++) x[i * d + j] = z01[i * m + j]! - zl;
    t[i] = y[i]! - fb - zl * delta;
  }
  const { coef } = weightedRidge(x, t, new Float64Array(count).fill(1), count, d, 0, false);
  let rest = delta;
  for (let j = 0; j < d; j++) {
    phi[j] = coef[j]!;
    rest -= coef[j]!;
  }
  phi[d] = rest;
  return phi;
}

export const kernelShap = defineMethod({
  id: 'kernel-shap',
  label: 'KernelSHAP',
  // Shapley values: signed shares of f(x) − f(background) (efficiency).
  relevance: 'signed',
  kind: 'perturbation',
  params: kernelShapParams,
  async run(forward, input, params, rng, onProgress) {
    checkInput(input);
    const { channels, height, width } = input.shape;
    const seg: Segmentation = segmentImage(input.image, input.shape, params);
    const m = seg.count;
    const fill = baselineImage(input, params.background);
    const fx = await targetScore(forward, input, input.image);
    const fb = await targetScore(forward, input, fill);
    const count = m === 1 ? 0 : params.samples;
    const sizeCdf = new Float64Array(m);
    let total = 0;
    for (let s = 1; s < m; s++) total += (m - 1) / (s * (m - s));
    let acc = 0;
    for (let s = 1; s < m; s++) {
      acc += (m - 1) / (s * (m - s)) / total;
      sizeCdf[s] = acc;
    }
    const z01 = new Float64Array(count * m);
    const order = new Int32Array(m);
    for (let i = 0; i < count; i++) {
      const row = z01.subarray(i * m, (i + 1) * m);
      if (i % 2 === 0) drawCoalition(row, m, sizeCdf, order, rng);
      else for (let j = 0; j < m; j++) row[j] = 1 - z01[(i - 1) * m + j]!;
    }
    const y = new Float64Array(count);
    await forwardBatched(
      forward,
      input,
      count,
      params.batchSize,
      (i, image) => hideSegments(image, fill, seg, z01.subarray(i * m, (i + 1) * m), channels),
      (i, score) => {
        y[i] = score;
      },
      onProgress,
    );
    const phi = constrainedShapley(z01, y, count, m, fx, fb);
    return spreadOverSegments(seg, phi, false);
  },
});
