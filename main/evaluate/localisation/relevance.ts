// Which part of a signed heatmap counts as relevance for the localisation metrics. Arras, Osman &
// Samek 2022 (CLEVR-XAI, §4.2) score positive relevance only; 'absolute' ranks evidence of
// either sign, as Quantus's `abs=True`. By default the method decides: maps whose sign is evidence
// score their positive part, maps whose sign is only a direction (the signed gradient) their
// magnitude (the method registry's `relevance`).
import { z } from 'zod';
import type { MetricBatch } from '../metric.js';

export type RelevanceMode = 'positive' | 'absolute';

export const relevanceParam = z
  .enum(['method', 'positive', 'absolute'])
  .default('method')
  .describe('Relevance scored: the method’s convention (positive values for maps whose sign is evidence, magnitudes for maps whose sign is not, as the signed gradient), positive values only (negatives count as 0, as in Arras et al. 2022), or absolute values.');

/** The relevance a localisation metric scores for this batch's maps. */
export function relevanceModeOf(mode: z.output<typeof relevanceParam>, batch: Pick<MetricBatch, 'relevance'>): RelevanceMode {
  return mode !== 'method' ? mode : batch.relevance === 'absolute' ? 'absolute' : 'positive';
}

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
