// Region perturbation (Samek, Binder, Montavon, Bach & Müller 2017, "Evaluating the visualization
// of what a deep neural network has learned", eqs. 11–12): remove the image's regions one after
// another in the heatmap's order — most relevant first (MoRF) or least relevant first (LeRF) —
// and track the explained score. AOPC = 1/(L+1) Σ_{k=0..L} f(x⁽⁰⁾) − f(x⁽ᵏ⁾), per image here (the
// paper's AOPC is its mean over images). A good heatmap makes the score fall fast under MoRF (high
// AOPC) and slowly under LeRF (low AOPC); ABPC, the area between the LeRF and MoRF curves, rewards
// both at once (the paper's appendix; Schulz et al. 2020).
import { z } from 'zod';
import type { Random } from '../../numeric/random.js';
import { defineMetric, type ImageGeometry, type MetricBatch, type MetricProgress, type MetricResult, type PerturbationProbe } from '../metric.js';
import { scoreCurves } from './curves.js';
import { blurSigmaParam, perturber, perturbationChoices, perturbationKinds, sourceOf } from './perturbation.js';
import type { Perturber } from './perturber.js';
import { roadNoiseParam } from './road-imputation.js';
import { perturbationWords } from './perturbation-words.js';
import { rankingMap, rankingParam } from './ranking.js';
import { removal } from './validity.js';
import { paperGeometry, rankedRegions, regionCount, shuffledRegions } from './regions.js';

const MAX_REGION = 64;
const MAX_STEPS = 10_000;

export const regionPerturbationParams = z.object({
  regionSize: z
    .int()
    .min(1)
    .max(MAX_REGION)
    .optional()
    .describe('Side s of a region in pixels. Default: the paper’s 9 px on 224-px images scaled to the image, max(1, round(9 · side / 224)) — 1 px on 32-px images, 3 px on 64-px ones.'),
  regions: z
    .enum(['grid', 'greedy'])
    .default('grid')
    .describe('grid: non-overlapping s×s tiles ranked by mean relevance (the paper; iNNvestigate). greedy: an s×s patch at every pixel ranked by summed relevance, overlapping ones skipped (Quantus).'),
  steps: z
    .int()
    .min(1)
    .max(MAX_STEPS)
    .optional()
    .describe('Regions removed, L; at most the regions the image has. Default: the paper’s share of the image (L = 100 regions of 9×9 px on 224 px ≈ 16 %) at the region size, and never the whole image.'),
  perturbation: z
    .enum(perturbationKinds)
    .default('road')
    .describe(`What replaces a removed region: ${perturbationChoices}. Default road: the one that behaved most like removal on Heatlab's Triangles & Squares and circles-vs-triangles benchmarks (metrics.md); the paper used uniform noise.`),
  blurSigma: blurSigmaParam,
  roadNoise: roadNoiseParam,
  output: z.enum(['logit', 'probability']).default('logit').describe('The score tracked: the explained class’s logit (the paper’s f(x)) or its softmax probability (Quantus).'),
  relevance: rankingParam,
});
type Params = z.output<typeof regionPerturbationParams>;

/** The region side and steps as run: those asked for, else the paper's geometry scaled to the image. */
export function regionGeometry(p: Pick<Params, 'regionSize' | 'steps'>, { height, width }: ImageGeometry): { size: number; steps: number } {
  const paper = paperGeometry(height, width);
  // Defaults stay within the parameters' own ranges, so a fitted record always parses again.
  const size = p.regionSize ?? Math.min(MAX_REGION, paper.size);
  const share = p.steps ?? Math.round((paper.steps * paper.size * paper.size) / (size * size));
  const steps = Math.min(share, MAX_STEPS, regionCount(height, width, size) - (p.steps === undefined ? 1 : 0));
  return { size, steps: Math.max(1, steps) };
}

const fitRegions = (p: Params, geometry: ImageGeometry): Params => {
  const { size, steps } = regionGeometry(p, geometry);
  return { ...p, regionSize: size, steps };
};

/** Region perturbation's removal: its perturbation in its own regions. */
function regionProbe(p: Params, geometry: ImageGeometry): PerturbationProbe {
  const { size, steps } = regionGeometry(p, geometry);
  const { height, width } = geometry;
  return {
    key: `region/${p.regions}/${size}/${steps}/${p.perturbation}/${p.perturbation === 'blur' ? p.blurSigma : p.perturbation === 'road' ? p.roadNoise : ''}/${p.output}`,
    label: `${perturbationWords(p.perturbation, p.blurSigma)} in ${size}×${size}-px ${p.regions === 'grid' ? 'grid' : 'greedy'} regions`,
    output: p.output,
    perturber: (batch, i, rng) => removal(perturber(p.perturbation, sourceOf(batch, i), rng, p)),
    randomGroups: (rng) => shuffledRegions(height, width, size, p.regions, steps, rng),
    steps,
  };
}

