// From generator parameters and a seed to images: balanced labels, splits, one seeded stream per
// image (so any image can be re-made alone, in any order), noise and quantisation to uint8.
import { splitCodes, splitNames } from '../../shared/datasets.js';
import type { GeneratorId, GeneratorParams, MaskKind, MaskOptions } from '../../shared/generators.js';
import { Random } from '../numeric/random.js';
import type { Generator } from './generators/generator.js';

export interface SplitFractions {
  train: number;
  validation: number;
  test: number;
}

/** Images per split: rounded train and validation shares, the rest to test. */
export function splitSizes(count: number, split: SplitFractions): [train: number, validation: number, test: number] {
  const train = Math.round(count * split.train);
  const validation = Math.min(count - train, Math.round(count * split.validation));
  return [train, validation, count - train - validation];
}

/** A 32-bit seed for image `index` of a dataset with `seed` (a splitmix-style mix of both). */
export function imageSeed(seed: number, index: number): number {
  let z = (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(index + 1, 0x85ebca6b)) >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x7feb352d) >>> 0;
  z = Math.imul(z ^ (z >>> 15), 0x846ca68b) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Splits laid out in order (train, then validation, then test) and, within each split, classes
 * balanced to within one image and shuffled by the seed.
 */
export function labelsAndSplits(count: number, split: SplitFractions, classes: number, seed: number): { labels: Int32Array; splits: Uint8Array } {
  const labels = new Int32Array(count);
  const splits = new Uint8Array(count);
  const rng = new Random(imageSeed(seed, -1));
  let start = 0;
  splitSizes(count, split).forEach((size, s) => {
    const part = labels.subarray(start, start + size);
    for (let k = 0; k < size; k++) part[k] = k % classes;
    for (let k = size - 1; k > 0; k--) {
      const j = rng.int(k + 1);
      const t = part[k]!;
      part[k] = part[j]!;
      part[j] = t;
    }
    splits.fill(splitCodes[splitNames[s]!], start, start + size);
    start += size;
  });
  return { labels, splits };
}

interface CommonParams {
  size: number;
  noise: number;
}

/** One image: its parameter row and its grey levels in [0, 1] (noise added, clipped). */
export function synthesize<G extends GeneratorId>(
  generator: Generator<G>,
  params: GeneratorParams<G>,
  label: number,
  seed: number,
  index: number,
  pixels: Float32Array,
): Float64Array {
  const rng = new Random(imageSeed(seed, index));
  const row = generator.sample(params, label, rng);
  generator.render(params, label, row, pixels);
  const { noise } = params as CommonParams;
  if (noise > 0) for (let k = 0; k < pixels.length; k++) pixels[k]! += noise * rng.normal();
  return row;
}

/** Grey levels in [0, 1] to uint8: round(255·clip(v, 0, 1)). */
export function quantize(pixels: Float32Array, out: Uint8Array): Uint8Array {
  for (let k = 0; k < pixels.length; k++) {
    const v = pixels[k]!;
    out[k] = v <= 0 ? 0 : v >= 1 ? 255 : Math.round(255 * v);
  }
  return out;
}

/** Masks of several images from their recorded rows: [k, size, size]. */
export function renderMasks<G extends GeneratorId>(
  generator: Generator<G>,
  params: GeneratorParams<G>,
  labels: ArrayLike<number>,
  rows: Float64Array,
  kind: MaskKind,
  options: MaskOptions,
): Uint8Array {
  const { size } = params as CommonParams;
  const width = generator.columns(params).length;
  const out = new Uint8Array(labels.length * size * size);
  for (let k = 0; k < labels.length; k++) {
    generator.mask(params, labels[k]!, rows.subarray(k * width, (k + 1) * width), kind, options, out.subarray(k * size * size, (k + 1) * size * size));
  }
  return out;
}
