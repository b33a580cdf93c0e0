// Which evaluations compare a set of models (the Models list's "Compare evaluations"): one of each
// model, all on the same dataset, images, ground truth and metrics. Main checks the rest (the very
// image indices, the metrics' parameters) when the comparison opens.
import type { EvaluationSummary } from '../../../shared/evaluations.js';
import { comparisonMismatch } from '../../../shared/model-comparison.js';

type Summary = Pick<EvaluationSummary, 'id' | 'modelId' | 'modelName' | 'datasetId' | 'datasetName' | 'metrics' | 'groundTruth' | 'count' | 'perImage'>;

const signature = (e: Summary) => JSON.stringify([e.datasetId, e.count, e.perImage, e.groundTruth, [...e.metrics].sort()]);

/**
 * The newest evaluation of each model, in the models' order, among the kinds of evaluation every
 * model has — the kind whose newest evaluation is newest when there are several; null when the
 * models share none (or fewer than two are given).
 */
export function comparableEvaluations<T extends Summary>(list: readonly T[], modelIds: readonly number[]): T[] | null {
  if (modelIds.length < 2) return null;
  const kinds = new Map<string, T[]>();
  for (const e of list) if (modelIds.includes(e.modelId)) kinds.set(signature(e), [...(kinds.get(signature(e)) ?? []), e]);
  let best: T[] | null = null;
  for (const members of kinds.values()) {
    const newest = modelIds.map((id) => members.filter((e) => e.modelId === id).reduce<T | null>((a, e) => (a === null || e.id > a.id ? e : a), null));
    if (newest.some((e) => e === null)) continue;
    const chosen = newest as T[];
    if (comparisonMismatch(chosen) !== null) continue;
    if (best === null || Math.max(...chosen.map((e) => e.id)) > Math.max(...best.map((e) => e.id))) best = chosen;
  }
  return best;
}
