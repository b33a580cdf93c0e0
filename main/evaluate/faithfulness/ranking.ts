// What orders the pixels of a faithfulness curve: the heatmap's signed values (most positive first,
// as Samek et al. 2017 rank LRP's signed relevance) or their magnitude. The default follows the
// method that made the map (its registry entry's `relevance`): a map whose sign is evidence for or
// against the class is ranked signed; a map whose sign is only the direction of a change (the
// signed gradient) is ranked by magnitude, as sensitivity analysis is defined.
import { z } from 'zod';
import { heatmapOf, type MetricBatch } from '../metric.js';

export const rankingModes = ['method', 'signed', 'absolute'] as const;
export type RankingMode = (typeof rankingModes)[number];

export const rankingParam = z
  .enum(rankingModes)
  .default('method')
  .describe('What ranks the pixels: the method’s own convention (signed where the sign is evidence, as LRP or Gradient × Input; magnitude where it is not, as the signed gradient), the signed value (most positive first), or the magnitude |a|.');

/** Whether image i's map is ranked by magnitude under the given mode. */
export const ranksByMagnitude = (batch: Pick<MetricBatch, 'relevance'>, mode: RankingMode) => (mode === 'method' ? batch.relevance === 'absolute' : mode === 'absolute');

/** Heatmap i as the curve ranks it: its values, or their magnitudes (a copy). */
export function rankingMap(batch: MetricBatch, i: number, mode: RankingMode): Float32Array {
  const heatmap = heatmapOf(batch, i);
  return ranksByMagnitude(batch, mode) ? heatmap.map(Math.abs) : heatmap;
}
