// LIME for images (Ribeiro, Singh & Guestrin 2016, "Why should I trust you?", §3.3–3.4, and the
// `lime_image` explainer): segments switched on/off by Bernoulli(½) samples (the first sample
// keeps all), off segments set to a hide colour; each sample is weighted by the kernel
// √exp(−d²/σ²) of its cosine distance d to the all-on vector; a ridge regression (λ = 1, fitted
// intercept) of f_target on the indicators gives one coefficient per segment, painted on its pixels.
import { z } from 'zod';
import { weightedRidge } from './linear-solve.js';
import { baselineImage, checkInput, defineMethod, forwardBatched } from './method.js';
import { hideSegments, segmentationParams, segmentImage, spreadOverSegments, type Segmentation } from './segments.js';
import type { ExplainInput } from '../forward.js';

export const limeParams = z.object({
  samples: z.number().int().min(2).max(100_000).default(5000).describe('Perturbed samples (DIANNA and lime_image default 1000–5000; fewer is faster and noisier).'),
  ...segmentationParams,
  kernelWidth: z.number().gt(0).max(1000).default(25).describe('σ of the exponential kernel on cosine distance (DIANNA 25; lime_image 0.25 — smaller weights near samples more).'),
  ridge: z.number().min(0).max(1e6).default(1).describe('Ridge penalty λ (scikit-learn Ridge default 1, as LIME uses).'),
  hide: z.enum(['segment-mean', 'zero', 'image-mean']).default('segment-mean').describe('What a switched-off segment becomes (lime_image default: the segment mean colour).'),
  batchSize: z.number().int().min(1).max(1024).default(64).describe('Perturbed images per forward pass.'),
});

/** A [C,H,W] image where every pixel has its segment's mean colour (lime_image's hide_color=None). */
export function segmentMeanImage(input: ExplainInput, seg: Segmentation): Float32Array {
  const { channels } = input.shape;
  const plane = seg.labels.length;
  const sums = new Float64Array(seg.count * channels);
  const sizes = new Float64Array(seg.count);
  for (let i = 0; i < plane; i++) {
    const l = seg.labels[i]!;
    sizes[l]!++;
    for (let c = 0; c < channels; c++) sums[l * channels + c]! += input.image[c * plane + i]!;
  }
  const out = new Float32Array(input.image.length);
  for (let i = 0; i < plane; i++) {
    const l = seg.labels[i]!;
    for (let c = 0; c < channels; c++) out[c * plane + i] = sums[l * channels + c]! / sizes[l]!;
  }
  return out;
}

export const lime = defineMethod({
  id: 'lime',
  label: 'LIME',
  // Ridge coefficients: signed effects of showing each segment.
  relevance: 'signed',
  kind: 'perturbation',
  params: limeParams,
  async run(forward, input, params, rng, onProgress) {
    checkInput(input);
    const { channels, height, width } = input.shape;
    const seg = segmentImage(input.image, input.shape, params);
    const d = seg.count;
    const m = params.samples;
    const fill = params.hide === 'segment-mean' ? segmentMeanImage(input, seg) : baselineImage(input, params.hide === 'zero' ? 'zero' : 'mean');
    const z01 = new Float64Array(m * d);
    const y = new Float64Array(m);
    const w = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      let on = 0;
      for (let j = 0; j < d; j++) {
        const bit = i === 0 || rng.next() < 0.5 ? 1 : 0;
        z01[i * d + j] = bit;
        on += bit;
      }
      // Cosine distance to the all-ones vector: 1 − |z| / √(|z|·d); 1 for the empty sample.
      const dist = on === 0 ? 1 : 1 - Math.sqrt(on / d);
      w[i] = Math.sqrt(Math.exp(-(dist * dist) / (params.kernelWidth * params.kernelWidth)));
    }
    await forwardBatched(
      forward,
      input,
      m,
      params.batchSize,
      (i, image) => hideSegments(image, fill, seg, z01.subarray(i * d, (i + 1) * d), channels),
      (i, score) => {
        y[i] = score;
      },
      onProgress,
    );
    const { coef } = weightedRidge(z01, y, w, m, d, params.ridge, true);
    return spreadOverSegments(seg, coef, false);
  },
});
