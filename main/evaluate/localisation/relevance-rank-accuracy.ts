// Relevance rank accuracy (Arras, Osman & Samek 2022, CLEVR-XAI, Inf. Fusion 81): with K the mask's size,
// the share of the K most relevant pixels that lie inside the mask. Ties at the K-th value count
// fractionally (top-selection.ts), so a constant map scores the mask's share K / N.
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { scoreAgainstMasks } from './per-image.js';
import { relevanceModeOf, relevanceOf, relevanceParam } from './relevance.js';
import { topOverlap } from './top-selection.js';

export const relevanceRankAccuracyParams = z.object({ relevance: relevanceParam });

export const relevanceRankAccuracy = defineMetric({
  id: 'relevance-rank-accuracy',
  label: 'Relevance rank accuracy',
  family: 'localisation',
  citation: 'Arras, Osman & Samek 2022, "CLEVR-XAI: a benchmark dataset for the ground truth evaluation of neural network explanations", Inf. Fusion 81 (relevance rank accuracy)',
  higherIsBetter: true,
  needs: { mask: true },
  params: relevanceRankAccuracyParams,
  async score(batch, params) {
    const plane = batch.height * batch.width;
    const r = new Float32Array(plane);
    const work = new Float32Array(plane);
    const scores = scoreAgainstMasks(batch, ({ heatmap, mask, inside }) => {
      relevanceOf(heatmap, relevanceModeOf(params.relevance, batch), r);
      return topOverlap(r, mask, inside, work) / inside;
    });
    return { scores };
  },
});
