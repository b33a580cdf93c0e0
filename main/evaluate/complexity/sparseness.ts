// Sparseness (Chalasani et al. 2020, "Concise explanations of neural networks using adversarial
// training", ICML): the Gini index of |a| (Hurley & Rickard 2009), with |a| sorted ascending
// G = Σ_k (2k − n − 1) |a|_(k) / (n Σ|a|). One-hot → 1 − 1/n; constant → 0; an all-zero map
// counts as constant (0).
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { keyBits, radixSortUint32 } from '../radix-sort.js';

export const sparsenessParams = z.object({});

/** Gini index of |values|; `work` is scratch of the same length. */
export function gini(values: Float32Array, work: Float32Array): number {
  const n = values.length;
  const keys = new Uint32Array(work.buffer, work.byteOffset, n);
  const bits = new Uint32Array(values.buffer, values.byteOffset, n);
  // |a| by clearing the sign bit; the key of a non-negative float is its bits with the top bit set.
  for (let i = 0; i < n; i++) keys[i] = (bits[i]! | 0x80000000) >>> 0;
  radixSortUint32(keys, scratchFor(n));
  for (let i = 0; i < n; i++) keys[i] = keyBits(keys[i]!);
  let weighted = 0;
  let total = 0;
  for (let k = 0; k < n; k++) {
    const v = work[k]!;
    weighted += (2 * (k + 1) - n - 1) * v;
    total += v;
  }
  return total === 0 ? 0 : weighted / (n * total);
}

let scratch = new Uint32Array(0);
function scratchFor(n: number): Uint32Array {
  if (scratch.length < n) scratch = new Uint32Array(n);
  return scratch;
}

export const sparseness = defineMetric({
  id: 'sparseness',
  label: 'Sparseness (Gini)',
  family: 'complexity',
  citation: 'Chalasani et al. 2020, "Concise explanations of neural networks using adversarial training", ICML (Gini index of |a|)',
  higherIsBetter: true,
  needs: {},
  params: sparsenessParams,
  async score(batch) {
    const plane = batch.height * batch.width;
    const work = new Float32Array(plane);
    const scores = new Float64Array(batch.n);
    for (let i = 0; i < batch.n; i++) scores[i] = gini(batch.heatmaps.subarray(i * plane, (i + 1) * plane), work);
    return { scores };
  },
});
