// Relevance mass accuracy (Arras, Osman & Samek 2022, CLEVR-XAI, Inf. Fusion 81): R_within / R_total, the
// share of the (positive) relevance that falls inside the ground-truth mask.
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { scoreAgainstMasks } from './per-image.js';
import { relevanceModeOf, relevanceOf, relevanceParam } from './relevance.js';

export const relevanceMassAccuracyParams = z.object({ relevance: relevanceParam });

export const relevanceMassAccuracy = defineMetric({
  id: 'relevance-mass-accuracy',
  label: 'Relevance mass accuracy',
  family: 'localisation',
  citation: 'Arras, Osman & Samek 2022, "CLEVR-XAI: a benchmark dataset for the ground truth evaluation of neural network explanations", Inf. Fusion 81 (relevance mass accuracy)',
  higherIsBetter: true,
  needs: { mask: true },
  params: relevanceMassAccuracyParams,
  async score(batch, params) {
    const r = new Float32Array(batch.height * batch.width);
    const scores = scoreAgainstMasks(batch, ({ heatmap, mask, inside }) => {
      const total = relevanceOf(heatmap, relevanceModeOf(params.relevance, batch), r);
      // No relevance at all is the constant-map tie: relevance spread evenly gives the mask's share.
      if (total === 0) return inside / mask.length;
      let within = 0;
      for (let i = 0; i < r.length; i++) if (mask[i] !== 0) within += r[i]!;
      return within / total;
    });
    return { scores };
  },
});
