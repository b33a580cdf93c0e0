// What a faithfulness metric writes into the pixels it removes. Samek et al. 2017 (eq. 11's g):
// values drawn from a uniform distribution — here per pixel and channel over the model's input
// range. Also: the darkest input value ('black'; Quantus uses the image's own minimum), zero in
// the model's input space ('zero'; RISE's deletion, which is the mean colour for mean/std-normalised
// inputs), each channel's mean of the image ('mean'), the image under a Gaussian blur ('blur'), or
// ROAD's noisy linear imputation from the kept neighbours ('road', road-imputation.ts).
import { z } from 'zod';
import { gaussianBlur } from '../../numeric/blur.js';
import type { Random } from '../../numeric/random.js';
import type { MetricBatch } from '../metric.js';
import type { PerturbationSource, Perturber } from './perturber.js';
import { NoisyLinearImputation, ROAD_NOISE } from './road-imputation.js';

export const perturbationKinds = ['uniform', 'black', 'zero', 'mean', 'blur', 'road'] as const;
export type PerturbationKind = (typeof perturbationKinds)[number];

/** The choices in words, for the parameter descriptions the forms show. */
export const perturbationChoices = 'uniform noise over the input range, the darkest input (black), zero, the image mean, a blur, or road: noisy linear imputation (ROAD, Rong et al. 2022)';

export const blurSigmaParam = z.number().min(0.1).max(64).default(5).describe('σ in pixels of the blur perturbation (Petsiuk et al. 2018 blur with σ 5).');

export interface PerturberOptions {
  blurSigma?: number;
  /** σ of ROAD's noise as a share of each channel's input range. */
  roadNoise?: number;
}

/** Image i of a batch as a perturbation source; the input range is [0, 1] per channel when the batch does not give one. */
export function sourceOf(batch: MetricBatch, i: number): PerturbationSource {
  const { height, width, channels = 1 } = batch;
  const plane = height * width;
  if (!batch.images) throw new Error('This faithfulness metric needs the model’s inputs in the batch.');
  const bounds = batch.inputBounds ?? { low: Array<number>(channels).fill(0), high: Array<number>(channels).fill(1) };
  return { image: batch.images.subarray(i * channels * plane, (i + 1) * channels * plane), channels, plane, height, width, bounds };
}

/** The perturber of one image; each but 'road' fills every pixel on its own, so for them reset() does nothing. */
export function perturber(kind: PerturbationKind, source: PerturbationSource, rng: Random, { blurSigma = 5, roadNoise = ROAD_NOISE }: PerturberOptions = {}): Perturber {
  const { channels, plane, bounds } = source;
  if (kind === 'road') return new NoisyLinearImputation(source, rng, roadNoise);
  const pointwise = (remove: Perturber['remove']): Perturber => ({ remove, reset: () => undefined });
  if (kind === 'uniform')
    return pointwise((image, pixels) => {
      for (let c = 0; c < channels; c++) for (const p of pixels) image[c * plane + p] = rng.uniform(bounds.low[c]!, bounds.high[c]!);
    });
  let fill: (c: number, p: number) => number;
  if (kind === 'black') fill = (c) => bounds.low[c]!;
  else if (kind === 'zero') fill = () => 0;
  else if (kind === 'mean') {
    const means = Array.from({ length: channels }, (_, c) => source.image.subarray(c * plane, (c + 1) * plane).reduce((a, b) => a + b, 0) / plane);
    fill = (c) => means[c]!;
  } else {
    const blurred = blurredImage(source, blurSigma);
    fill = (c, p) => blurred[c * plane + p]!;
  }
  return pointwise((image, pixels) => {
    for (let c = 0; c < channels; c++) for (const p of pixels) image[c * plane + p] = fill(c, p);
  });
}

/** The image with every channel blurred. */
export function blurredImage(source: Pick<PerturbationSource, 'image' | 'channels' | 'plane' | 'height' | 'width'>, sigma: number, radius?: number): Float32Array {
  const out = new Float32Array(source.image.length);
  for (let c = 0; c < source.channels; c++) out.set(gaussianBlur(source.image.subarray(c * source.plane, (c + 1) * source.plane), source.height, source.width, sigma, radius), c * source.plane);
  return out;
}
