// The shape every perturbation (forward-only) method shares, and the batching loop they all use.
import type { z } from 'zod';
import type { RelevanceSign } from '../../../shared/explanations.js';
import type { Random } from '../../numeric/random.js';
import type { ExplainInput, Forward } from '../forward.js';

/** Reports forward passes done out of the total the method needs. */
export type Progress = (done: number, total: number) => void;

export interface PerturbationMethod<S extends z.ZodType = z.ZodType> {
  id: string;
  label: string;
  kind: 'perturbation';
  /** How metrics rank its maps by default (methods.md says why, per method). */
  relevance: RelevanceSign;
  params: S;
  /**
   * Values of parameters added after runs were first stored: a stored run without such a key was
   * made with this value, so re-running it (main/evaluate/explainer.ts) means what it meant then.
   */
  legacyParams?: Record<string, unknown>;
  /** The heatmap [H, W] (channels reduced) for input.target. */
  run(forward: Forward, input: ExplainInput, params: z.output<S>, rng: Random, onProgress?: Progress): Promise<Float32Array>;
}

export function defineMethod<S extends z.ZodType>(method: PerturbationMethod<S>): PerturbationMethod<S> {
  return method;
}

/**
 * Runs `count` perturbed copies of the input through `forward`, at most `batchSize` at a time:
 * `perturb(i, image)` writes sample i into a [C,H,W] view (pre-filled with the original image),
 * then `consume(i, score)` receives the target's score of sample i (its logit, or `scoreOf` of its
 * row of outputs). The next batch is perturbed
 * while the current one runs (two buffers), so a method keeping per-sample state needs a ring of
 * `pipelineSlots(batchSize, count)` slots.
 */
export async function forwardBatched(
  forward: Forward,
  input: ExplainInput,
  count: number,
  batchSize: number,
  perturb: (i: number, image: Float32Array) => void,
  consume: (i: number, score: number) => void,
  onProgress?: Progress,
  scoreOf: (row: Float32Array, target: number) => number = (row, target) => row[target]!,
): Promise<void> {
  const size = input.image.length;
  const batch = Math.max(1, Math.min(batchSize, count));
  const buffers = [new Float32Array(batch * size), new Float32Array(batch * size)] as const;
  const fill = (start: number, buffer: Float32Array): number => {
    const n = Math.min(batch, count - start);
    for (let j = 0; j < n; j++) {
      const view = buffer.subarray(j * size, (j + 1) * size);
      view.set(input.image);
      perturb(start + j, view);
    }
    return n;
  };
  if (count <= 0) return;
  let [current, spare] = buffers;
  let n = fill(0, current);
  for (let start = 0; start < count; start += batch) {
    const running = forward(current.subarray(0, n * size), n);
    // Overlap: prepare the next batch in the other buffer while the model runs this one.
    const next = start + batch < count ? fill(start + batch, spare) : 0;
    [current, spare] = [spare, current];
    const logits = await running;
    if (logits.length < n * input.classes) throw new Error(`The model returned ${logits.length} values for ${n} images of ${input.classes} classes.`);
    for (let j = 0; j < n; j++) consume(start + j, scoreOf(logits.subarray(j * input.classes, (j + 1) * input.classes), input.target));
    onProgress?.(start + n, count);
    n = next;
  }
}

/** Ring slots a method needs to keep per-sample state across forwardBatched's two batches in flight. */
export function pipelineSlots(batchSize: number, count: number): number {
  return Math.max(1, Math.min(2 * batchSize, count));
}

/** softmax(row)[target], computed stably (the largest logit subtracted first). */
export function softmaxAt(row: ArrayLike<number>, target: number): number {
  let max = -Infinity;
  for (let k = 0; k < row.length; k++) max = Math.max(max, row[k]!);
  let sum = 0;
  for (let k = 0; k < row.length; k++) sum += Math.exp(row[k]! - max);
  return Math.exp(row[target]! - max) / sum;
}

/** The target logit of one image. */
export async function targetScore(forward: Forward, input: ExplainInput, image: Float32Array): Promise<number> {
  const logits = await forward(image, 1);
  return logits[input.target]!;
}

/** Per-channel mean of a [C,H,W] image. */
export function channelMeans(input: ExplainInput): Float64Array {
  const { channels, height, width } = input.shape;
  const plane = height * width;
  const means = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let s = 0;
    for (let i = 0; i < plane; i++) s += input.image[c * plane + i]!;
    means[c] = s / plane;
  }
  return means;
}

/** A [C,H,W] image filled with a per-channel value: zeros, or the image's channel means. */
export function baselineImage(input: ExplainInput, baseline: 'zero' | 'mean'): Float32Array {
  const out = new Float32Array(input.image.length);
  if (baseline === 'zero') return out;
  const means = channelMeans(input);
  const plane = input.shape.height * input.shape.width;
  for (let c = 0; c < input.shape.channels; c++) out.fill(means[c]!, c * plane, (c + 1) * plane);
  return out;
}

export function checkInput(input: ExplainInput): void {
  const { channels, height, width } = input.shape;
  if (input.image.length !== channels * height * width)
    throw new Error(`The image holds ${input.image.length} values, not ${channels}×${height}×${width}.`);
  if (!Number.isInteger(input.target) || input.target < 0 || input.target >= input.classes)
    throw new Error(`Target class ${input.target} is not one of the model's ${input.classes} classes.`);
}
