// How the randomisation tests compare a heatmap with its re-explained counterpart: Spearman rank
// correlation or SSIM (Adebayo et al. 2018 report both), on absolute values or signed, each map
// optionally divided by its own largest magnitude first (Quantus's normalise_by_max, which matters
// for SSIM only: a rank correlation ignores positive scaling).
import { z } from 'zod';
import { spearman } from '../statistics/spearman.js';
import { ssim } from '../statistics/ssim.js';

export const similarityKinds = ['spearman', 'ssim'] as const;
export type SimilarityKind = (typeof similarityKinds)[number];

export const normaliseParam = z
  .boolean()
  .default(true)
  .describe('Divide each heatmap by its largest magnitude before comparing (Quantus’s normalise_by_max); changes SSIM only.');

export interface SimilarityOptions {
  similarity: SimilarityKind;
  absolute: boolean;
  normalise: boolean;
}

export const similarityLabels: Record<SimilarityKind, string> = { spearman: 'Spearman ρ', ssim: 'SSIM' };

function prepared(map: Float32Array, o: SimilarityOptions): Float32Array {
  const out = o.absolute ? map.map(Math.abs) : map.slice();
  if (!o.normalise) return out;
  let max = 0;
  for (const v of out) max = Math.max(max, Math.abs(v));
  // An all-zero map stays as it is.
  if (max > 0) for (let i = 0; i < out.length; i++) out[i]! /= max;
  return out;
}

/** The similarity of two [H, W] heatmaps; NaN where Spearman is undefined (a constant map). */
export function heatmapSimilarity(a: Float32Array, b: Float32Array, height: number, width: number, o: SimilarityOptions): number {
  const x = prepared(a, o);
  const y = prepared(b, o);
  return o.similarity === 'spearman' ? spearman(x, y) : ssim(x, y, height, width);
}
