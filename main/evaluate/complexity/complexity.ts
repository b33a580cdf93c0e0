// Complexity (Bhatt, Weller & Moura 2020, "Evaluating and aggregating feature-based model
// explanations", IJCAI): the entropy −Σ p ln p of the fractional contributions
// p_i = |a_i| / Σ|a| (nats). Uniform → ln n; one-hot → 0; an all-zero map counts as uniform.
import { z } from 'zod';
import { defineMetric } from '../metric.js';

export const complexityParams = z.object({});

/** Entropy (nats) of |values| / Σ|values|. */
export function attributionEntropy(values: Float32Array): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += Math.abs(values[i]!);
  if (total === 0) return Math.log(values.length);
  let h = 0;
  for (let i = 0; i < values.length; i++) {
    const p = Math.abs(values[i]!) / total;
    if (p > 0) h -= p * Math.log(p);
  }
  return h;
}

export const complexity = defineMetric({
  id: 'complexity',
  label: 'Complexity (entropy)',
  family: 'complexity',
  citation: 'Bhatt, Weller & Moura 2020, "Evaluating and aggregating feature-based model explanations", IJCAI (complexity)',
  higherIsBetter: false,
  needs: {},
  params: complexityParams,
  async score(batch) {
    const plane = batch.height * batch.width;
    const scores = new Float64Array(batch.n);
    for (let i = 0; i < batch.n; i++) scores[i] = attributionEntropy(batch.heatmaps.subarray(i * plane, (i + 1) * plane));
    return { scores };
  },
});
