// Top-k intersection (Theiner, Müller-Budack & Ewerth 2022, "Interpretable semantic photo
// geolocation", as defined in Quantus): the share of the k most relevant pixels inside the mask.
// k is clamped to the image's pixel count N (Quantus refuses k ≥ N); at k = N every map scores
// the mask's share. Ties at the k-th value count fractionally (top-selection.ts).
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { scoreAgainstMasks } from './per-image.js';
import { relevanceModeOf, relevanceOf, relevanceParam } from './relevance.js';
import { topOverlap } from './top-selection.js';

export const topKIntersectionParams = z.object({
  k: z.number().int().min(1).default(1000).describe('Number of most relevant pixels compared with the mask (Quantus: 1000); clamped to the pixel count.'),
  relevance: relevanceParam,
});

export const topKIntersection = defineMetric({
  id: 'top-k-intersection',
  label: 'Top-k intersection',
  family: 'localisation',
  citation: 'Theiner, Müller-Budack & Ewerth 2022, "Interpretable semantic photo geolocation" (as Quantus TopKIntersection)',
  higherIsBetter: true,
  needs: { mask: true },
  params: topKIntersectionParams,
  async score(batch, params) {
    const plane = batch.height * batch.width;
    const k = Math.min(params.k, plane);
    const r = new Float32Array(plane);
    const work = new Float32Array(plane);
    const scores = scoreAgainstMasks(batch, ({ heatmap, mask }) => {
      relevanceOf(heatmap, relevanceModeOf(params.relevance, batch), r);
      return topOverlap(r, mask, k, work) / k;
    });
    return { scores };
  },
});
