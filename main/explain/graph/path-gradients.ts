// The batched core of SmoothGrad and Integrated Gradients: each image is expanded into many points
// (noisy copies, points on a path), the points stream through the graph in batches of the
// session's size, and each image accumulates the weighted gradients of its own points.
import type { GraphInput, GraphPass, GraphSession } from './method.js';
import { oneHot } from './tensors.js';

/**
 * Σ_k weight(k) · ∇f_target(point(i, k)) for every image i, k < count, as [n, C, H, W].
 * `point` writes point k of image i into `out` (one image long).
 */
export async function accumulateGradients(session: GraphSession, pass: GraphPass, input: GraphInput, count: number, weight: number | ((k: number) => number), point: (image: number, k: number, out: Float32Array) => void): Promise<Float32Array> {
  const size = input.shape[0] * input.shape[1] * input.shape[2];
  const total = new Float32Array(input.n * size);
  const batch = Math.max(1, session.batchSize);
  const images = new Float32Array(batch * size);
  const owners = new Int32Array(batch);
  const weights = new Float32Array(batch);
  const weightOf = typeof weight === 'number' ? () => weight : weight;
  let filled = 0;
  const flush = async () => {
    if (filled === 0) return;
    const targets = Array.from(owners.subarray(0, filled), (i) => input.targets[i]!);
    const { gradient } = await session.run(pass, images.subarray(0, filled * size), filled, oneHot(targets, session.classes));
    for (let b = 0; b < filled; b++) {
      const into = total.subarray(owners[b]! * size, (owners[b]! + 1) * size);
      const g = gradient.subarray(b * size, (b + 1) * size);
      const wb = weights[b]!;
      for (let p = 0; p < size; p++) into[p]! += wb * g[p]!;
    }
    filled = 0;
  };
  for (let i = 0; i < input.n; i++)
    for (let k = 0; k < count; k++) {
      point(i, k, images.subarray(filled * size, (filled + 1) * size));
      weights[filled] = weightOf(k);
      owners[filled++] = i;
      if (filled === batch) await flush();
    }
  await flush();
  return total;
}

/** The smallest and largest value of image i. */
export function rangeOf(images: Float32Array, i: number, size: number): { min: number; max: number } {
  let min = Infinity;
  let max = -Infinity;
  for (let p = i * size; p < (i + 1) * size; p++) {
    min = Math.min(min, images[p]!);
    max = Math.max(max, images[p]!);
  }
  return { min, max };
}
