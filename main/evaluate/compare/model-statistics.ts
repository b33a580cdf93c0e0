// The statistics of a model comparison, from each model's per-image scores: the same tools as one
// evaluation (main/evaluate/run/results.ts), applied across models instead of across methods.
//  - Each model's cell: mean with its percentile-bootstrap CI, drawn with that evaluation's own
//    seed for that (metric, column), so it equals the cell on the evaluation's own page; its chance
//    verdict is that evaluation's (paired Wilcoxon against its random baseline, Holm over its methods).
//  - Each method, every pair of models: a paired two-sided Wilcoxon signed-rank test (Wilcoxon 1945)
//    over the heatmap rows both score — the same images, so differences are the models' alone — with
//    a percentile-bootstrap CI of the mean difference (Efron & Tibshirani 1993), Holm-corrected over
//    every test of the metric (Holm 1979).
import type { MetricComparison, ModelCell, ModelPairTest } from '../../../shared/model-comparison.js';
import { Random } from '../../numeric/random.js';
import { cellSeed, chanceVerdicts, meanDifference, summariseScores } from '../run/results.js';
import { bootstrapMean } from '../statistics/bootstrap.js';
import { holmAdjust } from '../statistics/holm.js';
import { wilcoxonSignedRank } from '../statistics/wilcoxon.js';

/** One model's evaluation: scores [columns][metrics][rows], as evaluations.scores gives them. */
export interface ModelScores {
  scores: Float64Array;
  columns: number;
  metrics: number;
  rows: number;
  /** The evaluation's seed (its cells' bootstrap). */
  seed: number;
  /** The evaluation's random-baseline column, if it has one. */
  baseline: number | null;
}

/** A method matched across the models: its column in each model's evaluation, or null. */
export interface MatchedMethod {
  columns: readonly (number | null)[];
  baseline: boolean;
}

export interface CompareOptions {
  resamples: number;
  level: number;
  alpha: number;
  /** Seeds the bootstrap of the differences. */
  seed: number;
}

/** The scores of one column on one metric of a model's evaluation. */
export function columnScores(model: ModelScores, column: number, metric: number): Float64Array {
  const at = (column * model.metrics + metric) * model.rows;
  return model.scores.subarray(at, at + model.rows);
}

/** Heatmap rows where both sides are finite. */
function finitePairs(x: Float64Array, y: Float64Array): number {
  let n = 0;
  for (let i = 0; i < x.length; i++) if (Number.isFinite(x[i]!) && Number.isFinite(y[i]!)) n++;
  return n;
}

const pairSeed = (seed: number, metric: number, method: number, a: number, b: number) =>
  (cellSeed(seed, metric, method) ^ Math.imul(a * 64 + b + 1, 0xc2b2ae35)) >>> 0;

/**
 * Paired tests between every pair of models on each non-baseline method present in both,
 * Holm-adjusted together; `scoresOf(method, model)` is null where the model lacks the method.
 */
export function modelPairTests(
  methods: readonly MatchedMethod[],
  models: number,
  scoresOf: (method: number, model: number) => Float64Array | null,
  higherIsBetter: boolean,
  options: CompareOptions & { metric: number },
): ModelPairTest[] {
  const tests: ModelPairTest[] = [];
  methods.forEach((method, j) => {
    if (method.baseline) return;
    for (let a = 0; a < models; a++)
      for (let b = a + 1; b < models; b++) {
        const x = scoresOf(j, a);
        const y = scoresOf(j, b);
        if (x === null || y === null) continue;
        const w = wilcoxonSignedRank(x, y);
        const differences = x.map((v, i) => v - y[i]!);
        const ci = bootstrapMean(differences, new Random(pairSeed(options.seed, options.metric, j, a, b)), options);
        tests.push({ method: j, a, b, pairs: finitePairs(x, y), meanDifference: meanDifference(x, y), low: ci.low, high: ci.high, statistic: w.statistic, n: w.n, p: w.p, pHolm: NaN, verdict: 'undefined' });
      }
  });
  const adjusted = holmAdjust(tests.map((t) => t.p));
  for (const [k, t] of tests.entries()) {
    t.pHolm = adjusted[k]!;
    // The direction is the test's own, as for the chance verdicts: W⁺ above n(n + 1)/4 means a's scores are the larger.
    const aLarger = t.statistic > (t.n * (t.n + 1)) / 4;
    t.verdict = t.pairs === 0 ? 'undefined' : t.n === 0 ? 'identical' : t.pHolm >= options.alpha ? 'indistinguishable' : aLarger === higherIsBetter ? 'better-a' : 'better-b';
  }
  return tests;
}

/**
 * One metric compared across the models: every model's cells and the paired tests. `metricOf[i]` is
 * the metric's index in model i's evaluation (evaluations may list their metrics in other orders).
 */
export function compareMetric(
  models: readonly ModelScores[],
  methods: readonly MatchedMethod[],
  metric: { index: number; metricOf: readonly number[]; higherIsBetter: boolean },
  options: CompareOptions,
): Pick<MetricComparison, 'cells' | 'tests'> {
  const scoresOf = (j: number, i: number) => {
    const c = methods[j]!.columns[i];
    return c === null || c === undefined ? null : columnScores(models[i]!, c, metric.metricOf[i]!);
  };
  const chance = models.map((model, i) => {
    if (model.baseline === null) return [];
    const columns = Array.from({ length: model.columns }, (_, c) => columnScores(model, c, metric.metricOf[i]!));
    return chanceVerdicts(columns, model.baseline, metric.higherIsBetter, options.alpha);
  });
  const cells = methods.map((method, j) =>
    models.map((model, i): ModelCell | null => {
      const c = method.columns[i];
      if (c === null || c === undefined) return null;
      const summary = summariseScores(scoresOf(j, i)!, new Random(cellSeed(model.seed, metric.metricOf[i]!, c)), options);
      const verdict = chance[i]!.find((v) => v.column === c);
      return { ...summary, chance: verdict?.verdict ?? null, pVsChance: verdict?.pHolm ?? null };
    }),
  );
  return { cells, tests: modelPairTests(methods, models.length, scoresOf, metric.higherIsBetter, { ...options, metric: metric.index }) };
}
