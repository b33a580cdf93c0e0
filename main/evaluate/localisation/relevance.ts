// Which part of a signed heatmap counts as relevance for the localisation metrics. Arras, Osman &
// Samek 2022 (CLEVR-XAI, §4.2) score positive relevance only; 'absolute' ranks evidence of
// either sign, as Quantus's `abs=True`.
import { z } from 'zod';

export type RelevanceMode = 'positive' | 'absolute';

export const relevanceParam = z
  .enum(['positive', 'absolute'])
  .default('positive')
  .describe('Relevance scored: positive values only (negatives count as 0, as in Arras et al. 2022), or absolute values.');

/** Writes max(a, 0) or |a| of `heatmap` into `out` (same length) and returns the sum written. */
export function relevanceOf(heatmap: Float32Array, mode: RelevanceMode, out: Float32Array): number {
  let sum = 0;
  if (mode === 'positive')
    for (let i = 0; i < heatmap.length; i++) {
      const v = heatmap[i]!;
      const r = v > 0 ? v : 0;
      out[i] = r;
      sum += r;
    }
  else
    for (let i = 0; i < heatmap.length; i++) {
      const r = Math.abs(heatmap[i]!);
      out[i] = r;
      sum += r;
    }
  return sum;
}
