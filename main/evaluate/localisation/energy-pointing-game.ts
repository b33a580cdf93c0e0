// Energy-based pointing game (Wang et al. 2020, "Score-CAM", CVPRW): the share of the map's
// energy inside the object's bounding box, Σ_bbox L / Σ L. Heatlab boxes the mask (or, optionally,
// uses the mask itself — then it equals relevance mass accuracy). A map without energy counts as
// constant: the box's share of the image.
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { scoreAgainstMasks } from './per-image.js';
import { relevanceModeOf, relevanceOf, relevanceParam } from './relevance.js';

export const energyPointingGameParams = z.object({
  region: z
    .enum(['bounding-box', 'mask'])
    .default('bounding-box')
    .describe('Region the energy is measured in: the bounding box of the mask (as Score-CAM with box annotations) or the mask itself.'),
  relevance: relevanceParam,
});

export const energyPointingGame = defineMetric({
  id: 'energy-pointing-game',
  label: 'Energy-based pointing game',
  family: 'localisation',
  citation: 'Wang et al. 2020, "Score-CAM: score-weighted visual explanations for convolutional neural networks", CVPRW (energy-based pointing game)',
  higherIsBetter: true,
  needs: { mask: true },
  params: energyPointingGameParams,
  async score(batch, params) {
    const { height, width } = batch;
    const r = new Float32Array(height * width);
    const scores = scoreAgainstMasks(batch, ({ heatmap, mask, inside }) => {
      const total = relevanceOf(heatmap, relevanceModeOf(params.relevance, batch), r);
      if (params.region === 'mask') {
        if (total === 0) return inside / mask.length;
        let within = 0;
        for (let i = 0; i < r.length; i++) if (mask[i] !== 0) within += r[i]!;
        return within / total;
      }
      let top = height;
      let bottom = -1;
      let left = width;
      let right = -1;
      for (let y = 0, i = 0; y < height; y++)
        for (let x = 0; x < width; x++, i++)
          if (mask[i] !== 0) {
            if (y < top) top = y;
            if (y > bottom) bottom = y;
            if (x < left) left = x;
            if (x > right) right = x;
          }
      if (total === 0) return ((bottom - top + 1) * (right - left + 1)) / mask.length;
      let within = 0;
      for (let y = top; y <= bottom; y++) for (let i = y * width + left; i <= y * width + right; i++) within += r[i]!;
      return within / total;
    });
    return { scores };
  },
});
