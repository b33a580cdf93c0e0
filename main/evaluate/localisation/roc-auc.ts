// ROC-AUC of the relevance as a score for "inside the mask" (Quantus AUC, after Fawcett 2006),
// computed as the Mann–Whitney U / (n_in · n_out): the chance that a random inside pixel outranks
// a random outside one, ties counting ½ (average ranks). A constant map scores 0.5; a full mask
// leaves nothing outside, so the AUC is undefined (NaN), as for an empty one.
import { z } from 'zod';
import { defineMetric } from '../metric.js';
import { floatKey, radixSortUint32 } from '../radix-sort.js';
import { scoreAgainstMasks } from './per-image.js';
import { relevanceModeOf, relevanceOf, relevanceParam } from './relevance.js';

export const rocAucParams = z.object({ relevance: relevanceParam });

/** Mann–Whitney AUC of ascending `inside` against ascending `outside`, in one merge pass (tie groups at once). */
export function sortedAuc(inside: ArrayLike<number>, outside: ArrayLike<number>): number {
  const nIn = inside.length;
  const nOut = outside.length;
  let below = 0; // outside values < v
  let upTo = 0; // outside values ≤ v
  let u = 0;
  for (let i = 0; i < nIn; ) {
    const v = inside[i]!;
    let end = i + 1;
    while (end < nIn && inside[end] === v) end++;
    while (below < nOut && outside[below]! < v) below++;
    if (upTo < below) upTo = below;
    while (upTo < nOut && outside[upTo] === v) upTo++;
    u += (end - i) * (below + 0.5 * (upTo - below));
    i = end;
  }
  return u / (nIn * nOut);
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
    const bits = new Uint32Array(r.buffer);
    const inKeys = new Uint32Array(plane);
    const outKeys = new Uint32Array(plane);
    const scratch = new Uint32Array(plane);
    const scores = scoreAgainstMasks(batch, ({ heatmap, mask, inside }) => {
      if (inside === plane) return NaN;
      relevanceOf(heatmap, relevanceModeOf(params.relevance, batch), r);
      // Sort the floats' order-preserving integer keys: equal floats have equal keys.
      let a = 0;
      let b = 0;
      for (let i = 0; i < plane; i++) {
        if (mask[i] !== 0) inKeys[a++] = floatKey(bits[i]!);
        else outKeys[b++] = floatKey(bits[i]!);
      }
      const ins = inKeys.subarray(0, a);
      const outs = outKeys.subarray(0, b);
      radixSortUint32(ins, scratch);
      radixSortUint32(outs, scratch);
      return sortedAuc(ins, outs);
    });
    return { scores };
  },
});
