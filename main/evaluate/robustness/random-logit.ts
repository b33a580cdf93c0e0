// Random-logit test (Sixt, Granz & Landgraf 2020, "When explanations lie: why many modified BP
// attributions fail"; Quantus RandomLogit): explain a different class, drawn uniformly from the others, and compare its
// heatmap with the explained class's. A class-sensitive method gives dissimilar maps, so lower is
// better. Quantus's defaults: SSIM, signed maps, each normalised by its largest magnitude.
import { z } from 'zod';
import { defineMetric, heatmapOf } from '../metric.js';
import { heatmapSimilarity, normaliseParam, similarityKinds } from './similarity.js';

export const randomLogitParams = z.object({
  similarity: z.enum(similarityKinds).default('ssim').describe('How the two classes’ heatmaps are compared: SSIM (Wang et al. 2004; Quantus’s default) or Spearman rank correlation.'),
  absolute: z.boolean().default(false).describe('Compare |a| instead of the signed maps (Quantus: signed).'),
  normalise: normaliseParam,
});

export const randomLogit = defineMetric({
  id: 'random-logit',
  label: 'Random-logit similarity',
  family: 'robustness',
  citation: 'Sixt, Granz & Landgraf 2020',
  higherIsBetter: false,
  needs: { model: true, explainer: true },
  params: randomLogitParams,
  score: async (batch, p, rng, onProgress) => {
    const { n, height, width, explainer, images, classes } = batch;
    if (explainer === undefined || images === undefined) throw new Error('The random-logit test needs the explainer and the model’s inputs in the batch.');
    if (classes === undefined || classes < 2) throw new Error('The random-logit test needs a model with at least two classes.');
    // Uniform over the K − 1 classes other than the explained one.
    const others = Int32Array.from(batch.targets, (target) => {
      const k = rng.int(classes - 1);
      return k >= target ? k + 1 : k;
    });
    const maps = await explainer.explain(images, n, others);
    const plane = height * width;
    const scores = Float64Array.from({ length: n }, (_, i) => heatmapSimilarity(heatmapOf(batch, i), maps.subarray(i * plane, (i + 1) * plane), height, width, p));
    onProgress?.(n, n);
    return { scores };
  },
});