/** f(x⁽⁰⁾) − f(x⁽ᵏ⁾) for k = 0 … L, [n, L + 1], removing regions in the given order. */
export async function perturbationCurve(batch: MetricBatch, p: Params, order: 'morf' | 'lerf', rng: Random, onProgress?: MetricProgress): Promise<{ x: Float64Array; y: Float32Array }> {
  const { height, width } = batch;
  const { size, steps } = regionGeometry(p, batch);
  const perturbs = new Map<number, Perturber>();
  const scores = await scoreCurves(
    batch,
    {
      steps,
      output: p.output,
      groups: (i) => {
        const heatmap = rankingMap(batch, i, p.relevance);
        const ranked = rankedRegions(order === 'morf' ? heatmap : heatmap.map((v) => -v), height, width, size, p.regions, steps);
        perturbs.set(i, perturber(p.perturbation, sourceOf(batch, i), rng, p));
        return ranked;
      },
      change: (i, image, pixels) => perturbs.get(i)!.remove(image, pixels),
    },
    onProgress,
  );
  const points = steps + 1;
  for (let i = 0; i < batch.n; i++) {
    const f0 = scores[i * points]!;
    for (let k = 0; k < points; k++) scores[i * points + k] = f0 - scores[i * points + k]!;
  }
  return { x: Float64Array.from({ length: points }, (_, k) => k), y: scores };
}

/** Each row's mean: AOPC (eq. 12) of a curve of f(x⁽⁰⁾) − f(x⁽ᵏ⁾). */
export function rowMeans(y: Float32Array, n: number): Float64Array {
  const points = y.length / n;
  return Float64Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let k = 0; k < points; k++) s += y[i * points + k]!;
    return s / points;
  });
}

const curveResult = (curve: { x: Float64Array; y: Float32Array }, n: number): MetricResult => ({
  scores: rowMeans(curve.y, n),
  curves: { ...curve, xLabel: 'regions removed', yLabel: 'f(x⁽⁰⁾) − f(x⁽ᵏ⁾)' },
});

const regionPerturbation = (order: 'morf' | 'lerf') =>
  defineMetric({
    id: order === 'morf' ? 'region-perturbation' : 'region-perturbation-lerf',
    curve: true,
    label: `Region perturbation, ${order === 'morf' ? 'MoRF' : 'LeRF'} (AOPC)`,
    family: 'faithfulness',
    citation: order === 'morf' ? 'Samek et al. 2017, eqs. 11–12' : 'Samek et al. 2017, eqs. 11–12 and appendix',
    // The score should fall fast when the most relevant regions go first, slowly when the least relevant do.
    higherIsBetter: order === 'morf',
    needs: { model: true },
    params: regionPerturbationParams,
    fit: fitRegions,
    probe: regionProbe,
    score: async (batch, p, rng, onProgress) => curveResult(await perturbationCurve(batch, p, order, rng, onProgress), batch.n),
  });

export const regionPerturbationMorf = regionPerturbation('morf');
export const regionPerturbationLerf = regionPerturbation('lerf');

export const abpc = defineMetric({
  id: 'abpc',
  curve: true,
  label: 'Area between the LeRF and MoRF curves (ABPC)',
  family: 'faithfulness',
  citation: 'Samek et al. 2017, appendix; Schulz et al. 2020',
  higherIsBetter: true,
  needs: { model: true },
  params: regionPerturbationParams,
  fit: fitRegions,
  probe: regionProbe,
  score: async (batch, p, rng, onProgress) => {
    const morf = await perturbationCurve(batch, p, 'morf', rng, onProgress && ((done, total) => onProgress(done, 2 * total)));
    const lerf = await perturbationCurve(batch, p, 'lerf', rng, onProgress && ((done, total) => onProgress(total + done, 2 * total)));
    // (f0 − f_MoRF) − (f0 − f_LeRF) = f_LeRF − f_MoRF at every step.
    const y = morf.y.map((v, k) => v - lerf.y[k]!);
    return { scores: rowMeans(y, batch.n), curves: { x: morf.x, y, xLabel: 'regions removed', yLabel: 'f(x_LeRF⁽ᵏ⁾) − f(x_MoRF⁽ᵏ⁾)' } };
  },
});
