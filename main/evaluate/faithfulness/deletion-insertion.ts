// Deletion and insertion (Petsiuk, Das & Saenko 2018, "RISE", §4.1): delete the pixels in the
// heatmap's order from the image (deletion: the class probability should fall fast, a low area is
// good), or insert them into a blurred copy of it (insertion: the probability should rise fast, a
// high area is good). Areas by the trapezoid rule over the fraction of pixels, as in the authors'
// code (224 pixels per step on 224-pixel-wide images: one row's worth, the default here).
import { z } from 'zod';
import { defineMetric, type MetricBatch, type MetricProgress, type MetricResult, type PerturbationProbe } from '../metric.js';
import { scoreCurves } from './curves.js';
import { blurredImage, perturber, perturbationChoices, perturbationKinds, sourceOf } from './perturbation.js';
import { roadNoiseParam } from './road-imputation.js';
import { removal } from './validity.js';
import { perturbationWords } from './perturbation-words.js';
import { pixelGroups, shuffledPixelGroups, trapezoidAreas } from './pixel-order.js';
import { rankingMap, rankingParam, type RankingMode } from './ranking.js';

const common = {
  pixelsPerStep: z.int().min(1).max(65_536).optional().describe('Pixels deleted or inserted per step; one image row by default (Petsiuk et al. 2018: 224 on 224-pixel images).'),
  blurSigma: z.number().min(0.1).max(64).default(5).describe('σ of the blur (Petsiuk et al. 2018: σ 5, an 11-pixel kernel).'),
  output: z.enum(['logit', 'probability']).default('probability').describe('The score tracked (Petsiuk et al. 2018: the class probability).'),
  relevance: rankingParam,
};

export const deletionParams = z.object({
  ...common,
  perturbation: z.enum(perturbationKinds).default('zero').describe(`What a deleted pixel becomes: ${perturbationChoices}. Petsiuk et al. 2018: zero in the model’s input space.`),
  roadNoise: roadNoiseParam,
});
export const insertionParams = z.object(common);

async function curve(batch: MetricBatch, perStep: number | undefined, output: 'logit' | 'probability', relevance: RankingMode, build: (i: number) => { start?: Float32Array; change: (image: Float32Array, pixels: Int32Array) => void }, onProgress?: MetricProgress): Promise<MetricResult> {
  const plane = batch.height * batch.width;
  const step = perStep ?? batch.width;
  const steps = Math.ceil(plane / step);
  const built: ReturnType<typeof build>[] = [];
  const y = await scoreCurves(
    batch,
    {
      steps,
      output,
      start: (i, image) => {
        built[i] = build(i);
        if (built[i]!.start) image.set(built[i]!.start!);
      },
      groups: (i) => pixelGroups(rankingMap(batch, i, relevance), step),
      change: (i, image, pixels) => built[i]!.change(image, pixels),
    },
    onProgress,
  );
  return { scores: trapezoidAreas(y, batch.n), curves: { x: Float64Array.from({ length: steps + 1 }, (_, k) => Math.min(1, (k * step) / plane)), y, xLabel: 'fraction of pixels', yLabel: output === 'logit' ? 'logit' : 'probability' } };
}

/** Deletion's and insertion's removal: rows' worth of pixels (or the steps asked for) in a random order. */
function pixelProbe(key: string, label: string, p: { pixelsPerStep?: number | undefined; output: 'logit' | 'probability' }, { height, width }: { height: number; width: number }, perturberOf: PerturbationProbe['perturber']): PerturbationProbe {
  const step = p.pixelsPerStep ?? width;
  return {
    key: `${key}/${step}/${p.output}`,
    label: `${label} in groups of ${step} pixels`,
    output: p.output,
    perturber: perturberOf,
    randomGroups: (rng) => shuffledPixelGroups(height * width, step, rng),
    steps: Math.ceil((height * width) / step),
  };
}

export const deletion = defineMetric({
  id: 'deletion',
  curve: true,
  label: 'Deletion (AUC)',
  family: 'faithfulness',
  citation: 'Petsiuk et al. 2018, §4.1',
  higherIsBetter: false,
  needs: { model: true },
  params: deletionParams,
  probe: (p, geometry) => pixelProbe(`deletion/${p.perturbation}/${p.perturbation === 'blur' ? p.blurSigma : p.perturbation === 'road' ? p.roadNoise : ''}`, perturbationWords(p.perturbation, p.blurSigma), p, geometry, (batch, i, rng) => removal(perturber(p.perturbation, sourceOf(batch, i), rng, p))),
  score: (batch, p, rng, onProgress) => curve(batch, p.pixelsPerStep, p.output, p.relevance, (i) => {
      const perturb = perturber(p.perturbation, sourceOf(batch, i), rng, p);
      return { change: (image, pixels) => perturb.remove(image, pixels) };
    }, onProgress),
});

export const insertion = defineMetric({
  id: 'insertion',
  curve: true,
  label: 'Insertion (AUC)',
  family: 'faithfulness',
  citation: 'Petsiuk et al. 2018, §4.1',
  higherIsBetter: true,
  needs: { model: true },
  params: insertionParams,
  // Insertion starts from the blurred image: that canvas is what must carry no evidence.
  probe: (p, geometry) =>
    pixelProbe(`insertion/${p.blurSigma}`, `the insertion canvas, ${perturbationWords('blur', p.blurSigma)}`, p, geometry, (batch, i) => {
      const blurred = blurredImage(sourceOf(batch, i), p.blurSigma, 5);
      const { channels = 1 } = batch;
      const plane = batch.height * batch.width;
      return (image, pixels) => {
        for (let c = 0; c < channels; c++) for (const q of pixels) image[c * plane + q] = blurred[c * plane + q]!;
      };
    }),
  score: (batch, p, _rng, onProgress) =>
    curve(
      batch,
      p.pixelsPerStep,
      p.output,
      p.relevance,
      (i) => {
        const original = sourceOf(batch, i);
        // The authors' kernel: 11 pixels wide (radius 5) with σ 5.
        const start = blurredImage(original, p.blurSigma, 5);
        return {
          start,
          change: (image, pixels) => {
            for (let c = 0; c < original.channels; c++) for (const q of pixels) image[c * original.plane + q] = original.image[c * original.plane + q]!;
          },
        };
      },
      onProgress,
    ),
});
