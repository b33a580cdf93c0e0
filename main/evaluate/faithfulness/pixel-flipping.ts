// Pixel flipping (Bach et al. 2015, as Quantus's PixelFlipping defines it): perturb the pixels one
// group at a time in the heatmap's order, most relevant first, and track the explained score
// f(x⁽ᵏ⁾); the score is the area under that curve over the fraction of pixels flipped — the faster
// it falls, the lower the area and the more faithful the heatmap.
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { scoreCurves } from './curves.js';
import { blurSigmaParam, perturber, perturbationChoices, perturbationKinds, sourceOf } from './perturbation.js';
import type { Perturber } from './perturber.js';
import { roadNoiseParam } from './road-imputation.js';
import { removal } from './validity.js';
import { perturbationWords } from './perturbation-words.js';
import { pixelGroups, shuffledPixelGroups, trapezoidAreas } from './pixel-order.js';
import { rankingMap, rankingParam } from './ranking.js';

export const pixelFlippingParams = z.object({
  pixelsPerStep: z.int().min(1).max(65_536).default(1).describe('Pixels flipped per step (Bach et al. 2015 and Quantus: 1).'),
  perturbation: z.enum(perturbationKinds).default('black').describe(`What a flipped pixel becomes: ${perturbationChoices}. Quantus: black.`),
  blurSigma: blurSigmaParam,
  roadNoise: roadNoiseParam,
  output: z.enum(['logit', 'probability']).default('probability').describe('The score tracked (Quantus: the softmax probability).'),
  relevance: rankingParam,
});

export const pixelFlipping = defineMetric({
  id: 'pixel-flipping',
  curve: true,
  label: 'Pixel flipping (AUC)',
  family: 'faithfulness',
  citation: 'Bach et al. 2015; Quantus PixelFlipping',
  higherIsBetter: false,
  needs: { model: true },
  params: pixelFlippingParams,
  probe: (p, { height, width }) => ({
    key: `pixels/${p.pixelsPerStep}/${p.perturbation}/${p.perturbation === 'blur' ? p.blurSigma : p.perturbation === 'road' ? p.roadNoise : ''}/${p.output}`,
    label: `${perturbationWords(p.perturbation, p.blurSigma)} in groups of ${p.pixelsPerStep} pixel${p.pixelsPerStep === 1 ? '' : 's'}`,
    output: p.output,
    perturber: (batch, i, rng) => removal(perturber(p.perturbation, sourceOf(batch, i), rng, p)),
    randomGroups: (rng) => shuffledPixelGroups(height * width, p.pixelsPerStep, rng),
    steps: Math.ceil((height * width) / p.pixelsPerStep),
  }),
  async score(batch, p, rng, onProgress) {
    const plane = batch.height * batch.width;
    const steps = Math.ceil(plane / p.pixelsPerStep);
    const perturbs: Perturber[] = [];
    const y = await scoreCurves(
      batch,
      {
        steps,
        output: p.output,
        groups: (i) => {
          perturbs[i] = perturber(p.perturbation, sourceOf(batch, i), rng, p);
          return pixelGroups(rankingMap(batch, i, p.relevance), p.pixelsPerStep);
        },
        change: (i, image, pixels) => perturbs[i]!.remove(image, pixels),
      },
      onProgress,
    );
    return { scores: trapezoidAreas(y, batch.n), curves: { x: Float64Array.from({ length: steps + 1 }, (_, k) => Math.min(1, (k * p.pixelsPerStep) / plane)), y, xLabel: 'fraction of pixels flipped', yLabel: 'f(x⁽ᵏ⁾)' } };
  },
});
