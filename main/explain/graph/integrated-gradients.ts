// Integrated Gradients (Sundararajan, Taly & Yan 2017, eq. 1 and its Riemann approximation, §5):
// IG_i = (x_i − x′_i) · ∫₀¹ ∂f(x′ + α(x − x′))/∂x_i dα over m = `steps` intervals, by the
// midpoint rule (default; α_k = (k + ½)/m, m gradients) or the trapezoid rule (α_k = k/m, m + 1
// gradients, ends weighted ½ — Captum's `riemann_trapezoid`). On a ReLU net the integrand is
// piecewise constant, so both are exact except in the intervals a kink falls in: the error is
// O(1/m). Completeness: Σ IG ≈ f(x) − f(x′).
import { z } from 'zod';
import type { Random } from '../../numeric/random.js';
import { plainGradient } from '../../onnx/backward/rules.js';
import { graphMethod, reductionParam, type GraphInput } from './method.js';
import { accumulateGradients, rangeOf } from './path-gradients.js';
import { reduceChannels } from './tensors.js';
import { gaussianBlur } from '../../numeric/blur.js';

export const baselines = ['black', 'white', 'mean', 'blurred', 'uniform'] as const;
export type Baseline = (typeof baselines)[number];

export const integratedGradientsParams = z.object({
  steps: z.number().int().min(1).max(512).default(32).describe('Riemann steps along the path (Sundararajan et al. 2017, §5: 20–300 suffice).'),
  baseline: z
    .enum(baselines)
    .default('black')
    .describe('x′: black = 0, white = 1, mean = each channel’s mean of the image, blurred = the image under a Gaussian blur of σ px, uniform = noise on the image’s value range (Sturmfels, Lundberg & Lee 2020).'),
  rule: z.enum(['midpoint', 'trapezoid']).default('midpoint').describe('Riemann rule along the path: midpoint (m gradients) or trapezoid (m + 1 gradients, ends halved).'),
  blurSigma: z.number().min(0.1).max(64).default(5).describe('σ in pixels of the blurred baseline.'),
  reduction: reductionParam,
});

/** The baselines x′ of every image, NCHW. */
export function baselineImages(input: GraphInput, baseline: Baseline, blurSigma: number, rng: Random): Float32Array {
  const [channels, height, width] = input.shape;
  const plane = height * width;
  const size = channels * plane;
  const out = new Float32Array(input.n * size);
  for (let i = 0; i < input.n; i++) {
    const { min, max } = rangeOf(input.images, i, size);
    for (let c = 0; c < channels; c++) {
      const at = (i * channels + c) * plane;
      const x = input.images.subarray(at, at + plane);
      const o = out.subarray(at, at + plane);
      if (baseline === 'white') o.fill(1);
      else if (baseline === 'mean') o.fill(x.reduce((a, b) => a + b, 0) / plane);
      else if (baseline === 'blurred') o.set(gaussianBlur(x, height, width, blurSigma));
      else if (baseline === 'uniform') for (let p = 0; p < plane; p++) o[p] = rng.uniform(min, max);
    }
  }
  return out;
}

export const integratedGradientsMethod = graphMethod({
  id: 'integrated-gradients',
  label: 'Integrated Gradients',
  kind: 'graph',
  // Completeness: the map is a signed decomposition of f(x) − f(x′).
  relevance: 'signed',
  params: integratedGradientsParams,
  run: async (session, input, params, rng) => {
    const [channels, height, width] = input.shape;
    const size = channels * height * width;
    const reference = baselineImages(input, params.baseline, params.blurSigma, rng);
    const m = params.steps;
    const trapezoid = params.rule === 'trapezoid';
    const weight = (k: number) => (trapezoid && (k === 0 || k === m) ? 0.5 / m : 1 / m);
    const average = await accumulateGradients(session, { rules: plainGradient }, input, trapezoid ? m + 1 : m, weight, (i, k, out) => {
      const alpha = trapezoid ? k / m : (k + 0.5) / m;
      for (let p = 0, at = i * size; p < size; p++, at++) out[p] = reference[at]! + alpha * (input.images[at]! - reference[at]!);
    });
    for (let p = 0; p < average.length; p++) average[p]! *= input.images[p]! - reference[p]!;
    return reduceChannels(average, input.n, channels, height * width, params.reduction);
  },
});
