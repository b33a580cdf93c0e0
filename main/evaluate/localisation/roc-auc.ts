// ROC-AUC of the relevance as a score for "inside the mask" (Quantus AUC, after Fawcett 2006),
// computed as the Mann–Whitney U / (n_in · n_out): the chance that a random inside pixel outranks
// a random outside one, ties counting ½ (average ranks). A constant map scores 0.5; a full mask
// leaves nothing outside, so the AUC is undefined (NaN), as for an empty one.
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { scoreAgainstMasks } from './per-image.js';
import { relevanceOf, relevanceParam } from './relevance.js';

export const rocAucParams = z.object({ relevance: relevanceParam });

/** Mann–Whitney AUC of sorted (ascending) `inside` against sorted `outside`. */
export function sortedAuc(inside: Float32Array, outside: Float32Array): number {
  let below = 0;
  let j = 0;
  let u = 0;
  for (let i = 0; i < inside.length; i++) {
    const v = inside[i]!;
    while (j < outside.length && outside[j]! < v) j++;
    below = j;
    let k = j;
    while (k < outside.length && outside[k] === v) k++;
    u += below + 0.5 * (k - j);
  }
  return u / (inside.length * outside.length);
}

export const rocAuc = defineMetric({
  id: 'roc-auc',
  label: 'ROC-AUC',
  family: 'localisation',
  citation: 'Fawcett 2006, "An introduction to ROC analysis" (AUC = Mann–Whitney U / n₁n₀), as Quantus AUC',
  higherIsBetter: true,
  needs: { mask: true },
  params: rocAucParams,
  async score(batch, params) {
    const plane = batch.height * batch.width;
    const r = new Float32Array(plane);
    const inBuf = new Float32Array(plane);
    const outBuf = new Float32Array(plane);
    const scores = scoreAgainstMasks(batch, ({ heatmap, mask, inside }) => {
      if (inside === plane) return NaN;
      relevanceOf(heatmap, params.relevance, r);
      let a = 0;
      let b = 0;
      for (let i = 0; i < plane; i++) {
        if (mask[i] !== 0) inBuf[a++] = r[i]!;
        else outBuf[b++] = r[i]!;
      }
      return sortedAuc(inBuf.subarray(0, a).sort(), outBuf.subarray(0, b).sort());
    });
    return { scores };
  },
});
