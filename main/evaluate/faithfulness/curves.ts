// The batched core of every perturbation metric: for each image, the model's score of the
// explained class on x⁽⁰⁾ … x⁽ᴸ⁾, where x⁽ᵏ⁾ is x⁽ᵏ⁻¹⁾ with the k-th pixel group changed (Samek et
// al. 2017, eq. 11) — all L + 1 images of a batch go through ONNX Runtime in calls of `rows`
// images, queued across images.
import type { Forward } from '../../explain/forward.js';
import type { MetricBatch, MetricProgress } from '../metric.js';

export type ScoreOutput = 'logit' | 'probability';

export interface CurveRequest {
  /** The image sequence's start for image i (a copy is made); the batch's own image by default. */
  start?: (i: number, image: Float32Array) => void;
  /** The pixel groups changed at steps 1 … L of image i, in order. */
  groups(i: number): Int32Array[];
  /** Writes step k's change of image i into the running image. */
  change(i: number, image: Float32Array, pixels: Int32Array): void;
  /** Steps L: images with fewer groups repeat their last image. */
  steps: number;
  output: ScoreOutput;
}

/**
 * Images per model call: pixel flipping on tiny-cnn 32×32 ran at a median 192 heatmaps/s with 128,
 * 172 with 256, 160 with 64 and 139 with 512 (two threads, a loaded 2-core machine).
 */
export const MODEL_CALL_ROWS = 128;

/** The target's score at each step: [n, L + 1] (step 0 is the unchanged start). */
export async function scoreCurves(batch: MetricBatch, request: CurveRequest, onProgress?: MetricProgress, rows = MODEL_CALL_ROWS): Promise<Float32Array> {
  const { n, forward, classes, images } = batch;
  if (!forward || !images || classes === undefined || batch.channels === undefined) throw new Error('This faithfulness metric needs the model and its inputs in the batch.');
  const size = batch.channels * batch.height * batch.width;
  const points = request.steps + 1;
  const scores = new Float32Array(n * points);
  // One buffer for every call and one running image: no allocation per image or step.
  const buffer = new Float32Array(rows * size);
  const running = new Float32Array(size);
  let filled = 0;
  const owners = new Int32Array(rows);
  const at = new Int32Array(rows);
  const flush = async () => {
    if (filled === 0) return;
    const call = callRows(filled, rows);
    buffer.fill(0, filled * size, call * size);
    const logits = await (forward as Forward)(buffer.subarray(0, call * size), call);
    for (let r = 0; r < filled; r++) scores[owners[r]! * points + at[r]!] = targetScore(logits.subarray(r * classes, (r + 1) * classes), batch.targets[owners[r]!]!, request.output, batch.scores);
    filled = 0;
  };
  for (let i = 0; i < n; i++) {
    running.set(images.subarray(i * size, (i + 1) * size));
    request.start?.(i, running);
    const groups = request.groups(i);
    for (let k = 0; k < points; k++) {
      const group = k > 0 ? groups[k - 1] : undefined;
      if (group) request.change(i, running, group);
      buffer.set(running, filled * size);
      owners[filled] = i;
      at[filled++] = k;
      if (filled === rows) await flush();
    }
    onProgress?.(i + 1, n);
  }
  await flush();
  return scores;
}

/**
 * Rows sent for `filled` images: a partial call is padded to a power of two (at least 32), so
 * ONNX Runtime sees a handful of input shapes — its first calls on a new shape plan and grow
 * memory and cost many full calls' time.
 */
export function callRows(filled: number, rows: number): number {
  if (filled >= rows) return filled;
  let call = 32;
  while (call < filled) call *= 2;
  return Math.min(call, rows);
}

/**
 * The explained class's logit, or its softmax probability. A model whose output is already
 * probabilities has no logit: either output is its probability, taken as it is.
 */
export function targetScore(logits: Float32Array, target: number, output: ScoreOutput, scores: 'logits' | 'probabilities' = 'logits'): number {
  if (output === 'logit' || scores === 'probabilities') return logits[target]!;
  let max = -Infinity;
  for (const v of logits) max = Math.max(max, v);
  let total = 0;
  for (const v of logits) total += Math.exp(v - max);
  return Math.exp(logits[target]! - max) / total;
}
