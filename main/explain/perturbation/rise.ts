// RISE (Petsiuk, Das & Saenko 2018, "RISE: Randomized Input Sampling for Explanation of Black-box
// Models", §3.2): n random binary s×s grids (each cell kept with probability p), upsampled
// bilinearly to (s+1)·⌈H/s⌉ and cropped at a random shift in [0, ⌈H/s⌉); saliency
// S = Σᵢ f_target(x ⊙ Mᵢ) Mᵢ / (n · p) (eq. 6, Monte Carlo estimate of E[f·M] / p), where f is the
// class probability (§3.1: the model's confidence score for the class; their code and DIANNA
// apply the softmax). Weighting by the logit instead stays available: before issue 13 Heatlab did that, and
// runs stored then re-run with it (legacyParams).
import { z } from 'zod';
import type { Random } from '../../numeric/random.js';
import { checkInput, defineMethod, forwardBatched, pipelineSlots, softmaxAt } from './method.js';

export const riseParams = z.object({
  masks: z.number().int().min(1).max(100_000).default(1000).describe('Number of random masks N (DIANNA default 1000; the paper uses 4000–8000 on ImageNet).'),
  resolution: z.number().int().min(1).max(64).default(8).describe('Grid size s of the binary masks before upsampling (paper and DIANNA: 7–8).'),
  pKeep: z.number().gt(0).max(1).default(0.5).describe('Probability p that a grid cell is kept (paper and DIANNA: 0.5; DIANNA dashboard 0.1).'),
  batchSize: z.number().int().min(1).max(1024).default(64).describe('Masked images per forward pass.'),
  output: z
    .enum(['probability', 'logit'])
    .default('probability')
    .describe('What weights each mask: the target’s softmax probability (Petsiuk et al. 2018, §3.1, and DIANNA; default) or its logit. A model whose file holds only probabilities is weighted by them either way.'),
});

/** Writes one RISE mask [H, W] into `out`, drawing its grid and shift from `rng`. */
export function riseMask(out: Float32Array, height: number, width: number, s: number, p: number, rng: Random, scratch = new Float32Array(s * s + s * width)): void {
  const grid = scratch.subarray(0, s * s);
  for (let i = 0; i < grid.length; i++) grid[i] = rng.next() < p ? 1 : 0;
  const cellY = Math.ceil(height / s);
  const cellX = Math.ceil(width / s);
  const dy = Math.floor(rng.next() * cellY);
  const dx = Math.floor(rng.next() * cellX);
  // Half-pixel-centred bilinear resize of the s×s grid to (s+1)·cell, edges clamped; separable:
  // the grid rows are interpolated along x once, then each output row lerps two of them.
  const upY = (s + 1) * cellY;
  const upX = (s + 1) * cellX;
  const rows = scratch.subarray(s * s, s * s + s * width);
  for (let x = 0; x < width; x++) {
    const u = Math.min(s - 1, Math.max(0, ((x + dx + 0.5) * s) / upX - 0.5));
    const i0 = Math.floor(u);
    const i1 = Math.min(s - 1, i0 + 1);
    const f = u - i0;
    for (let j = 0; j < s; j++) rows[j * width + x] = (1 - f) * grid[j * s + i0]! + f * grid[j * s + i1]!;
  }
  for (let y = 0; y < height; y++) {
    const v = Math.min(s - 1, Math.max(0, ((y + dy + 0.5) * s) / upY - 0.5));
    const j0 = Math.floor(v);
    const r0 = j0 * width;
    const r1 = Math.min(s - 1, j0 + 1) * width;
    const fy = v - j0;
    const o = y * width;
    for (let x = 0; x < width; x++) out[o + x] = (1 - fy) * rows[r0 + x]! + fy * rows[r1 + x]!;
  }
}

export const rise = defineMethod({
  id: 'rise',
  label: 'RISE',
  // Mask-weighted mean score: higher = more evidence; never negative on probabilities.
  relevance: 'signed',
  kind: 'perturbation',
  params: riseParams,
  legacyParams: { output: 'logit' },
  async run(forward, input, params, rng, onProgress) {
    checkInput(input);
    const { channels, height, width } = input.shape;
    const plane = height * width;
    const slots = pipelineSlots(params.batchSize, params.masks);
    const masks = new Float32Array(slots * plane);
    const scratch = new Float32Array(params.resolution * (params.resolution + width));
    const sum = new Float64Array(plane);
    await forwardBatched(
      forward,
      input,
      params.masks,
      params.batchSize,
      (i, image) => {
        const mask = masks.subarray((i % slots) * plane, (i % slots + 1) * plane);
        riseMask(mask, height, width, params.resolution, params.pKeep, rng, scratch);
        for (let c = 0; c < channels; c++) for (let k = 0; k < plane; k++) image[c * plane + k]! *= mask[k]!;
      },
      (i, score) => {
        const off = (i % slots) * plane;
        for (let k = 0; k < plane; k++) sum[k]! += score * masks[off + k]!;
      },
      onProgress,
      // The forward pass gives logits unless the file holds only probabilities (then no softmax on top).
      params.output === 'probability' && input.scores !== 'probabilities' ? softmaxAt : undefined,
    );
    const heat = new Float32Array(plane);
    const norm = params.masks * params.pKeep;
    for (let k = 0; k < plane; k++) heat[k] = sum[k]! / norm;
    return heat;
  },
});
