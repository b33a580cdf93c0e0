// Faithfulness correlation (Bhatt, Weller & Moura 2020, "Evaluating and aggregating feature-based
// model explanations", eq. 2): over random pixel subsets S of a fixed size, the Pearson correlation
// between the relevance in S, Σ_{i∈S} a_i, and the score drop when S is replaced by a baseline,
// f(x) − f(x with x_S replaced). Defaults as Quantus's FaithfulnessCorrelation: 100 subsets of 224
// pixels, black, on the logit.
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { pearson } from '../statistics/pearson.js';
import { callRows, MODEL_CALL_ROWS, targetScore } from './curves.js';
import { blurSigmaParam, perturber, perturbationChoices, perturbationKinds, sourceOf } from './perturbation.js';
import { roadNoiseParam } from './road-imputation.js';
import { removal } from './validity.js';
import { perturbationWords } from './perturbation-words.js';
import { shuffledPixelGroups } from './pixel-order.js';
import { rankingMap, rankingParam } from './ranking.js';

export const faithfulnessCorrelationParams = z.object({
  subsets: z.int().min(2).max(10_000).default(100).describe('Random subsets per image (Quantus: 100).'),
  subsetSize: z.int().min(1).max(1_000_000).default(224).describe('Pixels per subset (Quantus: 224), at most half the image.'),
  perturbation: z.enum(perturbationKinds).default('black').describe(`What the subset is replaced with: ${perturbationChoices}. Quantus: black.`),
  blurSigma: blurSigmaParam,
  roadNoise: roadNoiseParam,
  output: z.enum(['logit', 'probability']).default('logit').describe('The score whose drop is correlated (Quantus: the logit).'),
  relevance: rankingParam,
});

export const faithfulnessCorrelation = defineMetric({
  id: 'faithfulness-correlation',
  label: 'Faithfulness correlation',
  family: 'faithfulness',
  citation: 'Bhatt, Weller & Moura 2020, eq. 2',
  higherIsBetter: true,
  needs: { model: true },
  params: faithfulnessCorrelationParams,
  probe: (p, { height, width }) => {
    const k = Math.min(p.subsetSize, Math.floor((height * width) / 2));
    return {
      key: `subset/${k}/${p.perturbation}/${p.perturbation === 'blur' ? p.blurSigma : p.perturbation === 'road' ? p.roadNoise : ''}/${p.output}`,
      label: `${perturbationWords(p.perturbation, p.blurSigma)} in random subsets of ${k} pixels`,
      output: p.output,
      perturber: (batch, i, rng) => removal(perturber(p.perturbation, sourceOf(batch, i), rng, p)),
      randomGroups: (rng) => shuffledPixelGroups(height * width, k, rng),
      steps: 1,
    };
  },
  async score(batch, p, rng, onProgress) {
    const { n, height, width, channels = 1, forward, images, classes } = batch;
    if (!forward || !images || classes === undefined) throw new Error('Faithfulness correlation needs the model and its inputs in the batch.');
    const plane = height * width;
    const size = channels * plane;
    const k = Math.min(p.subsetSize, Math.floor(plane / 2));
    // Each image's x and its perturbed copies queue up across images for full model calls.
    const per = p.subsets + 1;
    const outputs = new Float64Array(n * per);
    const sums = new Float64Array(n * p.subsets);
    const rows = MODEL_CALL_ROWS;
    const buffer = new Float32Array(rows * size);
    const slots = new Int32Array(rows);
    let filled = 0;
    const flush = async () => {
      if (filled === 0) return;
      const call = callRows(filled, rows);
      buffer.fill(0, filled * size, call * size);
      const logits = await forward(buffer.subarray(0, call * size), call);
      for (let r = 0; r < filled; r++) outputs[slots[r]!] = targetScore(logits.subarray(r * classes, (r + 1) * classes), batch.targets[Math.floor(slots[r]! / per)]!, p.output, batch.scores);
      filled = 0;
    };
    const queue = async (slot: number) => {
      slots[filled++] = slot;
      if (filled === rows) await flush();
    };
    const pool = Int32Array.from({ length: plane }, (_, q) => q);
    for (let i = 0; i < n; i++) {
      const source = sourceOf(batch, i);
      const { image } = source;
      const heatmap = rankingMap(batch, i, p.relevance);
      const perturb = perturber(p.perturbation, source, rng, p);
      buffer.set(image, filled * size);
      await queue(i * per);
      for (let s = 0; s < p.subsets; s++) {
        // A partial Fisher–Yates shuffle draws k pixels without replacement.
        for (let j = 0; j < k; j++) {
          const r = j + rng.int(plane - j);
          [pool[j], pool[r]] = [pool[r]!, pool[j]!];
        }
        const subset = pool.subarray(0, k);
        const view = buffer.subarray(filled * size, (filled + 1) * size);
        view.set(image);
        // Each subset is removed from the original alone, not on top of the previous one.
        perturb.reset();
        perturb.remove(view, subset);
        let sum = 0;
        for (const q of subset) sum += heatmap[q]!;
        sums[i * p.subsets + s] = sum;
        await queue(i * per + s + 1);
      }
      onProgress?.(i + 1, n);
    }
    await flush();
    const scores = new Float64Array(n);
    const drops = new Float64Array(p.subsets);
    for (let i = 0; i < n; i++) {
      const f0 = outputs[i * per]!;
      for (let s = 0; s < p.subsets; s++) drops[s] = f0 - outputs[i * per + s + 1]!;
      scores[i] = pearson(sums.subarray(i * p.subsets, (i + 1) * p.subsets), drops);
    }
    return { scores };
  },
});
