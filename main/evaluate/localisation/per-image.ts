// The loop every localisation metric shares: one heatmap and its mask at a time, scratch buffers
// allocated once per batch, NaN where the mask is empty (Quantus's rule: undefined, not zero).
import type { MetricBatch } from '../metric.js';
import { maskSize } from './top-selection.js';

export interface ImagePlanes {
  heatmap: Float32Array;
  mask: Uint8Array;
  /** Pixels inside the mask (> 0). */
  inside: number;
}

/** Scores each heatmap of a batch against its mask with `score`; heatmaps with empty masks get NaN. */
export function scoreAgainstMasks(batch: MetricBatch, score: (image: ImagePlanes) => number): Float64Array {
  const { masks, n, height, width } = batch;
  if (!masks) throw new Error('This localisation metric needs ground-truth masks in the batch.');
  const plane = height * width;
  if (masks.length !== n * plane || batch.heatmaps.length !== n * plane)
    throw new Error(`Expected ${n} heatmaps and masks of ${height}×${width}.`);
  const scores = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const mask = masks.subarray(i * plane, (i + 1) * plane);
    const inside = maskSize(mask);
    scores[i] = inside === 0 ? NaN : score({ heatmap: batch.heatmaps.subarray(i * plane, (i + 1) * plane), mask, inside });
  }
  return scores;
}
