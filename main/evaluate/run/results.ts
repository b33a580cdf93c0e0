// The summary of an evaluation: per metric and column, the mean with a seeded percentile-bootstrap
// CI (Efron & Tibshirani 1993), median and standard deviation; per metric, the columns ranked by
// mean in the metric's direction and every pair compared by a paired two-sided Wilcoxon
// signed-rank test (Wilcoxon 1945), Holm-corrected over the metric's pairs (Holm 1979); and each
// method against the random-map baseline, Holm-corrected over the methods: a method is called
// better than chance only when it beats the random map significantly.
import type { ChanceVerdict, MetricRanking, PairedTest, ScoreSummary } from '../../../shared/evaluations.js';
import { Random } from '../../numeric/random.js';
import { bootstrapMean, quantileSorted } from '../statistics/bootstrap.js';
import { holmAdjust } from '../statistics/holm.js';
import { normalQuantile } from '../statistics/normal.js';
import { wilcoxonSignedRank } from '../statistics/wilcoxon.js';

export interface SummaryOptions {
  seed: number;
  resamples: number;
  level: number;
}

/** Mean ± CI, median and (sample) standard deviation of the finite scores. */
export function summariseScores(scores: Float64Array, rng: Random, options: Pick<SummaryOptions, 'resamples' | 'level'>): ScoreSummary {
  const { mean, low, high, n } = bootstrapMean(scores, rng, options);
  const finite = scores.filter(Number.isFinite).sort();
  let squares = 0;
  for (const v of finite) squares += (v - mean) ** 2;
  return { mean, low, high, n, median: n === 0 ? NaN : quantileSorted(finite, 0.5), std: n > 1 ? Math.sqrt(squares / (n - 1)) : NaN };
}

/** Columns best first by mean; columns without a score (NaN) last, in column order. */
export function rankColumns(means: readonly number[], higherIsBetter: boolean): number[] {
  const sign = higherIsBetter ? -1 : 1;
  return means
    .map((m, c) => c)
    .sort((a, b) => {
      const x = means[a]!;
      const y = means[b]!;
      if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) === Number.isNaN(y) ? a - b : Number.isNaN(x) ? 1 : -1;
      return sign * (x - y) || a - b;
    });
}

/** Mean of x − y over the pairs where both are finite. */
export function meanDifference(x: Float64Array, y: Float64Array): number {
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < x.length; i++) {
    const d = x[i]! - y[i]!;
    if (Number.isFinite(d)) (sum += d), pairs++;
  }
  return pairs > 0 ? sum / pairs : NaN;
}

/**
 * Each column against the baseline column, Holm-adjusted over those comparisons at `alpha`. The
 * direction is the test's own: W⁺ above its null mean n(n + 1)/4 means the column's scores are
 * the larger ones.
 */
export function chanceVerdicts(columns: readonly Float64Array[], baseline: number, higherIsBetter: boolean, alpha = 0.05): ChanceVerdict[] {
  const others = columns.map((_, c) => c).filter((c) => c !== baseline);
  const tests = others.map((c) => ({ column: c, meanDifference: meanDifference(columns[c]!, columns[baseline]!), ...wilcoxonSignedRank(columns[c]!, columns[baseline]!) }));
  const adjusted = holmAdjust(tests.map((t) => t.p));
  return tests.map((t, k): ChanceVerdict => {
    const pHolm = adjusted[k]!;
    const larger = t.statistic > (t.n * (t.n + 1)) / 4;
    const verdict = t.n === 0 || Number.isNaN(t.p) ? 'undefined' : pHolm >= alpha ? 'indistinguishable' : larger === higherIsBetter ? 'better' : 'worse';
    return { column: t.column, verdict, meanDifference: t.meanDifference, statistic: t.statistic, n: t.n, p: t.p, pHolm };
  });
}

/** Every pair of columns (a < b) of one metric, paired by heatmap, Holm-adjusted together. */
export function pairedTests(columns: readonly Float64Array[]): PairedTest[] {
  const tests: PairedTest[] = [];
  for (let a = 0; a < columns.length; a++)
    for (let b = a + 1; b < columns.length; b++) {
      const w = wilcoxonSignedRank(columns[a]!, columns[b]!);
      tests.push({ a, b, meanDifference: meanDifference(columns[a]!, columns[b]!), statistic: w.statistic, n: w.n, p: w.p, pHolm: NaN });
    }
  const adjusted = holmAdjust(tests.map((t) => t.p));
  tests.forEach((t, k) => (t.pHolm = adjusted[k]!));
  return tests;
}

/**
 * The table and rankings of scores [columns][metrics][rows]. Each (metric, column) cell draws its
 * resamples from its own generator, so adding a column or metric leaves the other cells' CIs as they were.
 */
export function summariseEvaluation(
  scores: Float64Array,
  shape: { columns: number; metrics: readonly { id: string; higherIsBetter: boolean }[]; rows: number; baseline: number | null },
  options: SummaryOptions,
): { table: ScoreSummary[][]; rankings: MetricRanking[] } {
  const { columns, metrics, rows } = shape;
  const column = (c: number, m: number) => scores.subarray((c * metrics.length + m) * rows, (c * metrics.length + m + 1) * rows);
  const table = metrics.map((_, m) => Array.from({ length: columns }, (_, c) => summariseScores(column(c, m), new Random(cellSeed(options.seed, m, c)), options)));
  const rankings = metrics.map((metric, m): MetricRanking => {
    const means = table[m]!.map((s) => s.mean);
    const order = rankColumns(means, metric.higherIsBetter);
    const best = Number.isNaN(means[order[0]!]!) ? null : order[0]!;
    const scores = Array.from({ length: columns }, (_, c) => column(c, m));
    return { metric: metric.id, order, best, tests: pairedTests(scores), ...(shape.baseline === null ? {} : { chance: chanceVerdicts(scores, shape.baseline, metric.higherIsBetter) }) };
  });
  return { table, rankings };
}

/** The seed of one (metric, column) cell's bootstrap: a model comparison redraws a model's cells with its evaluation's own seeds, so they match its page. */
export const cellSeed = (seed: number, metric: number, column: number) => (seed ^ Math.imul(metric + 1, 0x9e3779b1) ^ Math.imul(column + 1, 0x85ebca6b)) >>> 0;

/**
 * Mean curve of each column with a pointwise normal-approximation CI of the mean (mean ± z·s/√n over
 * the images with a finite value): cheap enough to compute on every read, and close to the bootstrap
 * for the hundreds of images an evaluation has.
 */
export function curveBands(curves: Float32Array, columns: number, rows: number, points: number, level: number): { mean: Float64Array; low: Float64Array; high: Float64Array } {
  const z = normalQuantile(0.5 + level / 2);
  const mean = new Float64Array(columns * points);
  const low = new Float64Array(columns * points);
  const high = new Float64Array(columns * points);
  for (let c = 0; c < columns; c++)
    for (let k = 0; k < points; k++) {
      let n = 0;
      let sum = 0;
      let squares = 0;
      for (let r = 0; r < rows; r++) {
        const v = curves[(c * rows + r) * points + k]!;
        if (Number.isFinite(v)) (n++, (sum += v), (squares += v * v));
      }
      const m = n > 0 ? sum / n : NaN;
      const half = n > 1 ? z * Math.sqrt(Math.max(0, squares - n * m * m) / (n - 1) / n) : n === 1 ? 0 : NaN;
      mean[c * points + k] = m;
      low[c * points + k] = m - half;
      high[c * points + k] = m + half;
    }
  return { mean, low, high };
}
