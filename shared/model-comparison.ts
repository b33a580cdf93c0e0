// Comparing models: evaluations of two or more models on the same images (same dataset, image set,
// explained classes, ground truth and metrics) side by side — each model's mean ± CI and chance
// verdict per method, and per method a paired test between the models on the very same images.
import { z } from 'zod';
import type { ChanceVerdict, EvaluatedMetric, EvaluationSummary, GroundTruth, ScoreSummary } from './evaluations.js';
import type { ExplanationTarget } from './explanations.js';

/** At most this many models side by side: each is a column group of every metric's table. */
export const MAX_COMPARED_MODELS = 6;

export const modelComparisonRequestSchemas = {
  /** Evaluations of different models on the same images, compared method by method (recomputed from their per-image scores). */
  'evaluations.compare': z.object({ ids: z.array(z.int().min(1)).min(2).max(MAX_COMPARED_MODELS) }).strict(),
} as const;

/** One model of the comparison: the evaluation that scored it. */
export interface ComparedModel {
  evaluationId: number;
  evaluationName: string;
  modelId: number;
  modelName: string | null;
  /** The model's name, with its id when two compared models share a name. */
  label: string;
}

/** A method, matched across the evaluations by its id and parameters (the random baseline by being the baseline). */
export interface ComparedMethod {
  key: string;
  method: string;
  label: string;
  baseline: boolean;
  /** The column of each model's evaluation that holds it; null where that evaluation lacks it. */
  columns: (number | null)[];
  /** Its explanation run in each model's evaluation (null for the built-in baseline or where it is missing). */
  runIds: (number | null)[];
}

/** One model's mean ± CI on one method, and how the method compares with that model's random baseline. */
export interface ModelCell extends ScoreSummary {
  /** null for the baseline itself. */
  chance: ChanceVerdict['verdict'] | null;
  /** Holm-adjusted over the methods of that model's evaluation, as on its own page. */
  pVsChance: number | null;
}

/**
 * A paired Wilcoxon signed-rank test between two models on one method and metric, paired by image
 * row: a − b. better-a / better-b: significant after Holm, in the metric's direction; identical: no
 * non-zero difference; undefined: no image scored by both.
 */
export interface ModelPairTest {
  method: number;
  /** Model indices, a < b. */
  a: number;
  b: number;
  /** Heatmap rows both models score (finite on both sides). */
  pairs: number;
  meanDifference: number;
  /** Percentile-bootstrap CI of the mean difference at the comparison's level. */
  low: number;
  high: number;
  /** W⁺ of a − b. */
  statistic: number;
  /** Non-zero differences used. */
  n: number;
  p: number;
  /** Holm-adjusted over every test of this metric. */
  pHolm: number;
  verdict: 'better-a' | 'better-b' | 'indistinguishable' | 'identical' | 'undefined';
}

export interface MetricComparison {
  metric: EvaluatedMetric;
  /** [method][model]; null where the model's evaluation lacks the method. */
  cells: (ModelCell | null)[][];
  /** Every pair of models on every method both have (the baseline is not tested), Holm-corrected together. */
  tests: ModelPairTest[];
}

export interface ModelComparison {
  models: ComparedModel[];
  datasetId: number;
  datasetName: string | null;
  /** Images, and heatmaps per image: a paired test pairs rows = images × perImage. */
  count: number;
  perImage: number;
  target: ExplanationTarget;
  groundTruth: GroundTruth | null;
  groundTruthLabel: string | null;
  /** CI coverage and bootstrap resamples (the first evaluation's); each model's cells use its own evaluation's seed, so they match its page. */
  level: number;
  resamples: number;
  /** Significance level of the verdicts. */
  alpha: number;
  methods: ComparedMethod[];
  metrics: MetricComparison[];
}

type Comparable = Pick<EvaluationSummary, 'id' | 'modelId' | 'modelName' | 'datasetId' | 'datasetName' | 'metrics' | 'groundTruth' | 'count' | 'perImage'>;

const sameGroundTruth = (a: GroundTruth | null, b: GroundTruth | null) => JSON.stringify(a) === JSON.stringify(b);

function groundTruthWords(gt: GroundTruth | null): string {
  if (gt === null) return 'none';
  return gt.kind === 'generated' ? `generated "${gt.mask}" masks` : `annotation set ${gt.id}${gt.label === undefined ? '' : ` (label ${gt.label})`}`;
}

/**
 * What stops these evaluations from being compared as models on the same images, in one sentence
 * naming the part that differs; null when the summaries agree. Main checks the rest (the very image
 * indices, the explained classes, the metrics' parameters) with the scores in hand.
 */
export function comparisonMismatch(list: readonly Comparable[], metricLabel: (id: string) => string = (id) => id): string | null {
  if (list.length < 2) return 'Choose two or more evaluations to compare models.';
  if (list.length > MAX_COMPARED_MODELS) return `Choose at most ${MAX_COMPARED_MODELS} evaluations: each model is a column group of every table.`;
  const twice = list.find((e, k) => list.findIndex((o) => o.id === e.id) !== k);
  if (twice) return `Evaluation ${twice.id} is listed twice.`;
  const [first] = list;
  for (const e of list.slice(1)) {
    const pair = `Evaluations ${first!.id} and ${e.id}`;
    if (e.datasetId !== first!.datasetId)
      return `${pair} are on different datasets (${first!.datasetName ?? `dataset ${first!.datasetId}`} and ${e.datasetName ?? `dataset ${e.datasetId}`}); models are compared on the same images.`;
    const sameModel = list.find((o) => o.id !== e.id && o.modelId === e.modelId);
    if (sameModel) return `Evaluations ${sameModel.id} and ${e.id} both score model ${e.modelName === null ? e.modelId : `"${e.modelName}"`}; compare evaluations of different models.`;
    if (e.count !== first!.count || e.perImage !== first!.perImage)
      return `${pair} score different image sets (${imageWords(first!)} and ${imageWords(e)}); models are compared on the same images.`;
    if (!sameGroundTruth(e.groundTruth, first!.groundTruth))
      return `${pair} use different ground truths (${groundTruthWords(first!.groundTruth)} and ${groundTruthWords(e.groundTruth)}).`;
    const onlyFirst = first!.metrics.filter((m) => !e.metrics.includes(m));
    const onlyOther = e.metrics.filter((m) => !first!.metrics.includes(m));
    if (onlyFirst.length > 0 || onlyOther.length > 0) {
      const only = (id: number, ms: string[]) => `only evaluation ${id} scores ${ms.map(metricLabel).join(', ')}`;
      const parts = [...(onlyFirst.length > 0 ? [only(first!.id, onlyFirst)] : []), ...(onlyOther.length > 0 ? [only(e.id, onlyOther)] : [])];
      return `${pair} score different metrics: ${parts.join('; ')}.`;
    }
  }
  return null;
}

const imageWords = (e: Pick<Comparable, 'count' | 'perImage'>) => `${e.count} image${e.count === 1 ? '' : 's'}${e.perImage > 1 ? ` × ${e.perImage} classes` : ''}`;
