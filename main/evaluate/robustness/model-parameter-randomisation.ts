// Model parameter randomisation test (Adebayo, Gilmer, Muelly, Goodfellow, Hardt & Kim 2018,
// "Sanity checks for saliency maps"): re-initialise the model's weights layer by layer from the
// output down (cascading randomisation) and explain again with the same method; a heatmap that
// stays similar to the original does not depend on what the model learned, so the method fails
// the check. Per image: the similarity to the stored heatmap at every stage (the curve; stage 0
// re-explains the unchanged model, as Quantus's "original" entry, and shows the method's own
// noise floor) and its mean over the randomised stages 1 … L (the score, as Quantus's
// return_average_correlation without stage 0) — lower is better.
import { z } from 'zod';
import { defineMetric, heatmapOf } from '../metric.js';
import { heatmapSimilarity, normaliseParam, similarityKinds, similarityLabels } from './similarity.js';

export const modelParameterRandomisationParams = z.object({
  similarity: z
    .enum(similarityKinds)
    .default('spearman')
    .describe('How a randomised model’s heatmap is compared with the original: Spearman rank correlation (Quantus’s default) or SSIM (Wang et al. 2004); Adebayo et al. report both.'),
  absolute: z.boolean().default(true).describe('Compare |a| (Adebayo et al. 2018 and Quantus: the sign of a randomised map is arbitrary); off compares signed maps.'),
  normalise: normaliseParam,
  order: z
    .enum(['cascading', 'independent'])
    .default('cascading')
    .describe('cascading: stage k randomises the k layers nearest the output (Adebayo et al.’s main test); independent: stage k randomises only the k-th layer from the output.'),
});

export const modelParameterRandomisation = defineMetric({
  id: 'model-parameter-randomisation',
  curve: true,
  label: 'Model parameter randomisation (mean similarity)',
  family: 'robustness',
  citation: 'Adebayo et al. 2018, cascading model parameter randomisation',
  // A method that passes the sanity check gives heatmaps unlike the original once weights are random.
  higherIsBetter: false,
  needs: { model: true, explainer: true },
  params: modelParameterRandomisationParams,
  score: async (batch, p, rng, onProgress) => {
    const { n, height, width, explainer, images } = batch;
    if (explainer === undefined || images === undefined) throw new Error('The randomisation test needs the explainer and the model’s inputs in the batch.');
    const layers = explainer.layers;
    const stages = layers.length;
    if (stages === 0) throw new Error('The model has no Conv, Gemm or MatMul layer with weights to randomise.');
    const plane = height * width;
    // One random model per stage for every batch scored with this generator: the weights come from its seed, not its draws.
    const seed = rng.seed;
    const points = stages + 1;
    const y = new Float32Array(n * points);
    for (let k = 0; k < points; k++) {
      const chosen = k === 0 ? [] : p.order === 'cascading' ? layers.slice(0, k) : [layers[k - 1]!];
      const maps = await (k === 0 ? explainer : explainer.randomised(chosen, seed)).explain(images, n, batch.targets);
      for (let i = 0; i < n; i++) y[i * points + k] = heatmapSimilarity(heatmapOf(batch, i), maps.subarray(i * plane, (i + 1) * plane), height, width, p);
      onProgress?.((k + 1) * n, points * n);
    }
    // The mean over the stages where the similarity is defined (Spearman is not for a constant map).
    const scores = Float64Array.from({ length: n }, (_, i) => {
      let sum = 0;
      let defined = 0;
      for (let k = 1; k < points; k++) {
        const v = y[i * points + k]!;
        if (Number.isNaN(v)) continue;
        sum += v;
        defined++;
      }
      return defined === 0 ? NaN : sum / defined;
    });
    return {
      scores,
      curves: {
        x: Float64Array.from({ length: points }, (_, k) => k),
        y,
        xLabel: p.order === 'cascading' ? 'layers randomised, from the output' : 'layer randomised, counted from the output',
        yLabel: `${similarityLabels[p.similarity]} with the original heatmap`,
      },
    };
  },
});
