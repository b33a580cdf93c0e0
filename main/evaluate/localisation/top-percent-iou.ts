// IoU of the top-p % most relevant pixels with the mask (the binarise-then-IoU protocol of
// weakly-supervised localisation; no paper fixes p, so Heatlab chooses the default). Unset p takes the mask's own
// share, so a perfect map reaches 1; ties at the cut count fractionally (top-selection.ts), i.e.
// IoU = E[intersection] / E[union] over random tie-breaking.
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { scoreAgainstMasks } from './per-image.js';
import { relevanceModeOf, relevanceOf, relevanceParam } from './relevance.js';
import { topOverlap } from './top-selection.js';

export const topPercentIouParams = z.object({
  percent: z
    .number()
    .gt(0)
    .max(100)
    .nullable()
    .default(null)
    .describe('Share of the pixels, most relevant first, taken as the predicted region (%); empty = the mask\'s own share of the image.'),
  relevance: relevanceParam,
});

export const topPercentIou = defineMetric({
  id: 'top-percent-iou',
  label: 'Top-p % IoU',
  family: 'localisation',
  citation: 'Heatlab: top-p % binarisation and IoU, as in weakly-supervised localisation (Zhou et al. 2016, "Learning deep features for discriminative localization")',
  higherIsBetter: true,
  needs: { mask: true },
  params: topPercentIouParams,
  async score(batch, params) {
    const plane = batch.height * batch.width;
    const r = new Float32Array(plane);
    const work = new Float32Array(plane);
    const scores = scoreAgainstMasks(batch, ({ heatmap, mask, inside }) => {
      const k = params.percent === null ? inside : Math.min(plane, Math.max(1, Math.round((params.percent / 100) * plane)));
      relevanceOf(heatmap, relevanceModeOf(params.relevance, batch), r);
      const intersection = topOverlap(r, mask, k, work);
      return intersection / (k + inside - intersection);
    });
    return { scores };
  },
});
