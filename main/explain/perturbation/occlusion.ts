// Occlusion (Zeiler & Fergus 2014, "Visualizing and understanding convolutional networks", §4.2):
// slide a window set to a baseline over the image; the heat at a pixel is the mean, over the
// windows covering it, of f_target(x) − f_target(x with the window occluded). All channels of a
// window are occluded together, so the map is [H, W] without a channel reduction.
import { z } from 'zod';
import { baselineImage, checkInput, defineMethod, forwardBatched } from './method.js';

export const occlusionParams = z.object({
  window: z.number().int().min(1).max(256).default(4).describe('Side of the square occluding window in pixels (Zeiler & Fergus used 10–50 px on 224 px images).'),
  stride: z.number().int().min(1).max(256).default(2).describe('Step between windows in pixels; ≤ window so every pixel is covered.'),
  baseline: z.enum(['zero', 'mean']).default('zero').describe('Value the window is set to: 0, or the image mean of each channel.'),
  batchSize: z.number().int().min(1).max(1024).default(64).describe('Occluded images per forward pass.'),
});

/** Window origins 0, stride, 2·stride, …, plus the last one flush with the edge so every pixel is covered. */
export function windowOrigins(size: number, window: number, stride: number): number[] {
  const w = Math.min(window, size);
  const origins: number[] = [];
  for (let o = 0; o + w <= size; o += stride) origins.push(o);
  if (origins[origins.length - 1] !== size - w) origins.push(size - w);
  return origins;
}

export const occlusion = defineMethod({
  id: 'occlusion',
  label: 'Occlusion',
  // f(x) − f(x occluded): positive where hiding the window lowers the score, negative where it raises it.
  relevance: 'signed',
  kind: 'perturbation',
  params: occlusionParams,
  async run(forward, input, params, _rng, onProgress) {
    checkInput(input);
    const { channels, height, width } = input.shape;
    const plane = height * width;
    const wy = Math.min(params.window, height);
    const wx = Math.min(params.window, width);
    const ys = windowOrigins(height, wy, params.stride);
    const xs = windowOrigins(width, wx, params.stride);
    const fill = baselineImage(input, params.baseline);
    const sum = new Float64Array(plane);
    const hits = new Float64Array(plane);
    // Sample 0 is the unoccluded image: its score is subtracted from, so it comes first.
    let original = 0;
    const count = 1 + ys.length * xs.length;
    await forwardBatched(
      forward,
      input,
      count,
      params.batchSize,
      (i, image) => {
        if (i === 0) return;
        const y0 = ys[Math.floor((i - 1) / xs.length)]!;
        const x0 = xs[(i - 1) % xs.length]!;
        for (let c = 0; c < channels; c++)
          for (let y = y0; y < y0 + wy; y++) {
            const at = c * plane + y * width + x0;
            image.set(fill.subarray(at, at + wx), at);
          }
      },
      (i, score) => {
        if (i === 0) {
          original = score;
          return;
        }
        const y0 = ys[Math.floor((i - 1) / xs.length)]!;
        const x0 = xs[(i - 1) % xs.length]!;
        const delta = original - score;
        for (let y = y0; y < y0 + wy; y++)
          for (let x = x0; x < x0 + wx; x++) {
            sum[y * width + x]! += delta;
            hits[y * width + x]!++;
          }
      },
      onProgress,
    );
    const heat = new Float32Array(plane);
    for (let i = 0; i < plane; i++) heat[i] = hits[i]! > 0 ? sum[i]! / hits[i]! : 0;
    return heat;
  },
});
