// Pixels in the order a heatmap ranks them (most relevant first; ties in row-major order), cut
// into groups of `perStep` — the steps of pixel flipping and of deletion and insertion.
import type { Random } from '../../numeric/random.js';
import { shuffled } from '../../numeric/shuffle.js';
import { argsortDescending } from '../radix-sort.js';

export function pixelGroups(heatmap: Float32Array, perStep: number): Int32Array[] {
  // A radix argsort: a comparator sort of 1,024 pixels cost more than the metric's model calls.
  const order = new Int32Array(heatmap.length);
  argsortDescending(heatmap, order);
  const groups: Int32Array[] = [];
  for (let at = 0; at < order.length; at += perStep) groups.push(order.subarray(at, Math.min(order.length, at + perStep)));
  return groups;
}

/** Every pixel once in a uniformly random order, cut into groups of `perStep` (the removal check's regions). */
export function shuffledPixelGroups(plane: number, perStep: number, rng: Random): Int32Array[] {
  const order = shuffled(Int32Array.from({ length: plane }, (_, p) => p), rng);
  const groups: Int32Array[] = [];
  for (let at = 0; at < plane; at += perStep) groups.push(order.subarray(at, Math.min(plane, at + perStep)));
  return groups;
}

/** Area under each row's curve over x ∈ [0, 1] by the trapezoid rule (Petsiuk et al. 2018's AUC). */
export function trapezoidAreas(y: Float32Array, n: number): Float64Array {
  const points = y.length / n;
  return Float64Array.from({ length: n }, (_, i) => {
    const row = y.subarray(i * points, (i + 1) * points);
    if (points === 1) return row[0]!;
    let s = 0;
    for (let k = 0; k < points; k++) s += row[k]!;
    return (s - row[0]! / 2 - row[points - 1]! / 2) / (points - 1);
  });
}
