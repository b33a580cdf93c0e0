// Integrated Gradients (Sundararajan, Taly & Yan 2017, eq. 1 and its Riemann approximation, §5):
// IG_i = (x_i − x′_i) · ∫₀¹ ∂f(x′ + α(x − x′))/∂x_i dα over m = `steps` intervals, by the
// midpoint rule (default; α_k = (k + ½)/m, m gradients) or the trapezoid rule (α_k = k/m, m + 1
// gradients, ends weighted ½ — the exact composite trapezoid; Captum's `riemann_trapezoid` with
// m + 1 points weights them by 1/(m + 1), i.e. m/(m + 1) of it: methods.md). On a ReLU net the
// integrand is piecewise constant, so both are exact except in the intervals a kink falls in: the
// error is O(1/m). Completeness: Σ IG ≈ f(x) − f(x′).
//
// Baselines are images, so black and white are pixels: the darkest and brightest pixel value
// mapped through the model's preprocessing x = (pixel/scale − mean)/std (the session's input
// bounds, as LRP's zᴮ and the metrics use), not 0 and 1 of the model's input — on a model fed
// 0–255 "1" is almost black, and after mean/std normalisation "0" is the mean grey.
import { z } from 'zod';
import { plainGradient } from '../../onnx/backward/rules.js';
import { graphMethod, reductionParam, streamOf, type GraphInput, type InputBounds, type Randomness } from './method.js';
import { accumulateGradients, rangeOf } from './path-gradients.js';
import { reduceChannels } from './tensors.js';
import { gaussianBlur } from '../../numeric/blur.js';

export const baselines = ['black', 'white', 'mean', 'dataset-mean', 'blurred', 'uniform'] as const;
export type Baseline = (typeof baselines)[number];

export const integratedGradientsParams = z.object({
  steps: z.number().int().min(1).max(512).default(32).describe('Riemann steps along the path (Sundararajan et al. 2017, §5: 20–300 suffice).'),
  baseline: z
    .enum(baselines)
    .default('black')
    .describe(
      'x′: black = the darkest pixel, white = the brightest (both through the model’s preprocessing), mean = each channel’s mean of the image itself, dataset-mean = each channel’s mean pixel over the dataset, blurred = the image under a Gaussian blur of σ px, uniform = noise on the image’s value range (Sturmfels, Lundberg & Lee 2020).',
    ),
  space: z
    .enum(['pixel', 'input'])
    .default('pixel')
    .describe('Where black and white are defined: pixel = the darkest and brightest pixel value mapped through the preprocessing (default); input = the model-input values 0 and 1, Heatlab’s meaning before issue 13 (stored runs without this parameter re-run so).'),
  datasetMean: z
    .array(z.number().min(0).max(1))
    .min(1)
    .optional()
    .describe('The dataset-mean baseline’s pixel per channel as a fraction of the brightest value (0 black, 1 white); the explanation job fills it in from the dataset’s images and stores it with the run.'),
  rule: z.enum(['midpoint', 'trapezoid']).default('midpoint').describe('Riemann rule along the path: midpoint (m gradients) or trapezoid (m + 1 gradients, ends halved).'),
  blurSigma: z.number().min(0.1).max(64).default(5).describe('σ in pixels of the blurred baseline.'),
  reduction: reductionParam,
});
export type IntegratedGradientsParams = z.output<typeof integratedGradientsParams>;

/** The constant model-input value of a baseline in channel c, or null for image-dependent baselines. */
export function constantBaseline(p: Pick<IntegratedGradientsParams, 'baseline' | 'space' | 'datasetMean'>, bounds: InputBounds, c: number): number | null {
  const low = bounds.low[c]!;
  const high = bounds.high[c]!;
  if (p.baseline === 'black') return p.space === 'input' ? 0 : low;
  if (p.baseline === 'white') return p.space === 'input' ? 1 : high;
  if (p.baseline === 'dataset-mean') {
    const fraction = p.datasetMean?.[c];
    if (fraction === undefined) throw new Error(`The dataset-mean baseline needs the dataset's mean pixel for each of the ${bounds.low.length} channels (datasetMean); the explanation job fills it in.`);
    // Preprocessing is affine per channel: pixel fraction f maps to low + f·(high − low).
    return low + fraction * (high - low);
  }
  return null;
}

/** The baselines x′ of every image, NCHW, in the model's input space. */
export function baselineImages(input: GraphInput, p: Pick<IntegratedGradientsParams, 'baseline' | 'space' | 'datasetMean' | 'blurSigma'>, bounds: InputBounds, randomness: Randomness): Float32Array {
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
      const constant = constantBaseline(p, bounds, c);
      if (constant !== null) o.fill(constant);
      else if (p.baseline === 'mean') o.fill(x.reduce((a, b) => a + b, 0) / plane);
      else if (p.baseline === 'blurred') o.set(gaussianBlur(x, height, width, p.blurSigma));
      else {
        const rng = streamOf(randomness, i);
        for (let q = 0; q < plane; q++) o[q] = rng.uniform(min, max);
      }
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
  // Runs stored before `space` existed took black = 0 and white = 1 in the model's input.
  legacyParams: { space: 'input' },
  completeParams: (params, dataset) => (params.baseline === 'dataset-mean' && params.datasetMean === undefined ? { ...params, datasetMean: dataset.meanPixel() } : params),
  run: async (session, input, params, randomness) => {
    const [channels, height, width] = input.shape;
    const size = channels * height * width;
    const reference = baselineImages(input, params, session.inputBounds, randomness);
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
